"""Text laid out in columns, as a terminal shows it: how many columns a text takes (a Chinese
character two, a combining mark none — measured by wcwidth, which follows Unicode's East Asian
Width and zero-width tables), padding to a width, and wrapping to one. The text tables, the
comparison and the diagrams' labels all measure with these."""
from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a control character, which no output shows, none)."""
    w = wcswidth(text)
    return w if w >= 0 else sum(max(0, wcwidth(ch)) for ch in text)


def pad(text: str, cols: int) -> str:
    """``text`` followed by spaces up to ``cols`` columns."""
    return text + " " * max(0, cols - width(text))


def wrap(text: str, cols: int) -> list[str]:
    """Lines of at most ``cols`` columns: words kept whole when the text has spaces, and a word wider
    than a line (a Chinese phrase has no spaces) broken between characters."""
    spaced = " " in text
    lines, line, used = [], "", 0
    for word in (text.split(" ") if spaced else list(text)):
        if spaced and width(word) > cols:  # broken between characters, as unspaced text is
            *whole, word = wrap(word, cols)
            if whole:
                lines += ([line] if line else []) + whole
                line, used = "", 0
        w = width(word) + (1 if spaced and line else 0)
        if used + w > cols and line:
            lines.append(line)
            line, used = "", 0
            w = width(word)
        line = line + " " + word if spaced and line else line + word
        used += w
    if line:
        lines.append(line)
    return lines
