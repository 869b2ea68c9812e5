# entailment: https://w3id.org/chuangshu/entailment/property-chains
# label@en: two-step property chains (OWL 2 RL prp-spo2)
# label@zh: 两步属性链（OWL 2 RL prp-spo2）
# comment@en: For a property whose owl:propertyChainAxiom is (p1 p2): x p1 y and y p2 z give x p z — the type a community's form implies.
# comment@zh: 若某属性的 owl:propertyChainAxiom 为 (p1 p2)，则由 x p1 y 与 y p2 z 得 x p z——社区形态推定的社会资本类型。
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x ?p ?z }
WHERE {
  ?p owl:propertyChainAxiom ?chain .
  ?chain rdf:first ?p1 ; rdf:rest ?rest .
  ?rest rdf:first ?p2 ; rdf:rest rdf:nil .
  ?x ?p1 ?y .
  ?y ?p2 ?z .
}
