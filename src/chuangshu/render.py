"""Readable text for assessments, explanations and timelines, in zh or en."""

from __future__ import annotations

import unicodedata

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from .assess import Assessment, CommunityResult, label_of
from .i18n import pick
from .load import CS


def width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def yes_no(lang: str, value: bool) -> str:
    return pick(lang, "yes", "是") if value else pick(lang, "no", "否")


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].split("#")[-1]


def community_text(c: CommunityResult, lang: str) -> list[str]:
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    lines = [f"{c.community.label}  ({c.community.iri})"]
    lines.append("  " + L("as of", "评估日期") + ": " + (c.as_of or L("all recorded interventions", "全部已记录举措")))
    ctype = c.capital_type.label if c.capital_type else L("unknown", "未知")
    basis = f" ({c.capital_type_basis.label})" if c.capital_type_basis else ""
    lines.append("  " + L("social-capital type", "社会资本类型") + f": {ctype}{basis}")
    if c.capital_type_conflict:
        lines.append("  " + L(
            f"warning: the explicit assessment ({ctype}) disagrees with the form-implied type "
            f"({c.form_implied_type.label if c.form_implied_type else '?'}); the assessment wins",
            f"警告：明确判定（{ctype}）与形态推定的类型（{c.form_implied_type.label if c.form_implied_type else '?'}）不一致，以判定为准"))
    stage = c.stage.label if c.stage else "?"
    ready = L(" — ready to move on", " —— 可进入下一阶段") if c.ready_to_move_on else ""
    lines.append("  " + L("stage", "阶段") + f": {stage}{ready}")
    for key, en, zh in (("InitialCycle", "initial cycle", "初始循环"), ("AdvancedCycle", "advanced cycle", "高阶循环")):
        basis = c.cycle_closures.get(CS + key)
        state = (L("closed", "已闭合") + f" ({basis.label})") if basis else L("open", "未闭合")
        lines.append(f"  {L(en, zh)}: {state}")
    # dimension × scope table
    dims = []
    for f in c.findings:
        if f.dimension.label not in dims:
            dims.append(f.dimension.label)
    lines.append("  " + L("established (dimension × scope, by interventions)", "已建立（维度 × 关系范围，及其举措）") + ":")
    if not c.findings:
        lines.append("    " + L("nothing yet", "尚无"))
    for f in c.findings:
        names = ", ".join(_short(i.iri) for i in f.interventions)
        lines.append(f"    {pad(f.dimension.label, 26)} {pad(f.scope.label, 32)} {names}")
    if c.gaps:
        lines.append("  " + L("gaps of the cycle due to close", "待闭合循环的缺口") + ":")
        for gap in c.gaps:
            lines.append(f"    {gap['order']}. {gap['dimension']['label']} — {gap['scope_group']['label']} ({gap['cycle']['label']})")
    lines.append("  " + L("recommended next", "建议下一步") + ":")
    if not c.recommendations:
        lines.append("    " + L("none", "无"))
    for n, r in enumerate(c.recommendations, 1):
        if r.intervention_type:
            what = f"{r.intervention_type.label} [{r.dimension.label} · {r.scope_group.label}]"
        elif r.actor_kind:
            what = L(f"extend the boundary to: {r.actor_kind.label}", f"将边界扩展至：{r.actor_kind.label}")
        else:
            what = r.kind.label + (" — " + " → ".join(s.label for s in r.steps) if r.steps else "")
        lines.append(f"    {n}. {what}")
        lines.append(f"       {L('why', '理由')}: {r.reason}")
        for e in r.evidence:
            lines.append(f"       {L('evidence', '证据')}: {_short(e.intervention.iri)} {e.intervention.label} ({e.community.label})")
            for q in e.quotations:
                lines.append(f"         “{q['text']}”（{q['code']}）")
    return lines


def assessment_text(a: Assessment, lang: str) -> str:
    head = pick(lang, f"chuangshu assessment — reasoner: {a.reasoner}; rules: queries/rules ({a.engine})",
                f"创熟评估 —— 推理机：{a.reasoner}；规则：queries/rules（{a.engine}）")
    out = [head, ""]
    for c in a.communities:
        out.extend(community_text(c, lang))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---- explain ----------------------------------------------------------------------

def _rule(graph: Graph, node, lang: str) -> str:
    rule = graph.value(node, URIRef(CS + "byRule"))
    if rule is None:
        return ""
    source = graph.value(rule, URIRef("http://purl.org/dc/terms/source"))
    return pick(lang, "  [rule: ", "  [规则：") + label_of(graph, rule, lang) + (f" — {source}" if source else "") + "]"


def explain_text(a: Assessment, view: Graph, key: str, lang: str) -> str:
    """The chain of facts and rules behind one community's stage and recommendations."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    c = a.community(key)
    node = URIRef(c.iri)
    g = view
    lab = lambda n: label_of(g, n, lang)  # noqa: E731
    out = [f"{c.community.label}: {L('stage', '阶段')} {c.stage.label if c.stage else '?'}"
           + (L(", ready to move on", "，可进入下一阶段") if c.ready_to_move_on else "")
           + L("  [rules: reached stages, current stage — queries/rules/40-reached-stages.rq, 45-current-stage.rq]",
               "  [规则：已到达阶段、当前阶段 —— queries/rules/40-reached-stages.rq、45-current-stage.rq]")]
    out.append(f"  ← {L('social-capital type', '社会资本类型')}: {c.capital_type.label if c.capital_type else '?'}"
               f" ({c.capital_type_basis.label if c.capital_type_basis else ''}){_rule(g, node, lang)}")
    for source in g.objects(node, PROV.wasDerivedFrom):
        if source != URIRef(c.community.iri):
            out.append(f"      ← {lab(source)}")
    for cycle_iri, basis in sorted(c.cycle_closures.items()):
        closure = next(x for x in g.objects(node, URIRef(CS + "hasClosure"))
                       if str(g.value(x, URIRef(CS + "aboutCycle"))) == cycle_iri)
        out.append(f"  ← {lab(URIRef(cycle_iri))} {L('closed', '已闭合')} ({basis.label}){_rule(g, closure, lang)}")
        for f in sorted(g.objects(closure, PROV.wasDerivedFrom), key=str):
            if f == node:
                continue
            out.append(f"      ← {lab(g.value(f, URIRef(CS + 'aboutDimension')))} · {lab(g.value(f, URIRef(CS + 'aboutScope')))}{_rule(g, f, lang)}")
            for i in sorted(g.objects(f, PROV.wasDerivedFrom), key=str):
                types = sorted(lab(t) for t in g.objects(i, RDF.type) if str(t).startswith(CS))
                out.append(f"          ← {_short(str(i))} {lab(i)} ({', '.join(types)})")
                for q in sorted(g.subjects(URIRef(CS + "evidences"), i), key=str):
                    code = g.value(g.value(q, URIRef(CS + "fromInterview")), URIRef(CS + "interviewCode"))
                    out.append(f"              “{g.value(q, URIRef(CS + 'quotationText'))}”（{code}）")
    for gap in c.gaps:
        out.append(f"  ← {L('open', '未闭合')}: {gap['cycle']['label']} — {L('missing', '缺')} {gap['dimension']['label']}"
                   f" ({gap['scope_group']['label']})  [{L('rule', '规则')}: queries/rules/50-gaps.rq]")
    out.append(L("recommendations:", "建议："))
    for n, r in enumerate(c.recommendations, 1):
        title = r.intervention_type.label if r.intervention_type else (
            r.actor_kind.label if r.actor_kind else r.kind.label)
        rec = URIRef(r.iri)
        out.append(f"  {n}. {title}{_rule(g, rec, lang)}")
        out.append(f"     {r.reason}")
        for src in sorted(g.objects(rec, PROV.wasDerivedFrom), key=str):
            if (src, RDF.type, URIRef(CS + "CapitalGap")) in g:
                what = L("gap: ", "缺口：") + f"{lab(g.value(src, URIRef(CS + 'aboutDimension')))} · {lab(g.value(src, URIRef(CS + 'aboutScopeGroup')))}"
            else:
                what = lab(src)
            out.append(f"     ← {what}{_rule(g, src, lang)}")
        for e in r.evidence:
            out.append(f"     {L('evidence', '证据')}: {_short(e.intervention.iri)} {e.intervention.label} ({e.community.label})")
            for q in e.quotations:
                out.append(f"       “{q['text']}”（{q['code']}）")
    return "\n".join(out) + "\n"


def timeline_text(community_label: str, rows: list[tuple[str, CommunityResult]], lang: str) -> str:
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    out = [L(f"{community_label}: stage transitions implied by the dated interventions",
             f"{community_label}：按有日期的举措推得的阶段变化")]
    previous = None
    for date, c in rows:
        state = (c.stage.label if c.stage else "?", c.ready_to_move_on, c.initial_cycle_closed, c.advanced_cycle_closed)
        if state == previous:
            continue
        previous = state
        cycles = ", ".join(x for x, on in ((L("initial cycle closed", "初始循环闭合"), c.initial_cycle_closed),
                                            (L("advanced cycle closed", "高阶循环闭合"), c.advanced_cycle_closed)) if on)
        ready = L("; ready to move on", "；可进入下一阶段") if c.ready_to_move_on else ""
        out.append(f"  {date}: {state[0]}{ready}" + (f" ({cycles})" if cycles else ""))
    return "\n".join(out) + "\n"
