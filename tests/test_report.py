"""Community reports (issue #13): the static HTML folder carries each community's own conclusions — its
stage marked on the stage model, the dimension × scope matrix, the timeline up to --as-of, the ranked
recommendations with quotations, its validation findings — checked in the HTML and in headless Chromium."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from chuangshu.cli import cli

from conftest import REPO
from html_check import check_links, chromium, needs_chromium

CS = "https://w3id.org/chuangshu/ontology#"
D, S = "https://w3id.org/chuangshu/data/D", "https://w3id.org/chuangshu/data/S"
ARTIFACTS = Path(os.environ.get("CHUANGSHU_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report"
    result = run("--lang", "zh", "report", "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 个社区" in result.output
    return out


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has a data- attribute."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def having(self, **want) -> list[dict]:
        return [a for _, a in self.tags if all(a.get(k.replace("_", "-")) == v for k, v in want.items())]

    def classed(self, cls: str, tag: str | None = None) -> list[dict]:
        return [a for t, a in self.tags if cls in (a.get("class") or "").split() and tag in (None, t)]


def elements(path: Path) -> Elements:
    p = Elements()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_the_folder_opens_in_the_chosen_language_and_holds_both(report):
    assert 'url=zh/index.html' in (report / "index.html").read_text(encoding="utf-8")
    for lang in ("en", "zh"):
        assert {p.name for p in (report / lang / "c").iterdir()} == {"D.html", "S.html"}
    assert "破冰" in (report / "zh" / "c" / "D.html").read_text(encoding="utf-8")
    assert "ice-breaking" in (report / "en" / "c" / "D.html").read_text(encoding="utf-8")
    check_links(report)
    assert sorted(p.name for p in report.iterdir()) == ["en", "index.html", "report.css", "report.js", "zh"]


def test_the_stage_model_marks_each_community_where_the_rules_put_it(report):
    d = elements(report / "en" / "c" / "D.html")
    svg = d.classed("stage-model")[0]
    assert svg["data-community"] == D and svg["data-stage"] == CS + "IceBreaking"
    assert [a["data-stage"] for a in d.classed("current")] == [CS + "IceBreaking"]
    satisfied = {a["data-step"].split("#")[1] for a in d.classed("satisfied")}
    assert satisfied == {"InitialCycle_Trust", "InitialCycle_Network", "InitialCycle_Norm"}
    assert [a["data-step"].split("#")[1] for a in d.classed("next", "g")] == ["AdvancedCycle_Trust"]

    s = elements(report / "en" / "c" / "S.html")
    assert s.classed("stage-model")[0]["data-community"] == S
    assert [a["data-stage"] for a in s.classed("current")] == [CS + "BoundaryExtended"]
    satisfied = {a["data-step"].split("#")[1] for a in s.classed("satisfied")}
    assert satisfied == {"AdvancedCycle_Trust", "AdvancedCycle_Network", "AdvancedCycle_Norm"}   # S's own work
    assert s.classed("next", "g") == []


def _cell(page: Elements, dimension: str, scope: str) -> dict:
    """The matrix cell of a dimension and a scope (the td after the row's tr with that dimension)."""
    row = None
    for tag, a in page.tags:
        if tag == "tr" and "data-dimension" in a:
            row = a["data-dimension"]
        if tag == "td" and row == CS + dimension and a.get("data-scope") == CS + scope:
            return a
    raise AssertionError(f"no cell {dimension} × {scope}")


def test_the_matrix_counts_the_interventions_of_each_cell_and_marks_what_is_due(report):
    d = elements(report / "en" / "c" / "D.html")
    assert _cell(d, "ParticipationNetwork", "ResidentCommittee")["data-count"] == "3"      # D4, D5, D6
    assert _cell(d, "GeneralizedTrust", "ResidentResident")["data-count"] == "1"           # D1
    assert _cell(d, "ReciprocityNorm", "ResidentResident")["data-count"] == "2"            # D7, D8
    assert _cell(d, "GeneralizedTrust", "ResidentMerchantUnit")["data-count"] == "0"
    assert "due" in _cell(d, "GeneralizedTrust", "ResidentMerchantUnit")["class"]        # the warming cycle's gap
    assert "due" not in _cell(d, "GeneralizedTrust", "ResidentResident")["class"]
    html = (report / "en" / "c" / "D.html").read_text(encoding="utf-8")
    assert "D7 volunteer points scheme" in html
    s = elements(report / "en" / "c" / "S.html")
    assert int(_cell(s, "ReciprocityNorm", "ResidentMerchantUnit")["data-count"]) >= 3    # S5, S6, S7
    assert not any("due" in a.get("class", "") for a in s.having() if "data-scope" in a)


def test_recommendations_come_ranked_with_reasons_cases_and_quotations(report):
    d = elements(report / "en" / "c" / "D.html")
    first = [a for _, a in d.tags if "data-kind" in a][0]
    assert first["data-type"] == CS + "MerchantSupport"
    html = (report / "zh" / "c" / "D.html").read_text(encoding="utf-8")
    assert "“一个心愿亮出来，就有一个企业来认领" in html and "（20231116-S 社区居委会 Z 主任）" in html
    assert "理由" in html and "参照案例" in html
    s = [a for _, a in elements(report / "en" / "c" / "S.html").tags if "data-kind" in a]
    assert s[0]["data-kind"] == CS + "ExtendBoundary"
    # grouped under the gaps they fill, ranked 1, 2, 3 … (never the raw score), the first three open
    ranks = [int(a["data-rank"]) for a in d.having() if "data-rank" in a]
    assert sorted(ranks) == list(range(1, len(ranks) + 1)) and len(ranks) > 3
    en = (report / "en" / "c" / "D.html").read_text(encoding="utf-8")
    head, _, more = en.partition('<details class="more-recs">')
    assert head.count("data-rank=") == 3 and f"{len(ranks) - 3} more recommendations" in more
    assert "For gap 4: advanced cycle — trust migration" in en and "priority" not in en.lower()
    assert en.count("The advanced cycle needs “norm iteration”") == 1


def test_a_finding_names_its_path_in_the_readers_language(report):
    from chuangshu.rdf import load_ontology
    from chuangshu.model import path_label

    onto = load_ontology()
    assert path_label(onto, "^cs:evidences", "en") == "evidenced by"     # the declared inverse's label
    assert path_label(onto, "^cs:builds", "zh") == "培育维度（反向）" and path_label(onto, "cs:builds", "en") == "builds"
    for page in (report / "zh" / "c").glob("*.html"):
        assert "^cs:" not in page.read_text(encoding="utf-8")


def test_each_community_gets_the_validation_findings_about_its_own_data(report):
    d = (report / "en" / "c" / "D.html").read_text(encoding="utf-8")
    s = (report / "en" / "c" / "S.html").read_text(encoding="utf-8")
    assert d.count('class="severity Info"') == 2 and "Red Collar Home volunteer team" in d   # D1, D8
    assert s.count('class="severity Info"') == 4 and "relieving merchants" in s              # S1, S4, S6, S7
    assert "relieving merchants" not in d.split("Validation findings")[1]


def test_the_index_compares_the_communities_and_counts_them_per_stage(report):
    index = (report / "en" / "index.html").read_text(encoding="utf-8")
    counts = dict(re.findall(r'data-stage-label="([^"]+)"><th scope="row">[^<]+</th><td class="n">(\d+)', index))
    assert counts == {"ice-breaking": "1", "warming": "0", "boundary extended": "1"}
    rows = elements(report / "en" / "index.html").having()
    assert [a["data-community"] for _, a in elements(report / "en" / "index.html").tags if "data-community" in a] == [D, S]
    assert rows is not None and "merchant support" in index and "extend the boundary to" in index


def test_as_of_keeps_the_timeline_and_the_stage_to_that_date(tmp_path):
    case = REPO / "data" / "cases" / "DC04.ttl"
    full, early = tmp_path / "full", tmp_path / "early"
    assert run("report", case, "-o", full).exit_code == 0
    assert run("report", case, "-o", early, "--as-of", "2017").exit_code == 0
    page = lambda root: elements(root / "en" / "c" / "DC04.html")  # noqa: E731
    dates = lambda root: [a["data-date"] for a in page(root).classed("date")]  # noqa: E731
    assert dates(full) == ["before 2017", "2017", "2018"]
    assert dates(early) == ["before 2017", "2017"]
    # merchant-facing work in 2018 while the core is open: still ice-breaking, warming begun early
    assert page(full).classed("stage-model")[0]["data-stage"] == CS + "IceBreaking"
    assert [a["data-stage"] for a in page(full).classed("begun-early") if "data-stage" in a and "data-date" not in a] \
        == [CS + "Warming"]
    assert page(early).classed("stage-model")[0]["data-stage"] == CS + "IceBreaking"
    assert not page(early).classed("begun-early")
    assert [a["data-date"] for a in page(full).classed("transition")] == []
    assert [a["data-date"] for a in page(full).classed("begun-early") if "data-date" in a] == ["2018"]
    assert "planned" in (full / "en" / "c" / "DC04.html").read_text(encoding="utf-8")   # DC04-5, shown not counted


def test_a_warning_in_the_data_shows_on_its_community_page(tmp_path):
    out = tmp_path / "r"
    assert run("report", REPO / "data" / "examples" / "invalid" / "missing-label.ttl", "-o", out).exit_code == 0
    e, f = ((out / "en" / "c" / f"{n}.html").read_text(encoding="utf-8") for n in ("E", "F"))
    assert 'class="severity Warning"' in e and "an intervention needs a name" in e      # E1, an intervention of E
    assert "severity" not in f and "None: the data conform to the shapes." in f
    unchecked = tmp_path / "u"
    assert run("report", REPO / "data" / "examples" / "invalid" / "missing-label.ttl", "-o", unchecked,
               "--no-validate").exit_code == 0
    assert "Not validated (--no-validate)." in (unchecked / "en" / "c" / "F.html").read_text(encoding="utf-8")


def test_bad_data_and_an_occupied_folder_leave_nothing_behind(tmp_path):
    bad = REPO / "data" / "examples" / "invalid"
    out = tmp_path / "r"
    result = run("report", bad / "intervention-in-a-non-community.ttl", "-o", out)
    assert result.exit_code == 1 and "Violation" in result.output
    result = run("report", bad / "broken-turtle.ttl", "-o", out)
    assert result.exit_code == 2 and "broken-turtle.ttl:37:31" in result.output and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    result = run("report", "-o", out)
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert run("report", "-o", out, "--overwrite").exit_code == 0
    assert not (out / "mine.txt").exists() and (out / "en" / "c" / "D.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]          # no temporary folder left


@needs_chromium
def test_the_report_renders_offline_in_headless_chromium(report):
    sync_api = pytest.importorskip("playwright.sync_api")
    requested, errors = [], []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requested.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
            page.goto((report / "index.html").as_uri())
            page.wait_for_url(re.compile(r"/zh/index\.html$"))          # --lang zh: the folder opens in Chinese
            assert "社区比较" in page.inner_text("main")
            page.click("a[hreflang=en]")
            assert page.url.endswith("/en/index.html")
            order = lambda: page.eval_on_selector_all(  # noqa: E731
                "#compare tbody tr", "rows => rows.map(r => r.dataset.community)")
            assert order() == [D, S]
            page.click("#compare th:nth-child(3)")       # by stage, ascending: ice-breaking first
            page.click("#compare th:nth-child(3)")       # descending
            assert order() == [S, D]
            page.screenshot(path=str(ARTIFACTS / "report-index-en.png"), full_page=True)
            page.click("text=D community")
            svg = page.locator("svg.stage-model")
            assert svg.get_attribute("data-community") == D
            assert svg.locator("g.stage.current").get_attribute("data-stage") == CS + "IceBreaking"
            box = svg.bounding_box()
            assert box["width"] > 600 and box["height"] > 150          # drawn, not an empty box
            assert page.locator("table.matrix td.due").count() > 0
            for name in ("D", "S"):
                for lang in ("en", "zh"):
                    page.goto((report / lang / "c" / f"{name}.html").as_uri())
                    assert page.locator("svg.stage-model").get_attribute("data-community").endswith("/" + name)
                    page.screenshot(path=str(ARTIFACTS / f"report-{name}-{lang}.png"), full_page=True)
            page.emulate_media(media="print")
            assert page.locator("header").is_hidden()                    # the print style sheet takes over
            page.pdf(path=str(ARTIFACTS / "report-S-zh.pdf"), format="A4")
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requested if not u.startswith("file:")] == []
    assert (ARTIFACTS / "report-D-zh.png").stat().st_size > 10_000


def test_a_report_on_chosen_communities_has_their_pages_as_in_the_whole(tmp_path):
    cases = sorted((REPO / "data" / "cases").glob("*.ttl"))
    whole, chosen = tmp_path / "whole", tmp_path / "chosen"
    assert run("report", *cases, "-o", whole).exit_code == 0
    result = run("report", *cases, "-o", chosen, "--community", "DC04", "--community", "DC01")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (chosen / "en" / "c").iterdir()) == ["DC01.html", "DC04.html"]
    for lang in ("en", "zh"):
        for name in ("DC01.html", "DC04.html"):
            assert (chosen / lang / "c" / name).read_text(encoding="utf-8") == \
                (whole / lang / "c" / name).read_text(encoding="utf-8")
