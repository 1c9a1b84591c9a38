"""``pubconv check``: rule fixtures, rule table coverage, validators, config, output formats.

Rule fixtures live in ``fixtures/check/<CODE>/``: each case is a file (or a directory
of files, checked in one run) next to ``<case>.check.json``, the exact list of
findings (code, severity, line, column, key; ``file`` for directory cases) the check must
report. A case whose list is empty is a passing case. Adding a case is adding files;
``pytest tests/test_check.py --update-golden`` rewrites the lists for review.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pubconv.check import RULES, Config, check_paths, check_text, render
from pubconv.check import validators as V
from pubconv.check.config import ConfigError, load_config
from pubconv.check.engine import jats_dtd_path
from pubconv.check.output import github_escape_data, github_escape_property, sarif_log
from pubconv.check.rules import CHECK_SEVERITY
from pubconv.errors import CODES, Severity

from .paths import FIXTURES

CHECK_FIXTURES = FIXTURES / "check"


def _cases() -> list[Path]:
    out = []
    for rule_dir in sorted(p for p in CHECK_FIXTURES.iterdir() if p.is_dir()):
        for item in sorted(rule_dir.iterdir()):
            if item.name.endswith(".check.json"):
                continue
            out.append(item)
    return out


CASES = _cases()


def _expected_path(case: Path) -> Path:
    name = case.name if case.is_dir() else case.name.split(".")[0]
    return case.parent / f"{name}.check.json"


def _run(case: Path) -> list[dict[str, object]]:
    report = check_paths([str(case)], config=Config())
    out = []
    for d in report.findings:
        item: dict[str, object] = {
            "code": d.code,
            "severity": d.severity.value,
            "line": d.position.line if d.position else None,
            "column": d.position.column if d.position else None,
            "key": d.key,
        }
        if case.is_dir() and d.position is not None:
            item["file"] = Path(d.position.source).name
        out.append(item)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_fixture(case: Path, update_golden: bool) -> None:
    if case.parent.name == "PC740" and jats_dtd_path() is None:
        pytest.skip("the JATS DTD comes with biopython (pubconv[jats]), not installed")
    got = _run(case)
    expected_file = _expected_path(case)
    if update_golden:
        expected_file.write_text(json.dumps(got, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert got == expected


def test_every_case_has_expectations() -> None:
    missing = [str(c) for c in CASES if not _expected_path(c).exists()]
    assert not missing, missing


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_triggering_and_a_passing_fixture(code: str) -> None:
    rule_dir = CHECK_FIXTURES / code
    assert rule_dir.is_dir(), f"no fixtures/check/{code}/"
    lists = [json.loads(p.read_text(encoding="utf-8")) for p in rule_dir.glob("*.check.json")]
    assert any(any(f["code"] == code for f in found) for found in lists), f"{code}: no case triggers it"
    assert any(found == [] for found in lists), f"{code}: no passing (clean) case"


def test_rule_table_matches_codes() -> None:
    for code, rule in RULES.items():
        assert code in CODES
        assert rule.severity is CODES[code][0] or code in CHECK_SEVERITY
        assert rule.hint
    assert all(code in RULES for code in CODES if code.startswith("PC7"))


# ----------------------------------------------------------------------------- validators


@pytest.mark.parametrize("isbn", ["0-306-40615-2", "978-0-306-40615-7", "0 8044 2957 X", "080442957x"])
def test_isbn_valid(isbn: str) -> None:
    assert V.isbn_problems(isbn) == []


@pytest.mark.parametrize("isbn", ["0-306-40615-3", "978-0-306-40615-8", "12345678901", "ISBN 978-3-16"])
def test_isbn_invalid(isbn: str) -> None:
    assert [p.code for p in V.isbn_problems(isbn)] == ["PC701"]


def test_issn_and_orcid_checksums() -> None:
    assert V.issn_checksum_ok("03178471") and V.issn_checksum_ok("2050084X")
    assert not V.issn_checksum_ok("03178472")
    assert V.orcid_checksum_ok("000000021825009" + "7")
    assert V.orcid_checksum_ok("000000021694233X")
    assert not V.orcid_checksum_ok("0000000218250098")
    assert V.orcid_problems("https://orcid.org/0000-0002-1694-233X") == []
    assert [p.code for p in V.orcid_problems("0000-0002-1825")] == ["PC705"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("10.1000/xyz123", True),
        ("https://doi.org/10.1000/xyz123", True),
        ("doi:10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2", True),
        ("10.1000", False),
        ("10.10/x", False),
        ("10.1000/a b", False),
    ],
)
def test_doi(value: str, ok: bool) -> None:
    assert (V.doi_problems(value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2101.01234", True),
        ("0704.0001v3", True),
        ("arXiv:1412.6980", True),
        ("hep-th/9901001v1", True),
        ("math.AG/0601001", True),
        ("2113.01234", False),
        ("1501.1234", False),
        ("1412.12345", False),
        ("0612.0001", False),
        ("hep-th/9913001", False),
        ("not-an-id", False),
    ],
)
def test_arxiv(value: str, ok: bool) -> None:
    assert (V.arxiv_problems(value) == []) is ok


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("97--111", []),
        ("1234--56", ["PC707:warning"]),
        ("e1--e9", []),
        ("S12--S15", []),
        ("xii--xv", []),
        ("110--97", ["PC707:warning"]),
        ("297--111", ["PC707"]),
        ("97-111", ["PC708"]),
        ("45-12", ["PC707", "PC708"]),
    ],
)
def test_pages(value: str, codes: list[str]) -> None:
    got = [
        p.code + (f":{p.severity}" if p.severity else "") for p in V.page_problems(value, double_hyphen=True)
    ]
    assert got == codes


def test_pages_without_abbreviation_are_errors() -> None:
    (problem,) = V.page_problems("110--97", double_hyphen=False, abbreviated=False)
    assert problem.code == "PC707" and problem.severity is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2020", True), ("2020-02-29", True), ("2020-21", True), ("2019-02-29", False), ("2020-13", False),
     ("2020-04-31", False), ("2020/2021", True), ("2020-01-01/..", True), ("1/2/3", False),
     ("199X", True), ("2020-XX", True)],
)  # fmt: skip
def test_dates(value: str, ok: bool) -> None:
    assert (V.date_problems(value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("https://example.org/a?b=c", True), ("ftp://ftp.example.org/x", True), ("www.example.org", False),
     ("http://", False), ("https://exa mple.org", False), ("htps//example.org", False)],
)  # fmt: skip
def test_urls(value: str, ok: bool) -> None:
    assert (V.url_problems(value) == []) is ok


def test_mojibake() -> None:
    assert [p.message.split("'")[1] for p in V.mojibake_problems("Caf\u00c3\u00a9")] == ["\u00c3\u00a9"]
    assert V.mojibake_problems("\u00e2\u20ac\u2122")
    assert V.mojibake_problems("São Paulo, Ærø, Ã la carte") == []
    assert not V.has_mojibake("Ångström and façade")


# ----------------------------------------------------------------------------- .bib specifics


def test_special_chars_skip_math_and_verbatim() -> None:
    from pubconv.check.bib import special_chars, unprotected_words

    assert list(special_chars(r"a \& b $x_1$ \url{a_b#c} \verb|%| 50\%")) == []
    assert [c for c, _ in special_chars("R&D at 5% with a_b")] == ["&", "%", "_"]
    assert [w for w, _ in unprotected_words(r"The {DNA} of \TeX{} and LaTeX in NASA's iPhone")] == [
        "LaTeX",
        "NASA",
        "iPhone",
    ]


def test_check_text_positions_point_at_the_value() -> None:
    text = (
        "@article{k,\n  author = {A. B},\n  title = {T},\n  journal = {J},\n  year = {2020},\n"
        "  issn = {1234-5678},\n}\n"
    )
    found = check_text(text, "x.bib", config=Config())
    assert [(d.code, d.position.line, d.position.column) for d in found if d.position] == [("PC702", 6, 11)]


def test_macro_and_concatenation_are_not_value_checked() -> None:
    text = (
        '@string{p = "45"}\n@article{k, author = {A. B}, title = {T}, journal = {J}, year = 2020,\n'
        ' pages = p # "--12"}\n'
    )
    assert [d.code for d in check_text(text, "x.bib", config=Config())] == []


# ----------------------------------------------------------------------------- configuration


def test_config_select_ignore_severity_per_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pubconv.check]\n"
        'ignore = ["PC711"]\n'
        'severity = { PC708 = "error" }\n'
        'per-file-ignores = { "legacy/*.bib" = ["PC70"] }\n',
        encoding="utf-8",
    )
    (tmp_path / "legacy").mkdir()
    sub = tmp_path / "legacy" / "deep"
    sub.mkdir()
    bib = "@article{k, author = {A. B}, title = {About DNA}, journal = {J}, year = 2020, pages = {1-2}}\n"
    (tmp_path / "a.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "legacy" / "b.bib").write_text(bib.replace("{k,", "{k2,"), encoding="utf-8")
    config = load_config(sub)
    assert config.path == tmp_path / "pyproject.toml"
    report = check_paths([str(tmp_path / "a.bib"), str(tmp_path / "legacy" / "b.bib")], config=config)
    got = [(Path(d.position.source).name, d.code, d.severity) for d in report.findings if d.position]
    assert got == [("a.bib", "PC708", Severity.ERROR), ("b.bib", "PC720", Severity.WARNING)]
    narrowed = config.with_cli(select=["PC72"])
    report = check_paths([str(tmp_path / "a.bib"), str(tmp_path / "legacy" / "b.bib")], config=narrowed)
    assert [d.code for d in report.findings] == ["PC720"]


def test_pubconv_toml_fallback_and_bad_config(tmp_path: Path) -> None:
    (tmp_path / "pubconv.toml").write_text('[check]\nselect = ["PC2"]\n', encoding="utf-8")
    assert load_config(tmp_path).select == ("PC2",)
    (tmp_path / "pyproject.toml").write_text('[tool.pubconv.check]\nseverity = { PC700 = "fatal" }\n')
    with pytest.raises(ConfigError, match="fatal"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert load_config(tmp_path).select == ("PC2",)  # a pyproject without the table does not stop the search


@pytest.mark.parametrize(
    "toml",
    [
        '[tool.pubconv.check]\nselect = ["PC7"]\n',
        '[ tool . "pubconv" . check ]\nselect = ["PC7"]\n',
        '[tool]\npubconv.check.select = ["PC7"]\n',
        'tool.pubconv.check.select = ["PC7"]\n',
        'tool = { pubconv = { check = { select = ["PC7"] } } }\n',
    ],
)
def test_every_toml_spelling_of_the_table_is_read(tmp_path: Path, toml: str) -> None:
    # the cheap pre-check that skips parsing most pyproject.toml files must not skip these
    (tmp_path / "pyproject.toml").write_text(toml + '[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(tmp_path).select == ("PC7",)


def test_a_pyproject_naming_pubconv_without_the_table_is_not_parsed(tmp_path: Path) -> None:
    # names pubconv (a dependency, a script, a comment) but has no table: never parsed, so
    # even invalid TOML elsewhere in it is no error, and the search goes on upwards
    (tmp_path / "pubconv.toml").write_text('[check]\nselect = ["PC2"]\n', encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text(
        '# settings live in [tool.pubconv.check] one level up\n[project]\ndependencies = ["pubconv"]\n'
        "[project.scripts]\npubconv = 'pubconv.cli:main'\n[tool.ruff\n",
        encoding="utf-8",
    )
    assert load_config(sub).select == ("PC2",)


# ----------------------------------------------------------------------------- output formats


def _sample_findings() -> list:  # type: ignore[type-arg]
    text = (
        "@article{k,\n  author = {A. B},\n  title = {T},\n  journal = {J},\n  year = {2020},\n"
        "  doi = {10.1},\n}\n"
    )
    return check_text(text, "dir,1/a:b.bib", config=Config())


def test_json_output_is_stable() -> None:
    out = io.StringIO()
    render(_sample_findings(), "json", out)
    data = json.loads(out.getvalue())
    assert data == [
        {
            "file": "dir,1/a:b.bib",
            "line": 6,
            "column": 10,
            "path": None,
            "code": "PC700",
            "severity": "error",
            "title": "malformed DOI",
            "message": data[0]["message"],
            "key": "k",
        }
    ]


def test_github_output_escapes() -> None:
    assert github_escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github_escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    out = io.StringIO()
    render(_sample_findings(), "github", out)
    line = out.getvalue().strip()
    assert line.startswith("::error file=dir%2C1/a%3Ab.bib,line=6,col=10,title=PC700::doi: ")
    assert line.endswith("[k] (malformed DOI)")


def test_sarif_shape() -> None:
    log = sarif_log(_sample_findings(), "0.0")
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pubconv"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(RULES)
    for r in driver["rules"]:
        assert r["shortDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    (result,) = run["results"]
    assert result["ruleId"] == "PC700" and ids[result["ruleIndex"]] == "PC700"
    assert result["level"] == "error" and result["message"]["text"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 10}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir,1/a:b.bib"


def test_text_output_summary() -> None:
    out = io.StringIO()
    render(_sample_findings(), "text", out, files=1)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("dir,1/a:b.bib:6:10: error: doi: ") and lines[0].endswith("[k] (PC700)")
    assert lines[-1] == "1 file checked: 1 error, 0 warnings"


# ----------------------------------------------------------------------------- directories and CLI


def test_directory_walk_finds_citation_files_only(tmp_path: Path) -> None:
    from pubconv.check import iter_citation_files

    good = "@misc{k, author = {A. B}, title = {T}, year = 2020}\n"
    (tmp_path / "refs.bib").write_text(good, encoding="utf-8")
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\n", encoding="utf-8")
    (tmp_path / "items.json").write_text('[{"id": "a", "type": "book"}]\n', encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1"}\n', encoding="utf-8")
    # JSON that mentions "id" and "type" without being CSL-JSON: a schema, pubconv's paper form
    (tmp_path / "s.json").write_text('{"type": "object", "properties": {"id": {"type": "string"}}}\n')
    (tmp_path / "p.json").write_text('[{"type": "book", "arxiv": {"id": "2101.00001"}}]\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("just some notes\n", encoding="utf-8")
    (tmp_path / "page.xml").write_text("<html/>\n", encoding="utf-8")
    for skipped in (".git", "node_modules", ".hidden", "venv"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.bib").write_text(good, encoding="utf-8")
    env = tmp_path / "myenv"
    env.mkdir()
    (env / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (env / "y.bib").write_text(good, encoding="utf-8")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in iter_citation_files(tmp_path)]
    assert found == ["CITATION.cff", "items.json", "refs.bib"]


def test_percent_comment_suppression() -> None:
    text = (
        "% pubconv: ignore PC708\n"
        "@article{k, author = {A. B}, title = {T}, journal = {J}, year = 2020, pages = {1-2}}\n"
        "@article{m, author = {A. B}, title = {U}, journal = {J}, year = 2021, pages = {3-4}}\n"
    )
    found = check_text(text, "x.bib", config=Config())
    assert [(d.code, d.key) for d in found] == [("PC708", "m")]


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "text"])
def test_cli_formats_and_exit_codes(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    from pubconv.cli import main

    case = CHECK_FIXTURES / "PC707" / "backwards.bib"
    code = main(["check", str(case), "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    if fmt in ("json", "sarif"):
        data = json.loads(out)
        assert data if fmt == "json" else data["runs"][0]["results"]
    assert "PC707" in out
    assert main(["check", str(CHECK_FIXTURES / "PC708" / "single-hyphen.bib"), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["check", str(CHECK_FIXTURES / "PC708" / "single-hyphen.bib"), "--strict"]) == 1


def test_cli_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    from pubconv.cli import main

    assert main(["check", "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)


def test_rules_are_documented() -> None:
    doc = (FIXTURES.parent / "docs" / "check.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"| {code} | {rule.severity.value} |" in doc, f"{code} missing or stale in docs/check.md"


def test_jats_reference_lists_are_compared_within_each_article(tmp_path: Path) -> None:
    ref = (CHECK_FIXTURES / "PC740" / "clean.xml").read_text(encoding="utf-8")
    (tmp_path / "a.xml").write_text(ref, encoding="utf-8")
    (tmp_path / "b.xml").write_text(ref, encoding="utf-8")
    assert [d.code for d in check_paths([str(tmp_path)], config=Config()).findings] == []
    twice = ref.replace(
        "</ref-list>", ref.split("<ref-list>")[1].split("</ref-list>")[0].replace("r1", "r2") + "</ref-list>"
    )
    (tmp_path / "b.xml").write_text(twice, encoding="utf-8")
    found = check_paths([str(tmp_path / "b.xml")], config=Config()).findings
    assert [(d.code, d.key) for d in found] == [("PC720", "r2")]


def test_unknown_codes_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PC7O1"):
        Config().with_cli(ignore=["PC7O1"])
    (tmp_path / "pubconv.toml").write_text('[check]\nseverity = { PC999 = "error" }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="PC999"):
        load_config(tmp_path)
    assert Config().with_cli(select=["pc7"]).select == ("PC7",)


def test_citation_cff_reports_every_schema_error_with_its_line(tmp_path: Path) -> None:
    # with pubconv.formats.cff, its schema validation reports these too; without it, check's own
    # value checks do: either way every error is reported at its line
    path = tmp_path / "CITATION.cff"
    path.write_text(
        "cff-version: 1.2.0\n"
        'message: "Please cite this software."\n'
        "title: Example\n"
        "authors:\n"
        "  - family-names: Lovelace\n"
        "    given-names: Ada\n"
        '    orcid: "https://orcid.org/0000-0002-1825-0098"\n'
        "doi: not-a-doi\n"
        "date-released: 2021-02-30\n",
        encoding="utf-8",
    )
    found = check_paths([str(path)], config=Config()).findings
    lines = {d.position.line for d in found if d.position is not None}
    assert {
        7,
        8,
        9,
    } <= lines  # the ORCID check digit, the DOI, the impossible date: every error, each at its line


def test_text_output_cannot_be_split_by_input() -> None:
    from pubconv.errors import Diagnostic
    from pubconv.model import Position

    d = Diagnostic.make("PC700", "doi: bad\n::error::forged", Position(source="a\rb.bib", line=1, column=1))
    out = io.StringIO()
    render([d], "text", out, quiet=True)
    assert out.getvalue().count("\n") == 1 and "\\n::error::forged" in out.getvalue()
    out = io.StringIO()
    render([d], "github", out)
    assert out.getvalue().count("\n") == 1 and "%0A::error::forged" in out.getvalue()


@pytest.mark.parametrize(
    "value",
    ["1-" * 50_000, "1 " * 50_000 + "x", "{" * 50_000, "\\" * 50_001, "$" * 50_001, "Ã" * 50_000,
     "a" * 100_000, "10." + "1" * 100_000, "https://" + "a." * 50_000 + " x", "-" * 100_000 + "1"],
)  # fmt: skip
def test_validators_are_linear_on_hostile_values(value: str) -> None:
    import time

    from pubconv.check.bib import special_chars, unprotected_words

    start = time.perf_counter()
    for check in (V.doi_problems, V.isbn_problems, V.issn_problems, V.orcid_problems, V.arxiv_problems,
                  V.url_problems, V.date_problems, V.mojibake_problems):  # fmt: skip
        check(value)
    V.page_problems(value, double_hyphen=True)
    list(special_chars(value))
    unprotected_words(value)
    assert time.perf_counter() - start < 2.0


def test_duplicate_fold_drops_exactly_the_non_alphanumerics() -> None:
    import sys

    from pubconv.check.engine import _NOT_ALNUM

    kept = [c for c in map(chr, range(sys.maxunicode + 1)) if _NOT_ALNUM.sub("", c) == c]
    assert kept == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isalnum()]
