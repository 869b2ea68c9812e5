"""The spreadsheet template: which sheets, which columns, and what each column means in RDF.

One sheet holds one kind of record (communities, stakeholders, interventions, …); one row
is one record, named by its ``id``; one column is one property of the ontology. The code
lists behind the drop-downs come from the ontology (``queries/templates/code-lists.rq``),
so the templates never drift from it.

Column kinds:

``id``     the record's ID; the IRI is ``csd:`` + the ID (see :func:`mint`)
``lang``   a literal in a fixed language (``label_zh`` → ``rdfs:label "…"@zh``)
``text``   a plain string
``date``   xsd:date, xsd:gYearMonth or xsd:gYear, by the precision written
``number`` xsd:integer, or xsd:decimal when it has a fraction
``ref``    IDs of other records (or ``prefix:local``, ``<IRI>``)
``iri``    a web address (http or https)
``code``   terms from a code list, by code, label or ``prefix:local``
``type``   like ``code``, for ``rdf:type``

Several values go in one cell separated by ``;`` (refs, codes and types only).
The ``statements`` sheet holds any other triple: subject, property, value, value type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, unquote

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS

from . import resources
from .rdf import CS, PREFIXES, compact

CSD = PREFIXES["csd"]
C = lambda local: URIRef(CS + local)  # noqa: E731


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    prop: URIRef | None = None
    kind: str = "text"
    lang: str | None = None          # for kind "lang"; None with lang_column
    lang_column: str | None = None   # the column that gives the language
    codes: str | None = None         # the code list for "code" and "type"
    multi: bool = False
    inverse: bool = False            # the row is the object: (value, prop, row)
    help_en: str = ""
    help_zh: str = ""
    example_en: str = ""             # what a value looks like, for an error about a malformed one
    example_zh: str = ""

    @property
    def header(self) -> str:
        return f"{self.key}｜{self.zh}"


@dataclass(frozen=True)
class Sheet:
    key: str
    en: str
    zh: str
    types: tuple[URIRef, ...] = ()   # rdf:type of every row (none when a type column gives it)
    columns: tuple[Column, ...] = field(default_factory=tuple)
    help_en: str = ""
    help_zh: str = ""

    @property
    def title(self) -> str:
        return f"{self.key}｜{self.zh}"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _lang_pair(key, en, zh, prop, help_en="", help_zh=""):
    return (Column(f"{key}_zh", f"{en} (Chinese)", f"{zh}（中文）", prop, "lang", "zh", help_en=help_en, help_zh=help_zh),
            Column(f"{key}_en", f"{en} (English)", f"{zh}（英文）", prop, "lang", "en", help_en=help_en, help_zh=help_zh))


ID = Column("id", "ID", "编号", kind="id",
            help_en="Unique in the workbook; letters, digits, - _ . (other characters are percent-encoded in the IRI).",
            help_zh="在整个工作簿中唯一；字母、数字、- _ .（其他字符在 IRI 中百分号编码）。")
LABELS = _lang_pair("label", "label", "标签", RDFS.label)
COMMUNITY = Column("community", "community", "所属社区", C("inCommunity"), "ref",
                   help_en="ID of the community (sheet communities).", help_zh="社区编号（communities 表）。")
TAIL = (
    *_lang_pair("comment", "comment", "备注", RDFS.comment),
    Column("source", "source", "来源", DCTERMS.source, "ref", multi=True,
           help_en="ID of the publication or document every fact of the row comes from (sheet sources).",
           help_zh="本行事实出处的文献编号（sources 表）。"),
    Column("page_ref", "page or section", "页码或章节", C("pageRef")),
    Column("source_wording", "wording in the source", "原文措辞", C("sourceWording"), "lang", "zh",
           help_en="The source's own words, copied exactly.", help_zh="原文的表述，逐字照录。"),
    Column("fact_status", "fact status", "事实状态", C("factStatus"), "code", codes="fact-statuses",
           help_en="Leave empty when the source states it; DerivedFromSource or AssumedBeyondSource otherwise.",
           help_zh="原文直接陈述时留空；否则填 DerivedFromSource（由原文推得）或 AssumedBeyondSource（超出原文的假定）。"),
    *_lang_pair("assumption_note", "assumption note", "推定说明", C("assumptionNote")),
    *_lang_pair("editorial_note", "editorial note", "编辑说明", SKOS.editorialNote),
)


def _sheet(key, en, zh, types, *columns, help_en="", help_zh=""):
    return Sheet(key, en, zh, tuple(types), (ID, *LABELS, *columns, *TAIL), help_en, help_zh)


SHEETS: tuple[Sheet, ...] = (
    _sheet("communities", "communities", "社区", [C("Community")],
           Column("form", "community form", "社区形态", C("hasForm"), "code", codes="community-forms"),
           *_lang_pair("city", "city", "城市", C("city")),
           *_lang_pair("district", "district", "区县", C("district")),
           Column("community_code", "code in the source", "文中代号", C("communityCode")),
           Column("built_in", "built in", "建成时间", C("builtIn"), "date"),
           Column("built_in_decade", "built in the decade", "建成年代", C("builtInDecade"), "number",
                  help_en="The decade's last year as the source words it (1990 for “the 1990s”).",
                  help_zh="按原文表述记年代（“20 世纪 90 年代”记 1990）。",
                  example_en="1990 (for “the 1990s”)", example_zh="1990（“20 世纪 90 年代”记 1990）"),
           Column("programme_start", "programme start", "创熟工作起始", C("programmeStart"), "date"),
           *_lang_pair("motto", "motto", "社区口号", C("motto")),
           help_en="One row per community.", help_zh="每个社区一行。"),
    _sheet("stakeholders", "stakeholders", "利益相关者", [],
           Column("type", "kind", "类型", RDF.type, "type", codes="stakeholder-types", multi=True,
                  help_en="Kind of stakeholder; add foaf:Person for one named person.",
                  help_zh="利益相关者类型；具体个人另加 foaf:Person。"),
           Column("stakeholder_of", "stakeholder of", "所属社区", C("stakeholderOf"), "ref", multi=True),
           Column("partner_of", "partner of", "合作社区", C("partnerOf"), "ref", multi=True),
           Column("sub_organization_of", "part of organization", "上级组织", ORG.subOrganizationOf, "ref", multi=True),
           Column("name", "name", "姓名", FOAF.name),
           help_en="Residents, committees, Party organizations, merchants, units, social organizations, people.",
           help_zh="居民、居委会、党组织、商户、驻地单位、社会组织、个人等。"),
    _sheet("posts", "posts", "职务", [ORG.Post],
           Column("role", "role", "角色", ORG.role, "code", codes="roles"),
           Column("holder", "held by", "任职者", ORG.heldBy, "ref"),
           Column("organization", "post in", "所在组织", ORG.postIn, "ref"),
           help_en="A post held in an organization (two posts held by one person record a cross-appointment).",
           help_zh="某组织中的职务（一人担任两个职务即交叉任职）。"),
    _sheet("interventions", "interventions", "举措", [],
           Column("type", "intervention type", "举措类型", RDF.type, "type", codes="intervention-types"),
           Column("case_label", "label in the source", "文中编号", C("caseLabel"),
                  help_en="The source's own label, such as D1.", help_zh="原文编号，如 D1。"),
           COMMUNITY,
           Column("organizer", "organizer", "组织者", C("organizer"), "ref", multi=True),
           Column("participants", "participants", "参与者", C("participant"), "ref", multi=True),
           Column("builds", "builds", "培育维度", C("builds"), "code", codes="dimensions", multi=True,
                  help_en="Your coding: it counts as recorded. Leave empty to take the type's default (codes sheet); "
                          "required for the type OtherIntervention.",
                  help_zh="研究者的编码：按记录计入。留空则取该类型的默认值（见 codes 表）；类型为 OtherIntervention 时必填。"),
           Column("scope", "relation scope", "关系范围", C("targetsScope"), "code", codes="scopes", multi=True,
                  help_en="Your coding: it counts as recorded. Leave empty to take the type's default; required for OtherIntervention.",
                  help_zh="研究者的编码：按记录计入。留空则取该类型的默认值；类型为 OtherIntervention 时必填。"),
           Column("mechanism", "mechanism", "作用机制", C("viaMechanism"), "code", codes="mechanisms", multi=True,
                  help_en="How it works, where the source shows it (points, a contract, one-way giving …); empty: the type's default. "
                          "Reciprocity with merchants counts for norm iteration only as a contract.",
                  help_zh="来源显示的作用方式（积分、契约、单向捐助等）；留空则取类型默认值。与商户之间的互惠只有以契约形式才计入规范迭代。"),
           Column("status", "status", "状态", C("interventionStatus"), "code", codes="statuses",
                  help_en="Planned, Ongoing, Implemented or Discontinued; empty means implemented. Planned ones are shown, never counted.",
                  help_zh="计划中、进行中、已实施或已停止；留空即已实施。计划中的举措予以展示，但不计入。"),
           Column("part_of", "part of", "所属举措", C("partOfIntervention"), "ref"),
           Column("realizes_step", "contract step", "六约步骤", C("realizesStep"), "code", codes="contract-steps"),
           Column("start_date", "start date", "开始时间", C("startDate"), "date",
                  help_en="2022-08-01, 2022-08, 2022, 2022/8/1, 2022年8月 …; only as precise as the source.",
                  help_zh="2022-08-01、2022-08、2022、2022/8/1、2022年8月等；精度以来源为准。"),
           Column("started_by", "started no later than", "不晚于", C("startNoLaterThan"), "date",
                  help_en="When the source says only “by 2012” or reports it in 2025: it counts from this date.",
                  help_zh="来源只说“截至 2012 年”或于 2025 年报道时填写：自此日期起计入。"),
           Column("started_after", "started no earlier than", "不早于", C("startNoEarlierThan"), "date",
                  help_en="The first year of a range such as “2022–2023” (put 2023 in started_by).",
                  help_zh="如“2022—2023 年”中的 2022（2023 填入“不晚于”）。"),
           Column("end_date", "end date", "结束时间", C("endDate"), "date",
                  help_en="For a discontinued intervention: it counts only before this date.",
                  help_zh="已停止的举措：只在此日期之前计入。"),
           Column("date_status", "date status", "日期状态", C("dateStatus"), "code", codes="fact-statuses"),
           Column("recurrence", "recurrence", "周期", C("recurrence"),
                  help_en="An iCalendar rule such as FREQ=YEARLY.", help_zh="iCalendar 规则，如 FREQ=YEARLY。"),
           *_lang_pair("what_was_done", "what was done", "做法", C("whatWasDone")),
           *_lang_pair("outcome", "outcome", "成效", C("outcome")),
           help_en="One row per intervention of a community.", help_zh="每项举措一行。"),
    _sheet("contract_steps", "contract steps", "六约步骤", [C("ContractStepPerformance")],
           Column("intervention", "intervention", "所属举措", C("hasStepPerformance"), "ref", inverse=True),
           Column("step", "step", "步骤", C("performsStep"), "code", codes="contract-steps"),
           *_lang_pair("what_was_done", "what was done", "做法", C("whatWasDone")),
           help_en="How one step of the six-step contract process was carried out.",
           help_zh="“六约工作法”某一步骤的做法。"),
    _sheet("interviews", "interviews", "访谈", [C("Interview")],
           Column("code", "interview code", "访谈编码", C("interviewCode"),
                  help_en="As printed: date-community role, e.g. 20220913-D 社区居委会 R 主任.",
                  help_zh="按原文：日期-社区 身份，如 20220913-D 社区居委会 R 主任。"),
           Column("date", "date", "日期", C("interviewDate"), "date"),
           COMMUNITY,
           Column("interviewee", "interviewee", "受访者", C("interviewee"), "ref"),
           Column("interviewee_role", "interviewee role", "受访者身份", C("intervieweeRole"), "code", codes="roles"),
           Column("fieldwork", "fieldwork", "所属调查", PROV.wasInformedBy, "ref"),
           help_en="One row per interview.", help_zh="每次访谈一行。"),
    _sheet("quotations", "quotations", "引文", [C("Quotation")],
           Column("text", "quotation", "引文", C("quotationText"), "lang", lang_column="text_lang",
                  help_en="Copied exactly from the source.", help_zh="逐字照录。"),
           Column("text_lang", "language of the quotation", "引文语言", kind="language",
                  help_en="A language tag such as zh.", help_zh="语言标签，如 zh。"),
           Column("cited_as", "cited as", "引注", C("citedAs"),
                  help_en="The interview code as printed after the quotation.", help_zh="引文后所注访谈编码。"),
           Column("interview", "interview", "访谈", C("fromInterview"), "ref"),
           Column("evidences", "evidence for", "佐证对象", C("evidences"), "ref", multi=True,
                  help_en="IDs of the interventions or claims it supports.", help_zh="所佐证的举措或论断编号。"),
           help_en="Quotations from interviews, each the evidence for interventions or claims.",
           help_zh="访谈引文，佐证举措或论断。"),
    _sheet("claims", "claims", "论断", [C("Claim")],
           Column("kind", "kind", "类型", C("claimKind"), "code", codes="claim-kinds"),
           COMMUNITY,
           *_lang_pair("text", "claim", "论断", C("claimText")),
           help_en="Problem and outcome statements of the source.", help_zh="来源中的问题陈述与成效陈述。"),
    _sheet("quantities", "quantities", "数量", [C("Quantity")],
           Column("community", "community", "所属社区", C("hasQuantity"), "ref", inverse=True),
           Column("measures", "measures", "计量对象", C("measures"), "code", codes="quantity-kinds"),
           Column("exact_value", "exact value", "确数", C("exactValue"), "number"),
           Column("more_than", "more than", "下限（余）", C("moreThan"), "number",
                  help_en="For “more than N” (N 余): the lower bound.", help_zh="“N 余”时填下限 N。"),
           Column("approximate_value", "about", "约数", C("approximateValue"), "number",
                  help_en="For “about N” (约 N): the figure; fill one of exact_value, more_than, approximate_value.",
                  help_zh="“约 N”时填 N；确数、下限、约数三者填其一。"),
           help_en="Counts and shares the source gives.", help_zh="来源给出的数量与比例。"),
    _sheet("assessments", "capital-type assessments", "社会资本类型判定", [C("CapitalTypeAssessment")],
           Column("community", "community", "所属社区", C("assessesCommunity"), "ref"),
           Column("capital_type", "social-capital type", "社会资本类型", C("assignsCapitalType"), "code", codes="capital-types"),
           Column("attributed_to", "by", "判定者", PROV.wasAttributedTo, "ref", multi=True),
           help_en="An explicit judgement of a community's social-capital type.", help_zh="对社区社会资本类型的明确判定。"),
    _sheet("wishes", "wishes", "心愿", [C("Wish")],
           Column("posted_in", "posted in", "发布于", C("wishPostedIn"), "ref"),
           help_en="Wishes posted in a wish-claiming intervention.", help_zh="心愿认领举措中发布的心愿。"),
    _sheet("wish_adoptions", "wish adoptions", "心愿认领", [C("WishAdoption")],
           Column("wish", "wish", "心愿", C("adoptsWish"), "ref"),
           Column("attributed_to", "by", "认领者", PROV.wasAttributedTo, "ref", multi=True),
           help_en="Who adopted which wish.", help_zh="谁认领了哪个心愿。"),
    _sheet("sources", "sources", "来源", [],
           Column("type", "kind", "类型", RDF.type, "type", codes="source-types", multi=True),
           *_lang_pair("title", "title", "题名", DCTERMS.title),
           *_lang_pair("citation", "citation", "引文格式", DCTERMS.bibliographicCitation),
           Column("creators", "creators", "作者", DCTERMS.creator, "ref", multi=True),
           Column("name", "name", "姓名", FOAF.name),
           Column("start_date", "start date", "开始时间", C("startDate"), "date"),
           Column("end_date", "end date", "结束时间", C("endDate"), "date"),
           Column("associated_with", "carried out by", "实施者", PROV.wasAssociatedWith, "ref", multi=True),
           Column("url", "web address", "网址", URIRef("https://schema.org/url"), "iri"),
           Column("publisher", "publisher", "发布者", DCTERMS.publisher,
                  help_en="The outlet the page credits (a news site, a government office).", help_zh="页面所署的发布机构（新闻网站、政府部门）。"),
           Column("issued", "published on", "发布日期", DCTERMS.issued, "date"),
           Column("accessed", "accessed on", "访问日期", C("accessedOn"), "date"),
           help_en="Publications, news reports, government pages, fieldwork and their authors.",
           help_zh="文献、新闻报道、政府网页、实地调查及其作者。"),
)

STATEMENTS = Sheet("statements", "other statements", "其他陈述", (), (
    Column("subject", "subject", "主语", kind="ref", help_en="ID, prefix:local or <IRI>.", help_zh="编号、前缀:名 或 <IRI>。"),
    Column("property", "property", "属性", kind="ref", help_en="prefix:local or <IRI>.", help_zh="前缀:名 或 <IRI>。"),
    Column("value", "value", "值"),
    Column("value_type", "value type", "值类型", help_en="IRI, @zh / @en (a language), a datatype such as xsd:date, or empty for text.",
           help_zh="IRI、@zh / @en（语言）、数据类型如 xsd:date，或留空表示文本。"),
), "Any triple the other sheets have no column for: nothing is left out.", "其他表没有对应列的任何三元组：不遗漏任何内容。")

ALL_SHEETS: tuple[Sheet, ...] = (*SHEETS, STATEMENTS)


def find_sheet(name: str) -> Sheet | None:
    """The sheet a worksheet or CSV file name stands for: its key or Chinese title, alone or at
    the end of the name (``D-interventions``, ``举措``, ``interventions｜举措``)."""
    text = name.strip().lower()
    for sheet in ALL_SHEETS:
        names = {sheet.key, sheet.zh, sheet.title.lower(), sheet.key.replace("_", "-")}
        if text in names or any(re.search(rf"(^|[\s_\-.｜|]){re.escape(n)}$", text) for n in names):
            return sheet
    return None


def header_key(text: str) -> str:
    """Normalize a header cell for matching: ``key｜中文`` → key, or the Chinese name alone."""
    text = re.split(r"[｜|]", text.strip(), maxsplit=1)[0].strip()
    return text.lower()


def match_columns(sheet: Sheet, headers: list[str]) -> list[Column | None]:
    """The column for each header cell: by key, Chinese name, English name or full header."""
    index: dict[str, Column] = {}
    for c in sheet.columns:
        for name in (c.key, c.zh, c.en, c.header):
            index.setdefault(name.lower(), c)
    return [index.get(h.strip().lower()) or index.get(header_key(h)) if h and h.strip() else None for h in headers]


# --- IRIs ------------------------------------------------------------------------

_SAFE = re.compile(r"[^\w.\-~]", re.UNICODE)


def mint(identifier: str) -> URIRef:
    """The IRI of a record: ``csd:`` + the ID, every character but letters, digits and ``-._~``
    percent-encoded (UTF-8), so no ID can break out of the IRI or into a query."""
    return URIRef(CSD + _SAFE.sub(lambda m: quote(m.group(0), safe=""), identifier))


def identifier_of(iri: URIRef) -> str | None:
    """The ID that :func:`mint` turns into ``iri``, or None when no ID does."""
    text = str(iri)
    if not text.startswith(CSD) or len(text) == len(CSD):
        return None
    ident = unquote(text[len(CSD):])
    return ident if mint(ident) == iri and ident.strip() == ident else None


# --- code lists --------------------------------------------------------------------

@dataclass(frozen=True)
class Code:
    iri: URIRef
    code: str        # what the template shows and writes: the local name for cs: terms, else prefix:local
    en: str | None
    zh: str | None
    definition_en: str | None
    definition_zh: str | None


def code_text(iri: URIRef) -> str:
    text = str(iri)
    return text[len(CS):] if text.startswith(CS) else compact(iri)


def code_lists_query() -> str:
    return (resources.resource_dir("queries") / "templates" / "code-lists.rq").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _bundled_code_lists() -> dict[str, tuple[Code, ...]]:
    from .rdf import load_ontology

    return code_lists(load_ontology())


def code_lists(ontology: Graph | None = None) -> dict[str, tuple[Code, ...]]:
    """Every code list, from the ontology (the bundled one when None)."""
    if ontology is None:
        return _bundled_code_lists()
    out: dict[str, list[Code]] = {}
    for row in ontology.query(code_lists_query()):
        s = lambda v: str(v) if v is not None else None  # noqa: E731
        out.setdefault(str(row.list), []).append(Code(
            URIRef(row.code), code_text(row.code), s(row.labelEn), s(row.labelZh), s(row.definitionEn), s(row.definitionZh)))
    return {k: tuple(v) for k, v in out.items()}
