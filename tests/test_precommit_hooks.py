"""The pre-commit hooks in .pre-commit-hooks.yaml name real subcommands and valid file patterns."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from pubconv import cli

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_hooks_have_the_keys_pre_commit_requires() -> None:
    assert {h["id"] for h in HOOKS} == {"pubconv-check", "pubconv-fmt"}
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"


def test_hook_patterns_match_the_files_they_are_for() -> None:
    by_id = {h["id"]: h for h in HOOKS}
    check = re.compile(by_id["pubconv-check"]["files"])
    assert check.search("refs/paper.bib") and check.search("CITATION.cff") and check.search("x/y.ris")
    assert not check.search("setup.py")
    fmt = re.compile(by_id["pubconv-fmt"]["files"])
    assert fmt.search("refs.bib") and not fmt.search("refs.ris")


def test_hook_entries_are_accepted_by_the_cli(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "a.bib"
    bib.write_text("@article{k, title={T}, author={Doe, Jane}, journal={J}, year={2020}}\n", encoding="utf-8")
    for hook in HOOKS:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "pubconv"
        code = cli.main([*argv[1:], str(bib)])
        assert code in (0, 1), (hook["id"], capsys.readouterr())
    # the fmt hook rewrote the file into canonical form: formatting it again changes nothing
    assert cli.main(["fmt", "--check", str(bib)]) == 0
