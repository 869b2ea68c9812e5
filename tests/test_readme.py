"""README's two set-up commands stay true, and CI runs the same test command."""

from __future__ import annotations

import re

from conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_gives_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install -e . && chuangshu ")
    assert commands[1] == "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert readme_commands()[1] in lines


def test_every_competency_question_is_bilingual():
    text = (REPO / "docs" / "competency-questions.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"\| CQ\d\d ", line)]
    assert len(rows) >= 20
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert re.search(r"[\u4e00-\u9fff]", cells[1]) and re.search(r"[A-Za-z]{3}", cells[2]), row
