# entailment: https://w3id.org/chuangshu/entailment/domains-ranges
# label@en: types from property domains and ranges (OWL 2 RL prp-dom, prp-rng)
# label@zh: 由属性的定义域与值域推得类型（OWL 2 RL prp-dom、prp-rng）
# comment@en: The subject of a statement belongs to its property's domain, and an individual object to its range: whoever takes part in an intervention is a stakeholder.
# comment@zh: 陈述的主语属于其属性的定义域，作为宾语的个体属于其值域：如参与举措者即利益相关者。
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { ?x rdf:type ?c }
WHERE {
  {
    ?p rdfs:domain ?c .
    ?x ?p ?y .
  } UNION {
    ?p rdfs:range ?c .
    ?y ?p ?x .
  }
  FILTER (isIRI(?c) && isIRI(?x))
}
