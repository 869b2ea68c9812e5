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
