"""Community reports: a static, self-contained HTML folder (no CDN, no server, no web font; one local
style sheet and one small local script) that a researcher opens from a USB stick or prints to PDF.

    load → validate → reason → assess (:mod:`assess`, once per language) → report (here)

``DIR/index.html`` sends the reader to the chosen language; ``DIR/en/`` and ``DIR/zh/`` hold the same
pages: ``index.html`` compares every community side by side (sortable, with counts per stage) and
``c/NAME.html`` is one community's report — the stage model with its position marked, the dimension ×
relation-scope matrix as a heat map, the timeline of dated interventions, the ranked recommendations
with reasons, reference cases and quotations, the validation findings about its data.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from .assess import Assessment, dated_interventions
from .model import DIMENSIONS, CommunityResult, label_of, path_label
from .diagrams import stage_model_svg, stages, timeline_svg
from .i18n import pick as L, severity
from .rdf import CS
from .render import SHOWN, recommendation_groups, recommendation_what

LANGS = ("en", "zh")
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "report"
C = lambda n: URIRef(CS + n)  # noqa: E731


def page_name(iri: str) -> str:
    """A file name for the community's page: its IRI's last segment, made safe."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("._")
    return name or "community"


def scope_groups(ontology: Graph, lang: str) -> list[dict]:
    """The relation scopes as the matrix's columns, grouped (core first): ``[{label, scopes}]``."""
    groups: dict[str, dict] = {}
    for s in scopes_in_order(ontology, lang):
        groups.setdefault(s["group"], {"iri": s["group"], "label": s["group_label"], "scopes": []})["scopes"].append(s)
    return sorted(groups.values(), key=lambda g: g["scopes"][0]["order"])


def scopes_in_order(ontology: Graph, lang: str) -> list[dict]:
    """The relation scopes by their order, each with its group."""
    out = []
    for s in ontology.subjects(RDF.type, C("RelationScope")):
        group = ontology.value(s, C("inScopeGroup"))
        out.append({"iri": str(s), "label": label_of(ontology, s, lang), "order": int(ontology.value(s, C("scopeOrder")) or 99),
                    "group": str(group) if group else "", "group_label": label_of(ontology, group, lang) if group else ""})
    return sorted(out, key=lambda x: x["order"])


def matrix(c: CommunityResult, scopes: list[dict], ontology: Graph, lang: str) -> list[dict]:
    """Rows: the three dimensions; cells: the interventions that establish the dimension in the scope
    (counted ones with the basis of their coding, planned ones apart), the heat, and whether a cycle
    step due to close needs the cell."""
    due = {(g["dimension"]["iri"], s) for g in c.gaps for st in c.steps if st.step.iri == g["step"]["iri"] for s in st.scopes}
    rows = []
    for d in DIMENSIONS:
        cells = []
        for s in scopes:
            items = []
            for r in c.readings:
                dim = next((x for x in r.dimensions if x.term.iri == str(d)), None)
                scope = next((x for x in r.scopes if x.term.iri == s["iri"]), None)
                if dim is None or scope is None:
                    continue
                planned = r.status.iri == CS + "Planned"
                if not r.counts and not planned:
                    continue
                default = [x for x in (dim, scope) if x.basis.iri.endswith("#TypeDefault")]
                items.append({"name": r.intervention.iri.rsplit("/", 1)[-1], "label": r.intervention.label,
                              "iri": r.intervention.iri, "planned": planned,
                              "basis": L(lang, "type default", "类型默认") if default else L(lang, "researcher's coding", "研究者编码")})
            counted = sum(1 for i in items if not i["planned"])
            cells.append({"scope": s["iri"], "items": items, "count": counted, "heat": min(counted, 3),
                          "due": (str(d), s["iri"]) in due})
        rows.append({"iri": str(d), "label": label_of(ontology, d, lang), "cells": cells})
    return rows


def _neighbours(graph: Graph, node) -> set:
    out = set()
    for o in graph.objects(node, None):
        if isinstance(o, (URIRef, BNode)) and not str(o).startswith(CS):
            out.add(o)
    for s in graph.subjects(None, node):
        if not str(s).startswith(CS):
            out.add(s)
    return out


def communities_of(data: Graph, focus: str, communities: set[str], depth: int = 3) -> set[str]:
    """The communities nearest to a validation result's focus node in the data (the focus itself, its
    interventions, their quotations and interviews…), at most ``depth`` links away. ``communities``:
    every community of the data, so that a finding about one never goes to a neighbour further away."""
    if focus in communities:
        return {focus}
    start = URIRef(focus) if not focus.startswith("_:") and "://" in focus else BNode(focus.removeprefix("_:"))
    seen, frontier = {start}, {start}
    for _ in range(depth):
        nxt = set()
        for n in frontier:
            nxt |= _neighbours(data, n) - seen
        found = {str(n) for n in nxt if str(n) in communities}
        if found:
            return found
        seen |= nxt
        frontier = nxt
    return set()


@dataclass
class ReportInput:
    """What the report is drawn from, computed once: the data (for the validation findings), the
    ontology, the assessments and timelines per language, the validation results."""
    data: Graph
    ontology: Graph
    assessments: dict[str, Assessment]        # lang -> assessment as of the date
    timelines: dict[str, dict[str, list]]     # lang -> community IRI -> [(date, CommunityResult)]
    validation: dict[str, list]               # lang -> validation results (chuangshu.validate.Result)
    as_of: str | None


def report_input(files: list[Path], *, as_of=None, reasoner: str = "auto", engine: str = "auto",
                 validate: bool = True, progress: bool = False, on_report=None, only=()) -> ReportInput:
    """Load the files, validate them (``on_report`` sees the report first: it may stop the run), then
    assess them once on ``engine`` (:func:`chuangshu.pipeline.assess_files_in`), every community's
    timeline with it, read in both languages. ``only``: the communities to report on (IDs, labels or IRIs;
    default: all), assessed over their part of the data alone."""
    from .rdf import load_ontology
    from .load import load_sources
    from .pipeline import assess_files_in
    from .subgraph import community_subgraph, find_community
    from .validate import validate_graph_in

    data, origin, problems = load_sources(files)
    onto = load_ontology()
    validation = {}
    if validate:  # the shapes run once, the results read in both languages
        reports = validate_graph_in(LANGS, data, origin, allow_warnings=True, ontology=onto, problems=problems)
        if on_report is not None:
            on_report(reports[LANGS[0]])
        validation = {lang: r.results for lang, r in reports.items()}
    seeds = [find_community(data, onto, k) for k in only]
    part = community_subgraph(data, onto, seeds) if seeds else data
    assessments = assess_files_in(LANGS, files, engine=engine, as_of=as_of, reasoner=reasoner, loaded=(part, onto),
                                  timeline=True, progress=progress)
    if seeds:
        assessments = {lang: a.only(seeds) for lang, a in assessments.items()}
    return ReportInput(data=data, ontology=onto, assessments=assessments,
                       timelines={lang: a.timelines for lang, a in assessments.items()}, validation=validation,
                       as_of=str(as_of) if as_of is not None else None)


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def unique_names(iris: list[str]) -> dict[str, str]:
    """IRI → a page name, unique even when two IRIs end alike."""
    out, used = {}, set()
    for iri in sorted(iris):
        base = name = page_name(iri)
        n = 2
        while name.lower() in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name.lower())
        out[iri] = name
    return out


def _community_view(c: CommunityResult, inp: ReportInput, lang: str, groups: list[dict], findings: list,
                    name: str) -> dict:
    scopes = [s for g in groups for s in g["scopes"]]
    orders = {str(s): int(inp.ontology.value(s, C("stageOrder")) or 0) for s in stages(inp.ontology)}
    rows = inp.timelines[lang].get(c.community.iri, [])
    events = dated_interventions(inp.data, c.community.iri, lang)
    return {
        "c": c, "name": name,
        "stage_svg": Markup(stage_model_svg(inp.ontology, lang, c)),
        "timeline_svg": Markup(timeline_svg(c.community.iri, rows, events, lang, orders)) if rows and rows[0][0] != "—" else None,
        "timeline": rows, "events": events,
        "matrix": matrix(c, scopes, inp.ontology, lang), "groups": groups,
        "findings": findings,
        "first": c.recommendations[0] if c.recommendations else None,
        # grouped under the gap each fills, the reason they share said once; the first SHOWN open
        "rec_groups": recommendation_groups(c, last=SHOWN), "rec_more": recommendation_groups(c, first=SHOWN + 1),
        "rec_more_count": max(0, len(c.recommendations) - SHOWN),
        "stage_order": orders.get(c.stage.iri, 0) if c.stage else 0,
        "what": lambda r: recommendation_what(r, lambda en, zh: L(lang, en, zh)),
        "path": lambda path: path_label(inp.ontology, path, lang),
    }


def build_report(out: Path, inp: ReportInput, default_lang: str = "en") -> Path:
    """Write the report into ``out``, a new folder (the caller makes it appear whole: see
    :func:`chuangshu.canon.new_folder`)."""
    env = _environment()
    out.mkdir(parents=True, exist_ok=True)
    for asset in ("report.css", "report.js"):
        shutil.copyfile(_TEMPLATES / asset, out / asset)
    (out / "index.html").write_text(env.get_template("choose.html").render(default=default_lang), encoding="utf-8")
    from .subgraph import communities

    known = {c.community.iri for c in inp.assessments["en"].communities}
    every = {str(c) for c in communities(inp.data, inp.ontology)} | known
    names = unique_names(list(known))
    for lang in LANGS:
        a = inp.assessments[lang]
        groups = scope_groups(inp.ontology, lang)
        by_community: dict[str, list] = {iri: [] for iri in known}
        for r in inp.validation.get(lang, []):
            for iri in communities_of(inp.data, r.focus, every) & known:
                by_community[iri].append(r)
        views = [_community_view(c, inp, lang, groups, by_community[c.community.iri],
                                 names[c.community.iri]) for c in a.communities]
        root = out / lang
        (root / "c").mkdir(parents=True, exist_ok=True)
        counts = Counter((c.stage.label if c.stage else L(lang, "no stage", "无阶段")) for c in a.communities)
        stage_rows = [{"label": label_of(inp.ontology, s, lang), "count": counts.get(label_of(inp.ontology, s, lang), 0)}
                      for s in stages(inp.ontology)]
        if counts.get(L(lang, "no stage", "无阶段")):
            stage_rows.append({"label": L(lang, "no stage", "无阶段"), "count": counts[L(lang, "no stage", "无阶段")]})
        common = {"lang": lang, "other": "zh" if lang == "en" else "en", "as_of": inp.as_of, "validated": bool(inp.validation),
                  "severity": lambda value, _l=lang: severity(_l, value),
                  "L": lambda en, zh, _l=lang: L(_l, en, zh)}
        (root / "index.html").write_text(env.get_template("index.html").render(
            views=views, stage_rows=stage_rows, total=len(views), depth="", page="index.html", **common), encoding="utf-8")
        for v in views:
            (root / "c" / f"{v['name']}.html").write_text(env.get_template("community.html").render(
                v=v, depth="../", page=f"c/{v['name']}.html", **common), encoding="utf-8")
    return out
