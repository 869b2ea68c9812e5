"""Readable text for assessments, explanations and timelines, in zh or en."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from .canon import canonical_turtle
from .columns import pad, width, wrap
from .model import CommunityResult, label_of
from .i18n import pick, severity
from .rdf import CS

if TYPE_CHECKING:  # for annotations only: the assessment is made above the outputs
    from .assess import Assessment


def yes_no(lang: str, value: bool) -> str:
    return pick(lang, "yes", "是") if value else pick(lang, "no", "否")


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].split("#")[-1]


def stage_text(c: CommunityResult, L) -> str:
    stage = c.stage.label if c.stage else "?"
    if c.ready_to_move_on and c.next_stage:
        nxt = L(f" — ready to move on; next stage: {c.next_stage.label} (the same position as “{c.next_stage.label}, not "
                "yet begun”)", f" —— 可进入下一阶段；下一阶段：{c.next_stage.label}（与“{c.next_stage.label}阶段、尚未开始”同一位置）")
    elif c.ready_to_move_on:
        nxt = L(" — ready to move on", " —— 可进入下一阶段")
    else:
        nxt = ""
    early = "".join(L(f"; {s.label} begun early (the cycle before it is still open)", f"；{s.label}已提前开始（其前一循环尚未闭合）")
                    for s in c.begun_early)
    return stage + nxt + early


def type_text(c: CommunityResult, L) -> str:
    if c.capital_type is None:
        why = (L(f"the form “{c.form.label}” implies no type", f"社区形态“{c.form.label}”不能推定类型") if c.form
               else L("no form recorded", "未记录社区形态"))
        return L(f"undetermined ({why}) — read core first, as a low-capital community (the cautious reading); record a "
                 "form that implies a type or an explicit capital-type assessment",
                 f"未定（{why}）——暂按低社会资本型社区“先内核”的逻辑解读（审慎的读法）；请记录可推定类型的社区形态或社会资本类型的明确判定")
    basis = f" ({c.capital_type_basis.label})" if c.capital_type_basis else ""
    return c.capital_type.label + basis


def early_text(c: CommunityResult, L) -> str | None:
    """Warming begun early, in one line: what the community does with merchants or units while its core is open."""
    if not c.begun_early_by:
        return None
    names = ", ".join(f"{_short(i.iri)} {i.label}" for i in c.begun_early_by)
    return L(f"warming begun early: {names} — work with merchants or resident units while the initial cycle is open; the "
             "community stays in ice-breaking until its core closes (core first, periphery later), and this work counts "
             "toward the advanced cycle once it does",
             f"升温已提前开始：{names}——初始循环尚未闭合时即与商户或驻地单位开展的工作；在内核闭合之前社区仍处于破冰阶段"
             "（先内核凝聚后外延拓展），待内核闭合后这些工作计入高阶循环")


def coded_text(items, L) -> str:
    """Values with a mark where they come from the type's defaults rather than the researcher's coding."""
    out = []
    for x in items:
        mark = L(" (type default)", "（类型默认）") if x.basis.iri.endswith("#TypeDefault") else ""
        out.append(x.term.label + mark)
    return ", ".join(out)


def step_short_text(st, readings: dict, L) -> list[str]:
    """What the community has for an open step, and why it does not count: its scope, or its form."""
    lines = []
    for i in st.partly_by:
        r = readings.get(i.iri)
        if r is None:
            continue
        name = f"{_short(i.iri)} {i.label}"
        dims = ", ".join(x.term.label for x in r.dimensions if x.term.iri == st.dimension.iri) or st.dimension.label
        good_scopes = [x.term.label for x in r.scopes if st.counts_scope(x.term.iri)]
        mechs = [x.term for x in r.mechanisms]
        if good_scopes and all(m.iri.endswith("#UnspecifiedMechanism") for m in mechs):
            lines.append(L(f"{dims} ({', '.join(good_scopes)}) is recorded without a mechanism ({name}): record how it works — "
                           f"this step counts only certain forms",
                           f"{dims}（{'、'.join(good_scopes)}）的记录没有作用机制（{name}）：请记录其作用方式——本环节只计入特定形式"))
        elif good_scopes and not any(st.counts_mechanism(m.iri) for m in mechs):
            form = ", ".join(f"“{m.label}”" for m in mechs)
            lines.append(L(f"{dims} ({', '.join(good_scopes)}) exists only as {form} ({name}): not the form this step counts",
                           f"{dims}（{'、'.join(good_scopes)}）仅以{form}的形式存在（{name}）：不是本环节计入的形式"))
        else:
            scopes = ", ".join(x.term.label for x in r.scopes)
            lines.append(L(f"{dims} only in {scopes} ({name}): not a scope this step counts",
                           f"{dims}仅见于{scopes}（{name}）：不是本环节计入的关系范围"))
    return lines


def recommendation_what(r, L) -> str:
    """What a recommendation proposes, in one line: an intervention type with its dimension and scopes,
    a boundary to extend, or a kind of step."""
    if r.intervention_type:
        scopes = ", ".join(x.label for x in r.scopes)
        ext = L("; beyond the paper", "；论文之外的扩展") if r.extension else ""
        return f"{r.intervention_type.label} [{r.dimension.label} · {scopes}{ext}]"
    if r.actor_kind:
        return L(f"extend the boundary to: {r.actor_kind.label}", f"将边界扩展至：{r.actor_kind.label}")
    return r.kind.label + (" — " + " → ".join(s.label for s in r.steps) if r.steps else "")


def evidence_lines(e, L, indent: str) -> list[str]:
    origin = L("the paper", "论文案例") if e.from_paper else L("public report", "公开报道")
    lines = [f"{indent}{L('evidence', '证据')}: {_short(e.intervention.iri)} {e.intervention.label} ({e.community.label}; {origin})"]
    for q in e.quotations:
        lines.append(f"{indent}  “{q['text']}”（{q['code']}）")
    return lines


# how many recommendations a text or a page shows first (JSON and the tables give every one)
SHOWN = 3


def community_text(c: CommunityResult, lang: str, shown: int | None = SHOWN) -> list[str]:
    """One community's assessment as text; ``shown``: how many recommendations (None: every one)."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    lines = [f"{c.community.label}  ({c.community.iri})"]
    lines.append("  " + L("as of", "评估日期") + ": " + (c.as_of or L("all recorded interventions", "全部已记录举措")))
    lines.append("  " + L("social-capital type", "社会资本类型") + f": {type_text(c, L)}")
    if c.capital_type_conflict:
        ctype = c.capital_type.label if c.capital_type else "?"
        lines.append("  " + L(
            f"warning: the explicit assessment ({ctype}) disagrees with the form-implied type "
            f"({c.form_implied_type.label if c.form_implied_type else '?'}); the assessment wins",
            f"警告：明确判定（{ctype}）与形态推定的类型（{c.form_implied_type.label if c.form_implied_type else '?'}）不一致，以判定为准"))
    lines.append("  " + L("stage", "阶段") + f": {stage_text(c, L)}")
    if early_text(c, L):
        lines.append("  " + early_text(c, L))
    for key, en, zh in (("InitialCycle", "initial cycle", "初始循环"), ("AdvancedCycle", "advanced cycle", "高阶循环")):
        basis = c.cycle_closures.get(CS + key)
        state = (L("closed", "已闭合") + f" ({basis.label})") if basis else L("open", "未闭合")
        lines.append(f"  {L(en, zh)}: {state}")
    lines.append("  " + L("established (dimension × scope, by interventions)", "已建立（维度 × 关系范围，及其举措）") + ":")
    if not c.findings:
        lines.append("    " + L("nothing yet", "尚无"))
    for f in c.findings:
        names = ", ".join(_short(i.iri) for i in f.interventions)
        lines.append(f"    {pad(f.dimension.label, 26)} {pad(f.scope.label, 32)} {names}")
    if c.planned:
        lines.append("  " + L("planned (not counted)", "计划中（不计入）") + ":")
        for r in c.planned:
            lines.append(f"    {_short(r.intervention.iri)} {r.intervention.label} [{coded_text(r.dimensions, L)} · {coded_text(r.scopes, L)}]")
    if c.gaps:
        readings = {r.intervention.iri: r for r in c.readings}
        steps = {st.step.iri: st for st in c.steps}
        lines.append("  " + L("gaps of the cycles due to close", "待闭合循环的缺口") + ":")
        for gap in c.gaps:
            st = steps.get(gap["step"]["iri"])
            lines.append(f"    {gap['rank']}. {gap['cycle']['label']} — {gap['step']['label']} ({gap['dimension']['label']})")
            if st is not None:
                lines.append(f"       {L('needs', '要求')}: {st.requirement}")
                lines.extend(f"       {x}" for x in step_short_text(st, readings, L))
    total = len(c.recommendations)
    if shown is not None and total > shown:
        lines.append("  " + L(f"recommended next (the first {shown} of {total}; --all shows every one):",
                              f"建议下一步（共 {total} 条，列出前 {shown} 条；--all 列出全部）："))
    else:
        lines.append("  " + L("recommended next", "建议下一步") + ":")
    if not c.recommendations:
        lines.append("    " + L("none", "无"))
    for group in recommendation_groups(c, last=shown):
        indent = "    "
        if group["gap"] is not None:
            gap = group["gap"]
            lines.append(f"    {L('for gap', '针对缺口')} {gap['rank']}: {gap['cycle']['label']} — {gap['step']['label']}")
            indent = "      "
            if group["shared"]:
                lines.append(f"{indent}{L('why', '理由')}: {group['shared']}")
        for rank, r, own in group["ranked"]:
            lines.append(f"{indent}{rank}. {recommendation_what(r, L)}")
            if own:
                lines.append(f"{indent}   {L('why', '理由') if not group['shared'] else L('how', '作用')}: {own}")
            others = [g["step"]["label"] for g in r.gaps if r.step is None or g["step"]["iri"] != r.step.iri]
            if others:
                lines.append(f"{indent}   {L('also fills', '还可填补')}: {', '.join(others)}")
            for e in r.evidence:
                lines.extend(evidence_lines(e, L, indent + "   "))
    return lines


_SENTENCE_END = re.compile(r"(?:[。！？]|[.!?](?=\s|$))[”’」』)]*\s*")


def _sentences(text: str) -> list[str]:
    """``text`` cut after each sentence (their concatenation is ``text``)."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def recommendation_groups(c: CommunityResult, first: int = 1, last: int | None = None) -> list[dict]:
    """The recommendations ranked ``first``…``last`` (1-based; None: to the end), grouped under the gap
    each fills best, in the order of their best-ranked member: ``[{"gap": gap or None, "shared": the
    sentences of the reason that every recommendation of the group gives (said once), "ranked": [(rank,
    recommendation, the rest of its reason)]}]``. The shared part is taken over the whole group, so it
    reads the same whichever of its members are shown."""
    groups: dict = {}
    for rank, r in enumerate(c.recommendations, 1):
        gap = next((g for g in r.gaps if r.step is not None and g["step"]["iri"] == r.step.iri), None) or (
            r.gaps[0] if r.gaps else None)
        key = (gap["cycle"]["iri"], gap["step"]["iri"]) if gap is not None else ("", str(rank))
        groups.setdefault(key, {"gap": gap, "members": []})["members"].append((rank, r))
    out = []
    for group in groups.values():
        split = [_sentences(r.reason) for _, r in group["members"]]
        common = 0
        if len(split) > 1:
            while all(len(x) > common + 1 for x in split) and len({x[common].strip() for x in split}) == 1:
                common += 1
        items = [(rank, r, "".join(x[common:]).strip()) for (rank, r), x in zip(group["members"], split)
                 if rank >= first and (last is None or rank <= last)]
        if items:
            out.append({"gap": group["gap"], "shared": "".join(split[0][:common]).strip(), "ranked": items})
    return out


def assessment_text(a: Assessment, lang: str, shown: int | None = SHOWN) -> str:
    head = pick(lang, f"chuangshu assessment — reasoner: {a.reasoner}; rules: queries/rules ({a.engine})",
                f"创熟评估 —— 推理机：{a.reasoner}；规则：queries/rules（{a.engine}）")
    out = [head, ""]
    for c in a.communities:
        out.extend(community_text(c, lang, shown))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---- explain ----------------------------------------------------------------------

def _rule(graph: Graph, node, lang: str) -> str:
    rule = graph.value(node, URIRef(CS + "byRule"))
    if rule is None:
        return ""
    source = graph.value(rule, URIRef("http://purl.org/dc/terms/source"))
    return pick(lang, "  [rule: ", "  [规则：") + label_of(graph, rule, lang) + (f" — {source}" if source else "") + "]"


def _quotes(g: Graph, node, indent: str) -> list[str]:
    out = []
    for q in sorted(g.subjects(URIRef(CS + "evidences"), node), key=str):
        code = g.value(g.value(q, URIRef(CS + "fromInterview")), URIRef(CS + "interviewCode"))
        out.append(f"{indent}“{g.value(q, URIRef(CS + 'quotationText'))}”（{code}）")
    return out


def reading_text(r, L) -> str:
    """An intervention as the assessment reads it: dimension · scope · mechanism, and whether it counts."""
    state = "" if r.counts else (L(" — not counted: ", " —— 不计入：") + r.status.label)
    types = ", ".join(x.label for x in r.types)
    return (f"{_short(r.intervention.iri)} {r.intervention.label} ({types}) [{coded_text(r.dimensions, L)} · "
            f"{coded_text(r.scopes, L)} · {coded_text(r.mechanisms, L)}]{state}")


def explain_text(a: Assessment, view: Graph, key: str, lang: str) -> str:
    """The chain of facts and rules behind one community's stage and recommendations: its type,
    why it is at this stage, each cycle step satisfied (by which interventions, read how) or
    missing (and what the community has that falls short), what it has done, and each
    recommendation with its reason and evidence."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    c = a.community(key)
    node = URIRef(c.iri)
    g = view
    lab = lambda n: label_of(g, n, lang)  # noqa: E731
    readings = {r.intervention.iri: r for r in c.readings}
    out = [f"{c.community.label}: {L('stage', '阶段')} {stage_text(c, L)}"
           + L("  [rules: queries/rules/40-reached-stages.rq, 45-current-stage.rq]",
               "  [规则：queries/rules/40-reached-stages.rq、45-current-stage.rq]")]
    out.append(f"  ← {L('social-capital type', '社会资本类型')}: {type_text(c, L)}{_rule(g, node, lang)}")
    for source in g.objects(node, PROV.wasDerivedFrom):
        if source != URIRef(c.community.iri):
            out.append(f"      ← {lab(source)}")
    if c.capital_type_note:
        out.append(f"      {c.capital_type_note}")
    if c.stage is not None and c.stage.iri.endswith("#Warming"):
        begun = sorted({r.intervention.iri for r in c.readings if r.counts and any(
            (URIRef(c.stage.iri), URIRef(CS + "stageScope"), URIRef(s.term.iri)) in g for s in r.scopes)})
        out.append("  ← " + L("warming has begun, the initial cycle being closed: interventions with merchants or resident units — ",
                              "初始循环已闭合，升温已开始：涉及商户或驻地单位的举措——") + ", ".join(_short(i) for i in begun))
    if early_text(c, L):
        out.append("  ← " + early_text(c, L) + L("; the gaps of the initial cycle come first", "；先补初始循环的缺口"))
    if c.ready_to_move_on and c.next_stage is not None:
        out.append("  ← " + L(f"every cycle so far is closed and nothing is done yet in the next stage's scopes: the same position "
                              f"as “{c.next_stage.label}, not yet begun” — the gaps are the next cycle's",
                              f"至此各循环均已闭合，下一阶段的范围内尚无工作：与“{c.next_stage.label}阶段、尚未开始”同一位置——"
                              "缺口为下一循环的缺口"))
    by_cycle: dict[str, list] = {}
    for st in c.steps:
        by_cycle.setdefault(st.cycle.iri, []).append(st)
    for cycle_iri, steps in by_cycle.items():
        basis = c.cycle_closures.get(cycle_iri)
        cycle = lab(URIRef(cycle_iri))
        if basis is not None:
            closure = next(x for x in g.objects(node, URIRef(CS + "hasClosure"))
                           if str(g.value(x, URIRef(CS + "aboutCycle"))) == cycle_iri)
            out.append(f"  ← {cycle} {L('closed', '已闭合')} ({basis.label}){_rule(g, closure, lang)}")
            if basis.iri.endswith("#ClosedByPreExistingCapital"):
                out.append("      " + L("a high-social-capital community relies on the momentum of its existing cycle (依托既有循环势能): "
                                        "an assumption from its type, not evidence; its own work in this cycle's scopes (listed) "
                                        "strengthens the stock and never reopens the cycle — only an explicit capital-type "
                                        "assessment of low changes this",
                                        "高社会资本型社区依托既有循环势能：这是由类型而来的假设，而非证据；其在本循环范围内的自身举措"
                                        "（列于下方）充实存量，从不使循环重新打开——只有将类型明确判定为低社会资本才会改变这一点"))
        else:
            out.append(f"  ← {cycle} {L('open', '未闭合')}  [{L('rule', '规则')}: queries/rules/25-steps.rq, 30-cycles.rq]")
            if all(st.satisfied for st in steps):
                out.append("      " + L("every step is met, by work begun early: the cycle closes once the cycle before it closes "
                                        "(core first, periphery later)",
                                        "各环节均已由提前开始的工作满足：待其前一循环闭合后本循环即闭合（先内核凝聚后外延拓展）"))
        for st in steps:
            if st.satisfied:
                out.append(f"      ✓ {st.step.label} ({st.dimension.label})")
                for i in st.satisfied_by:
                    out.append(f"          ← {reading_text(readings[i.iri], L)}" if i.iri in readings else f"          ← {i.label}")
                    out.extend(_quotes(g, URIRef(i.iri), "              "))
            elif basis is not None:
                out.append(f"      · {st.step.label} ({st.dimension.label}) — {L('carried by pre-existing capital', '由原生社会资本承载')}")
            else:
                out.append(f"      ✗ {st.step.label} ({st.dimension.label}) — {L('needs', '要求')}: {st.requirement}")
                for line in step_short_text(st, readings, L):
                    out.append(f"          {line}")
    others = [r for r in c.readings if not r.counts or not any(r.intervention.iri in {i.iri for i in st.satisfied_by} for st in c.steps)]
    if others:
        out.append("  " + L("other interventions recorded (not satisfying a step, or not counted):",
                            "其他已记录的举措（未满足任何环节，或不计入）："))
        for r in others:
            out.append(f"    {reading_text(r, L)}")
            out.extend(_quotes(g, URIRef(r.intervention.iri), "        "))
    out.append(L("recommendations:", "建议："))
    if not c.recommendations:
        out.append("  " + L("none", "无"))
    for n, r in enumerate(c.recommendations, 1):
        title = r.intervention_type.label if r.intervention_type else (
            r.actor_kind.label if r.actor_kind else r.kind.label)
        out.append(f"  {n}. {title}{_rule(g, URIRef(r.iri), lang)}")
        out.append(f"     {r.reason}")
        for gap in r.gaps:
            out.append(f"     ← {L('gap', '缺口')} {gap['rank']}: {gap['cycle']['label']} — {gap['step']['label']}  "
                       f"[{L('rule', '规则')}: queries/rules/50-gaps.rq]")
        for e in r.evidence:
            out.extend(evidence_lines(e, L, "     "))
    return "\n".join(out) + "\n"


def timeline_text(community_label: str, rows: list[tuple[str, CommunityResult]], lang: str,
                  events: dict | None = None) -> str:
    """The stage at each date where it changes, with the dated interventions beside their dates."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    kinds = {"start": L("starts", "开始"), "by": L("by then", "不晚于此"), "end": L("ends", "结束"),
             "planned": L("planned, not counted", "计划中，不计入"), "programme": L("programme starts", "项目启动")}
    out = [L(f"{community_label}: stage transitions implied by the dated interventions",
             f"{community_label}：按有日期的举措推得的阶段变化")]
    previous = None
    for date, c in rows:
        state = (c.stage.label if c.stage else "?", c.ready_to_move_on, c.initial_cycle_closed, c.advanced_cycle_closed,
                 tuple(s.label for s in c.begun_early))
        happened = (events or {}).get(date, [])
        if state == previous and not happened:
            continue
        cycles = ", ".join(x for x, on in ((L("initial cycle closed", "初始循环闭合"), c.initial_cycle_closed),
                                            (L("advanced cycle closed", "高阶循环闭合"), c.advanced_cycle_closed)) if on)
        ready = L("; ready to move on", "；可进入下一阶段") if c.ready_to_move_on else ""
        early = "".join(L(f"; {s} begun early", f"；{s}已提前开始") for s in state[4])
        stage = f"{state[0]}{ready}{early}" + (f" ({cycles})" if cycles else "")
        out.append(f"  {date}: {stage if state != previous else L('(no change)', '（无变化）')}")
        for kind, name in happened:
            out.append(f"      · {name} — {kinds[kind]}")
        previous = state
    return "\n".join(out) + "\n"


def summary_text(info: dict, lang: str) -> str:
    """What ``chuangshu summary`` prints of :func:`chuangshu.summary.summarize_files`."""
    lines = []
    lines.append(pick(lang, "chuangshu knowledge graph", "创熟知识图谱"))
    rows = [
        (pick(lang, "triples", "三元组"), info["triples"]),
        (pick(lang, "ontology classes", "本体类"), info["classes"]),
        (pick(lang, "ontology properties", "本体属性"), info["properties"]),
        (pick(lang, "ontology individuals", "本体个体"), info["individuals"]),
    ]
    for name, count in info["instances"].items():
        rows.append((f"{info['instance_labels'][name]} (cs:{name})", count))
    w = max(width(r[0]) for r in rows)
    for name, value in rows:
        lines.append(f"  {pad(name, w)}  {value}")
    if info["communities"]:
        lines.append(pick(lang, "communities:", "社区："))
    for c in info["communities"]:
        dims = ", ".join(f"{k} {v}" for k, v in c["coded_dimensions"].items())
        lines.append("  " + pick(lang, f"{c['label']} — {c['form'] or 'form not recorded'}; {c['interventions']} interventions"
                               f"{' (coded: ' + dims + ')' if dims else ''}; {c['interviews']} interviews, {c['quotations']} quotations",
                         f"{c['label']} —— {c['form'] or '未记录形态'}；举措 {c['interventions']} 项"
                         f"{'（编码：' + dims + '）' if dims else ''}；访谈 {c['interviews']} 次，引文 {c['quotations']} 条"))
    return "\n".join(lines) + "\n"


def validation_text(report, fmt: str, lang: str) -> str:
    """A validation report (:class:`chuangshu.shapes.Report`) as ``validate`` prints it: text lines, a table, JSON or
    Turtle."""
    if fmt == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    if fmt == "turtle":
        return canonical_turtle(report.report_graph)
    sev = lambda s: severity(lang, s)  # noqa: E731
    lines = []
    if fmt == "table":
        head = [pick(lang, h_en, h_zh) for h_en, h_zh in (
            ("severity", "严重度"), ("where", "位置"), ("focus node", "焦点节点"),
            ("path", "路径"), ("value", "值"), ("message", "消息"))]
        # a spreadsheet's column (named by its header) stands for the property path
        rows = [[sev(r.severity), r.where(lang), r.focus_label, "" if r.column else (r.path or ""), r.value or "", r.message]
                for r in report.results]
        widths = [max([width(h)] + [width(row[i]) for row in rows]) for i, h in enumerate(head[:-1])]
        fmt_row = lambda row: " | ".join([pad(c, w) for c, w in zip(row, widths)] + [row[-1]])
        lines.append(fmt_row(head))
        lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 20)
        lines.extend(fmt_row(row) for row in rows)
    else:
        for r in report.results:
            where = f"{r.where(lang)}: " if r.file else ""
            path = f" {r.path}" if r.path and not r.column else ""
            value = f" = {r.value}" if r.value else ""
            lines.append(f"[{sev(r.severity)}] {where}{r.focus_label}{path}{value} — {r.message} ({r.constraint})")
    c = report.counts()
    verdict = pick(lang, "conforms" if report.conforms else "does not conform",
                   "符合约束" if report.conforms else "不符合约束")
    lines.append(pick(
        lang,
        f"{verdict}: {c['Violation']} violation(s), {c['Warning']} warning(s), {c['Info']} info",
        f"{verdict}：违规 {c['Violation']} 项，警告 {c['Warning']} 项，提示 {c['Info']} 项",
    ))
    return "\n".join(lines)


def fast_text(communities: list[dict], lang: str) -> str:
    """The city table as ``assess --fast`` prints it: one tab-separated line per community
    (:func:`chuangshu.pipeline.community_rows`)."""
    head = [pick(lang, h_en, h_zh) for h_en, h_zh in (("community", "社区"), ("type", "类型"), ("stage", "阶段"),
                                                   ("ready", "可进入下一阶段"), ("warming begun early", "升温提前开始"),
                                                   ("first recommendations", "首要建议"))]
    lines = ["\t".join(head)]
    for c in communities:
        lines.append("\t".join([c["community"], c["capital_type"] or "", c["stage"] or "", yes_no(lang, c["ready"]),
                                yes_no(lang, c["warming_begun_early"]), " / ".join(c["first_recommendations"])]))
    return "\n".join(lines) + "\n"


def stage_counts_text(communities: list[dict], lang: str) -> str:
    """How many communities of the city table are at each stage, in one line."""
    counts = Counter(c["stage"] for c in communities)
    return pick(lang, "stages: ", "阶段分布：") + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def comparison_text(table) -> str:
    """A comparison table (:func:`chuangshu.tables.comparison_table`) laid out for a terminal: the row
    names, then each community's column, long cells wrapped."""
    lines = []
    first = max(width(r[0]) for r in table.rows + [table.header]) + 2
    cols = max(24, (120 - first) // max(1, len(table.header) - 1) - 2)
    for row in [table.header] + table.rows:
        cells = [wrap(str(v), cols) or [""] for v in row[1:]]
        for i in range(max(len(c) for c in cells)):
            line = pad(row[0] if i == 0 else "", first) + "  ".join(pad(c[i] if i < len(c) else "", cols) for c in cells)
            lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def query_list_text(queries, lang: str) -> str:
    """The query library as ``query --list`` prints it: name, question, what it needs, its parameters."""
    lines = []
    for q in queries:
        spec = q.meta.get("params", "")
        lines.append(f"{q.name}  {q.meta.get('question@' + lang, '')}  [{q.meta.get('needs', '')}]"
                     + (pick(lang, f"  --param {spec}", f"  参数：{spec}") if spec else ""))
    return "\n".join(lines) + "\n"
