# entailment: https://w3id.org/chuangshu/entailment/subproperties
# label@en: sub-properties (OWL 2 RL prp-spo1)
# label@zh: 子属性（OWL 2 RL prp-spo1）
# comment@en: A statement with a property also holds with each of its super-properties (cs:partnerOf ⊑ cs:stakeholderOf).
# comment@zh: 以某属性陈述的事实，对其每个上位属性同样成立（如 cs:partnerOf ⊑ cs:stakeholderOf）。
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { ?s ?super ?o }
WHERE {
  ?p rdfs:subPropertyOf+ ?super .
  FILTER (isIRI(?p) && isIRI(?super) && ?p != ?super)
  ?s ?p ?o .
}
