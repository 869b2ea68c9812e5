"""The part of Apache's mod_rewrite that w3id/.htaccess uses, read from the file itself, so that a
test can apply the very rules w3id.org will apply: ``RewriteEngine``, ``RewriteCond`` on
``%{HTTP_ACCEPT}`` and ``%{HTTP:Header}`` (flags NC, OR), ``RewriteRule PATTERN TARGET [R=303,L,NE]``
with ``$N`` back-references. Anything else in the file is an error, so a rule this cannot read is
never silently skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Cond:
    header: str
    pattern: re.Pattern
    either: bool          # [OR]: this condition or the next


@dataclass
class Rule:
    pattern: re.Pattern
    target: str
    status: int
    conds: list[Cond] = field(default_factory=list)


def _flags(text: str | None) -> set[str]:
    return {f.strip().upper() for f in (text or "").strip("[]").split(",") if f.strip()}


def read_rules(text: str) -> list[Rule]:
    rules, pending = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line in ("RewriteEngine on", "Options +FollowSymLinks"):
            continue
        m = re.match(r"^RewriteCond\s+%\{(HTTP_ACCEPT|HTTP:[A-Za-z-]+)\}\s+(\S+)(?:\s+(\[[A-Z,]+\]))?$", line)
        if m:
            header = "Accept" if m.group(1) == "HTTP_ACCEPT" else m.group(1)[5:]
            flags = _flags(m.group(3))
            pending.append(Cond(header, re.compile(m.group(2), re.I if "NC" in flags else 0), "OR" in flags))
            continue
        m = re.match(r"^RewriteRule\s+(\S+)\s+(\S+)\s+(\[[A-Z0-9=,]+\])$", line)
        if m:
            flags = _flags(m.group(3))
            status = next(int(f[2:]) for f in flags if f.startswith("R="))
            assert "L" in flags, f"line {number}: every rule ends the rewriting ([L])"
            rules.append(Rule(re.compile(m.group(1)), m.group(2), status, pending))
            pending = []
            continue
        raise ValueError(f"line {number}: not understood: {line}")
    assert not pending, "a RewriteCond with no rule after it"
    return rules


def _conds_hold(conds: list[Cond], headers: dict[str, str]) -> bool:
    result, i = True, 0
    while i < len(conds):
        group = [conds[i]]
        while group[-1].either and i + 1 < len(conds):
            i += 1
            group.append(conds[i])
        result = result and any(c.pattern.search(headers.get(c.header.lower(), "")) for c in group)
        i += 1
    return result


def apply(rules: list[Rule], path: str, headers: dict[str, str]) -> tuple[int, str] | None:
    """(status, location) for ``path`` (relative to the w3id folder, no leading slash), or None."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for rule in rules:
        m = rule.pattern.search(path)
        if m and _conds_hold(rule.conds, lowered):
            target = re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))) or "", rule.target)
            return rule.status, target
    return None
