"""Language choice for messages the user reads."""

from __future__ import annotations

import locale
import os

LANGS = ("zh", "en")


def default_lang() -> str:
    """``zh`` when the locale is Chinese, otherwise ``en``."""
    for var in ("CHUANGSHU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def pick(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def preferred(literals, lang: str):
    """Of literals (rdflib's or Oxigraph's), the one in ``lang``, else in English, else in Chinese, else
    one without a language, else the first by its text; None when there are none — the same choice
    whichever order a graph or an engine gives them (ties go by the text). The one way every output and
    every engine names a thing."""
    ordered = sorted(literals, key=str)
    for want in (lang, "en", "zh", None):
        for literal in ordered:
            if (getattr(literal, "language", None) or None) == want:
                return literal
    return ordered[0] if ordered else None


def text_in(values, lang: str) -> str | None:
    """The text of :func:`preferred` among ``values`` (the literals kept), or None."""
    found = preferred([v for v in values if hasattr(v, "language")], lang)
    return str(found) if found is not None else None


SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


def severity(lang: str, value: str) -> str:
    """A SHACL severity (Violation, Warning, Info) as the user reads it."""
    return SEVERITY_ZH.get(value, value) if lang == "zh" else value
