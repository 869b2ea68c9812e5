# entailment: https://w3id.org/chuangshu/entailment/has-value
# label@en: values from a type's owl:hasValue restrictions (OWL 2 RL cls-hv1 with cax-sco)
# label@zh: 由类型的 owl:hasValue 限定推得属性值（OWL 2 RL cls-hv1 与 cax-sco）
# comment@en: An individual of a class that is (directly or by inheritance) a subclass of a hasValue restriction has that value: what each intervention builds, in which scope, stage and by which mechanism.
# comment@zh: 若个体所属的类（直接或经继承）是某 hasValue 限定的子类，则该个体具有该值：举措所培育的维度、作用范围、阶段与机制。
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x ?p ?v }
WHERE {
  ?r owl:hasValue ?v ; owl:onProperty ?p .
  ?c rdfs:subClassOf+ ?r .
  ?x rdf:type ?c .
  FILTER (isIRI(?x))
}
