# policy: https://w3id.org/chuangshu/privacy/public
# label@en: public export: what identifies people is left out
# label@zh: 公开导出：去除可识别个人的信息
# comment@en: Applied by export, serve and push with --public (give your own SPARQL Update file with --policy). Removes every person (foaf:Person) and every statement about or pointing to one; interviews (codes, dates, interviewees, roles) and every link to them; quotations and their texts; free-text notes on data records (rdfs:comment, skos:editorialNote, cs:assumptionNote, cs:sourceWording). Kept: communities, stakeholders that are organizations, interventions with what was done and their outcomes, claims, sources, and the ontology. The ontology's own notes (terms under https://w3id.org/chuangshu/ontology#) are kept.
# comment@zh: 导出、发布、推送时加 --public 即执行（亦可用 --policy 指定自己的 SPARQL Update 文件）。删除所有个人（foaf:Person）及关于或指向他们的陈述；访谈（编码、日期、受访者、身份）及指向访谈的链接；引文及其文本；数据记录上的自由文本备注（rdfs:comment、skos:editorialNote、cs:assumptionNote、cs:sourceWording）。保留：社区、作为组织的利益相关者、举措及其做法与成效、论断、来源及本体。本体自身的说明（https://w3id.org/chuangshu/ontology# 下的术语）予以保留。
PREFIX cs: <https://w3id.org/chuangshu/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

DELETE { ?person ?p ?o } WHERE { ?person a foaf:Person ; ?p ?o } ;
DELETE { ?s ?p ?person } WHERE { ?person a foaf:Person . ?s ?p ?person } ;
DELETE { ?s ?p ?interview } WHERE { ?interview a cs:Interview . ?s ?p ?interview } ;
DELETE { ?interview ?p ?o } WHERE { ?interview a cs:Interview ; ?p ?o } ;
DELETE { ?s ?p ?quote } WHERE { ?quote a cs:Quotation . ?s ?p ?quote } ;
DELETE { ?quote ?p ?o } WHERE { ?quote a cs:Quotation ; ?p ?o } ;
DELETE { ?s ?p ?note } WHERE {
  VALUES ?p { rdfs:comment skos:editorialNote cs:assumptionNote cs:sourceWording cs:citedAs }
  ?s ?p ?note .
  FILTER (!STRSTARTS(STR(?s), "https://w3id.org/chuangshu/ontology"))
}
