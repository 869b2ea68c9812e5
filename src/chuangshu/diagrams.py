"""Diagrams as self-contained SVG text (no script, font or image from elsewhere): the stage model drawn
from the ontology — on its own for the documentation, or with one community's position marked for
its report — and a community's timeline of dated interventions and the stages they imply.

Every element a reader (or a test) may look for carries a class and a ``data-`` attribute with the
IRI it shows: ``svg[data-community]``, ``g.stage[data-stage]`` (``.current`` on the community's
stage), ``g.step[data-step]`` (``.satisfied``, ``.next``), ``g.date[data-date][data-stage]``.
"""

from __future__ import annotations

from html import escape

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .columns import wrap
from .model import label_of
from .i18n import pick as L
from .rdf import CS

C = lambda n: URIRef(CS + n)  # noqa: E731
BLUE, GREEN, ORANGE, GREY = "#1f5f8b", "#2e7d32", "#c25e00", "#8a8f98"
STAGE_FILLS = ["#e3f0fa", "#fff1d6", "#e4f4e4", "#f1e6f7"]


def stages(g: Graph) -> list[URIRef]:
    return sorted(g.subjects(RDF.type, C("Stage")), key=lambda s: int(g.value(s, C("stageOrder")) or 0))


def stage_model_svg(g: Graph, lang: str, community=None) -> str:
    """The stages in order, each with its cycle, the cycle's steps (dimension, the scopes that count)
    and the capital type that starts there: drawn from the ontology ``g``, not by hand.

    ``community`` (an :class:`~chuangshu.assess.CommunityResult`) marks where it stands: its stage
    (highlighted, "here"), each step satisfied by its interventions (✓, ``.satisfied``), held by a cycle
    closed on another basis such as pre-existing capital (✓, ``.carried``) or open (○), the step of the
    first gap (→ next), each cycle closed or open with the basis, and a stage begun early (dashed orange,
    ``.begun-early``: work in its scopes while the cycle before is open)."""
    def label(t):
        return label_of(g, t, lang)

    state = {}
    current = next_step = None
    closures = {}
    early = set()
    if community is not None:
        state = {s.step.iri: s for s in community.steps}
        current = community.stage.iri if community.stage else None
        closures = community.cycle_closures
        early = {s.iri for s in community.begun_early}
        if community.gaps:
            next_step = community.gaps[0]["step"]["iri"]
    ordered = stages(g)
    box_w, gap, top = 300, 60, 70 if community is None else 96
    width = len(ordered) * box_w + (len(ordered) - 1) * gap + 40
    parts, height = [], 0
    for i, stage in enumerate(ordered):
        x = 20 + i * (box_w + gap)
        y = top
        body = []  # (kind, text, step IRI or None, classes)
        entering = sorted(label(t) for t in g.subjects(C("entryStage"), stage))
        if entering:
            body.append(("entry", L(lang, f"where {' and '.join(entering)} communities start",
                                    f"{'、'.join(entering)}社区由此开始"), None, ""))
        if str(stage) in early:
            n = len(community.begun_early_by)
            body.append(("early", L(lang, f"begun early: {n} intervention{'s' if n != 1 else ''} here while the cycle before is "
                                          "open; they count once it closes",
                                    f"已提前开始：前一循环未闭合时已有 {n} 项举措，待其闭合后计入"), None, "early"))
        cycle = g.value(stage, C("hasCycle"))
        if cycle is not None:
            text = label(cycle)
            if community is not None:
                basis = closures.get(str(cycle))
                text += " — " + (L(lang, "closed", "已闭合") + f" ({basis.label})" if basis else L(lang, "open", "未闭合"))
            body.append(("cycle", text, None, ""))
            steps = sorted(g.objects(cycle, C("hasCycleStep")), key=lambda s: int(g.value(s, C("stepOrder")) or 0))
            for step in steps:
                mark, cls = "", ""
                if community is not None:
                    st = state.get(str(step))
                    if st is not None and st.satisfied:
                        mark, cls = "✓ ", "satisfied"
                    elif closures.get(str(cycle)) is not None:
                        mark, cls = "✓ ", "carried"      # the cycle is closed on another basis (pre-existing capital)
                    elif str(step) == next_step:
                        mark, cls = "→ ", "next"
                    else:
                        mark, cls = "○ ", "open"
                body.append(("step", f"{mark}{g.value(step, C('stepOrder'))}. {label(step)} "
                                     f"({label(g.value(step, C('stepDimension')))})", str(step), cls))
                scopes = sorted(label(s) for s in g.objects(step, C("countsInScope")))
                if scopes:
                    body.append(("scope", L(lang, "in: ", "范围：") + ", ".join(scopes), str(step), cls))
        lines = []
        for kind, text, step, cls in body:
            for line in wrap(text, 42 if kind == "scope" else 36):
                lines.append((kind, line, step, cls))
        h = 50 + 18 * len(lines) + 10
        height = max(height, y + h)
        here = current == str(stage)
        begun = str(stage) in early
        fill = "#fff4d6" if here else "#f4f8fb"
        stroke_w = 4 if here else 2 if begun else 1
        dashes = ' stroke-dasharray="8 5"' if begun else ""
        classes = "stage" + (" current" if here else "") + (" begun-early" if begun else "")
        parts.append(f'<g class="{classes}" data-stage="{escape(str(stage))}">'
                     f'<rect x="{x}" y="{y}" width="{box_w}" height="{h}" rx="10" fill="{fill}" '
                     f'stroke="{ORANGE if begun else BLUE}" stroke-width="{stroke_w}"{dashes}/>')
        parts.append(f'<text x="{x + box_w / 2}" y="{y + 28}" text-anchor="middle" font-size="18" font-weight="bold">'
                     f'{escape(label(stage))}</text>')
        if here:
            parts.append(f'<text class="here" x="{x + box_w / 2}" y="{y - 12}" text-anchor="middle" font-size="15" '
                         f'font-weight="bold" fill="{ORANGE}">▼ {escape(L(lang, "this community is here", "本社区所处阶段"))}</text>')
        open_group = None
        for j, (kind, line, step, cls) in enumerate(lines):
            if step != open_group:
                if open_group is not None:
                    parts.append("</g>")
                if step is not None:
                    parts.append(f'<g class="{f"step {cls}".strip()}" data-step="{escape(step)}">')
                open_group = step
            size, weight, indent = {"entry": (13, "normal", 12), "early": (12, "bold", 12), "cycle": (14, "bold", 12),
                                    "step": (13, "bold", 20), "scope": (11, "normal", 32)}[kind]
            colour = {"satisfied": GREEN, "carried": "#6a9f6c", "next": ORANGE, "open": GREY, "early": ORANGE}.get(cls, "#222")
            klass = ' class="early"' if kind == "early" else ""
            parts.append(f'<text{klass} x="{x + indent}" y="{y + 52 + 18 * j}" '
                         f'font-size="{size}" font-weight="{weight}" '
                         f'fill="{colour if kind in ("step", "scope", "early") else "#222"}">{escape(line)}</text>')
        if open_group is not None:
            parts.append("</g>")
        parts.append("</g>")
        following = g.value(stage, C("nextStage"))
        if following is not None and i + 1 < len(ordered):
            ax = x + box_w
            parts.append(f'<line x1="{ax + 4}" y1="{top + 40}" x2="{ax + gap - 6}" y2="{top + 40}" stroke="{BLUE}" '
                         f'stroke-width="2" marker-end="url(#arrow)"/>')
            parts.append(f'<text x="{ax + gap / 2}" y="{top + 30}" text-anchor="middle" font-size="11">'
                         f'{escape(L(lang, "closed", "闭合"))}</text>')
    if community is None:
        title = L(lang, "The stage model of gradual community familiarization", "递进式创熟的阶段模型")
        about = ""
    else:
        title = L(lang, f"{community.community.label}: where it stands in the stage model",
                  f"{community.community.label}：在阶段模型中的位置")
        about = f' data-community="{escape(community.community.iri)}" data-stage="{escape(current or "")}"'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
            f'viewBox="0 0 {width} {height + 20}" font-family="sans-serif" role="img" aria-label="{escape(title)}"'
            f' class="stage-model"{about}>\n'
            f'<title>{escape(title)}</title>\n'
            f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
            f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{BLUE}"/></marker></defs>\n'
            f'<text x="20" y="34" font-size="20" font-weight="bold">{escape(title)}</text>\n'
            + "\n".join(parts) + "\n</svg>\n")


def timeline_svg(community_iri: str, rows: list, events: dict, lang: str, stage_orders: dict[str, int]) -> str:
    """One column per date (evenly spaced: the dates have mixed precision, a year or a day): the stage the
    community is in then (coloured by the stage's order; a change of stage is marked), and below it the
    interventions that start, end or are planned then. ``rows``: ``(date, CommunityResult)`` as
    :func:`chuangshu.assess.timeline` gives them; ``events``: date → ``[(kind, name)]``."""
    col_w, top = 170, 40
    kinds = {"start": L(lang, "starts", "开始"), "by": L(lang, "by then", "不晚于此"), "end": L(lang, "ends", "结束"),
             "planned": L(lang, "planned", "计划"), "programme": L(lang, "programme starts", "项目启动")}
    parts, height, previous = [], 0, None
    for i, (date, c) in enumerate(rows):
        x = 20 + i * col_w
        stage = c.stage.iri if c.stage else ""
        order = stage_orders.get(stage, 0)
        changed = previous is not None and stage != previous
        previous = stage
        fill = STAGE_FILLS[(order - 1) % len(STAGE_FILLS)] if order else "#eeeeee"
        early = [s.label for s in c.begun_early]
        classes = "date" + (" transition" if changed else "") + (" begun-early" if early else "")
        parts.append(f'<g class="{classes}" data-date="{escape(date)}" data-stage="{escape(stage)}">')
        parts.append(f'<text x="{x + col_w / 2 - 8}" y="{top}" text-anchor="middle" font-size="13" font-weight="bold">'
                     f'{escape(date)}</text>')
        parts.append(f'<circle cx="{x + col_w / 2 - 8}" cy="{top + 14}" r="5" fill="{ORANGE if changed else BLUE}"/>')
        label_lines = wrap(c.stage.label if c.stage else L(lang, "no stage", "无阶段"), 20)
        early_lines = [line for s in early for line in wrap(L(lang, f"{s} begun early", f"{s}已提前开始"), 24)]
        box_h = 10 + 16 * len(label_lines) + (16 if changed else 0) + 14 * len(early_lines)
        parts.append(f'<rect x="{x}" y="{top + 26}" width="{col_w - 16}" height="{box_h}" rx="6" fill="{fill}" '
                     f'stroke="{ORANGE if changed else BLUE}" stroke-width="{3 if changed else 1}"/>')
        y = top + 42
        for line in label_lines:
            parts.append(f'<text x="{x + 8}" y="{y}" font-size="13" font-weight="bold">{escape(line)}</text>')
            y += 16
        if changed:
            parts.append(f'<text x="{x + 8}" y="{y}" font-size="11" fill="{ORANGE}">'
                         f'{escape(L(lang, "stage changes", "阶段变化"))}</text>')
            y += 16
        for line in early_lines:
            parts.append(f'<text x="{x + 8}" y="{y}" font-size="11" fill="{ORANGE}">{escape(line)}</text>')
            y += 14
        y = top + 26 + box_h + 20
        for kind, name in events.get(date, []):
            for k, line in enumerate(wrap(f"{kinds.get(kind, kind)}: {name}", 24)):
                parts.append(f'<text x="{x + (4 if k == 0 else 14)}" y="{y}" font-size="11" '
                             f'fill="{GREY if kind == "planned" else "#222"}">{escape(line)}</text>')
                y += 14
            y += 4
        parts.append("</g>")
        height = max(height, y)
    width = 40 + max(1, len(rows)) * col_w
    if rows:
        parts.insert(0, f'<line x1="20" y1="{top + 14}" x2="{20 + (len(rows) - 1) * col_w + col_w / 2 - 8}" '
                        f'y2="{top + 14}" stroke="{BLUE}" stroke-width="2"/>')
    title = L(lang, "Dated interventions and the stages they imply", "有日期的举措及其推得的阶段")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 10}" '
            f'viewBox="0 0 {width} {height + 10}" font-family="sans-serif" role="img" aria-label="{escape(title)}" '
            f'class="timeline" data-community="{escape(community_iri)}">\n<title>{escape(title)}</title>\n'
            + "\n".join(parts) + "\n</svg>\n")
