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
    """Of literals (rdflib's or Oxigraph's), the one in ``lang``, else in English, else in Chinese,
    else the first by its text; None when there are none. Every engine names things this way."""
    ordered = sorted(literals, key=str)
    for want in (lang, "en", "zh"):
        for literal in ordered:
            if getattr(literal, "language", None) == want:
                return literal
    return ordered[0] if ordered else None


SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


def severity(lang: str, value: str) -> str:
    """A SHACL severity (Violation, Warning, Info) as the user reads it."""
    return SEVERITY_ZH.get(value, value) if lang == "zh" else value
