"""Checks of generated HTML folders (the documentation site, the community report): links, resources,
ids; and the headless Chromium the browser tests drive."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.resources, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if "src" in a:
            self.resources.append(a["src"])
        if tag == "link" and "href" in a:
            self.resources.append(a["href"])


def parse_html(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def check_links(root: Path, outside_ok: Path | None = None) -> None:
    """Every page under ``root`` loads only files of the folder (no http(s) resource) and every link
    goes to a file that exists, and to an id on it when it has a fragment; links to http(s) IRIs (a
    term's own IRI, which the reader may follow) are left alone. ``outside_ok``: a folder around
    ``root`` whose files links may also reach."""
    pages = sorted(root.rglob("*.html"))
    files = {os.path.normpath(p) for p in root.rglob("*") if p.is_file()}
    ids: dict[str, set] = {}
    for page in pages:
        parsed = parse_html(page)
        for res in parsed.resources:
            assert not re.match(r"^(https?:)?//", res), f"{page}: loads {res}"
            assert os.path.normpath(page.parent / unquote(urlsplit(res).path)) in files, f"{page}: missing {res}"
        for href in set(parsed.links):
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            target = os.path.normpath(page.parent / unquote(parts.path)) if parts.path else os.path.normpath(page)
            if target not in files and outside_ok is not None and target.startswith(os.path.normpath(outside_ok)):
                assert Path(target).is_file(), f"{page}: broken link {href}"
                continue
            assert target in files, f"{page}: broken link {href}"
            if parts.fragment and target.endswith(".html"):
                if target not in ids:
                    ids[target] = parse_html(Path(target)).ids
                assert parts.fragment in ids[target], f"{page}: no #{parts.fragment} in {target}"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(chromium() is None,
                                    reason="headless Chromium is not installed (.ci/run installs Debian's chromium)")
