"""The README's quickstart runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_quickstart_code_runs(capsys):
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.DOTALL).group(1)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    output = capsys.readouterr().out
    assert "aligned 1.0 0.0 []" in output
    assert "misaligned" in output and "coercion" in output


def test_first_lines_give_the_setup_and_test_commands():
    head = README.read_text().splitlines()[:6]
    assert any('pip install -e ".[all]"' in line for line in head)
    assert any("python -m pytest" in line for line in head)
