"""The README's Python example runs as written (from the repository root)."""

import re


def test_readme_python_examples_run(in_root, capsys):
    text = (in_root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert "Dortmund: Digitalste Stadt 2018-09-24" in capsys.readouterr().out
