# entailment: https://w3id.org/chuangshu/entailment/defined-classes
# label@en: members of defined classes (OWL 2 RL cls-int1 with cls-hv1 and cax-sco)
# label@zh: 定义类的成员（OWL 2 RL cls-int1，结合 cls-hv1 与 cax-sco）
# comment@en: An individual that belongs to every member of a named class's intersection — each named class (directly or by inheritance) and each hasValue restriction (by the value) — belongs to that class: a trust-building intervention is an intervention that builds generalized trust.
# comment@zh: 若个体属于某命名类之交集的每一成员——每个命名类（直接或经继承）与每个 hasValue 限定（具有该值）——则它属于该命名类：如信任培育举措即培育普遍信任的举措。
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x rdf:type ?c }
WHERE {
  ?c owl:equivalentClass ?d .
  ?d owl:intersectionOf ?list .
  FILTER (isIRI(?c))
  # the candidates: the individuals with the value of one of its hasValue members (few: the
  # trust-building interventions among every intervention), or, for an intersection without one, the
  # individuals of one of its named classes
  {
    ?list rdf:rest*/rdf:first ?restriction .
    ?restriction owl:hasValue ?v0 ; owl:onProperty ?p0 .
    ?x ?p0 ?v0 .
  } UNION {
    FILTER NOT EXISTS { ?list rdf:rest*/rdf:first ?any . ?any owl:hasValue ?anyValue }
    ?list rdf:rest*/rdf:first ?named .
    FILTER (isIRI(?named))
    ?x rdf:type/rdfs:subClassOf* ?named .
  }
  FILTER (isIRI(?x))
  # no member of the intersection that the individual fails: each is a class it belongs to (directly
  # or by inheritance) or a hasValue restriction whose value it has (any other kind of member fails
  # both: such an intersection is left to the OWL reasoners)
  FILTER NOT EXISTS {
    ?list rdf:rest*/rdf:first ?member .
    FILTER NOT EXISTS { ?x rdf:type/rdfs:subClassOf* ?member }
    FILTER NOT EXISTS { ?member owl:hasValue ?value ; owl:onProperty ?p . ?x ?p ?value }
  }
}
