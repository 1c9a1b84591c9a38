"""LaTeX <-> Unicode codec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubconv import latex


@pytest.mark.parametrize(
    ("src", "out"),
    [
        (r"\'e {\'e} \'{e} {\"o} \"{o}", "é é é ö ö"),
        (r"\c{c} \v{s} \u{a} \H{o} \k{a} \r{a} \=a \.z \~n \^o \`a", "ç š ă ő ą å ā ż ñ ô à"),
        (r"{\ss} {\o} {\aa} {\l} {\i} {\ae} {\oe} \AA{} \O{} \L{}", "ß ø å ł ı æ œ Å Ø Ł"),
        (r"Na{\"\i}ve \'\i", "Naïve í"),
        (r"\& \% \$ \# \_ \{ \}", "& % $ # _ { }"),
        (r"1--2 a---b", "1–2 a—b"),
        (r"``double'' `single'", "“double” ‘single'"),
        (r"don't", "don't"),
        (r"a~b", "a b"),
        (r"\textbf{bold} \emph{em} \textit{it} {\em x}", "bold em it x"),
        (r"\textendash{} \textemdash{} \S{} \dag{} \copyright{} \ldots", "– — § † © …"),
        (r"\TeX is", "TeXis"),  # a control word eats the following space, as in TeX
        (r"$\alpha$-helix $\beta^{2}$ $x_2$", "α-helix β² x₂"),
        (r"The {\TeX}book", "The TeXbook"),
        (r"{\noopsort{1973b}}1973", "1973"),
        ("  folded \n\t whitespace  ", "folded whitespace"),
    ],
)
def test_decode(src: str, out: str) -> None:
    assert latex.decode(src) == out


def test_unknown_command_kept_verbatim_and_reported() -> None:
    seen: list[str] = []
    assert (
        latex.decode(r"see \cite{knuth} and $\weird$", report=seen.append) == r"see \cite{knuth} and $\weird$"
    )
    assert seen == [r"\cite", r"$\weird$"]


def test_decode_never_crashes_on_garbage() -> None:
    for text in ["\\", "{", "}", "$", "\\'", "{\\'}", "\\c", "}}}{{{", "$$$", "\\\\\\", "^_^"]:
        assert isinstance(latex.decode(text), str)


def test_case_protection_spans() -> None:
    spans: list[tuple[int, int]] = []
    text = latex.decode(r"{RoboCLIP}: on {MAML} with {\'E}cole and {\em x}", spans=spans)
    assert text == "RoboCLIP: on MAML with École and x"
    assert [text[a:b] for a, b in spans] == ["RoboCLIP", "MAML"]  # {\'E} and {\em} are not protection


def test_deep_nesting_is_linear_and_safe() -> None:
    deep = "{" * 50_000 + "x" + "}" * 50_000
    assert latex.decode(deep) == "x"


@pytest.mark.parametrize(
    ("text", "ascii_out"),
    [
        ("Über Straße", r"{\"U}ber Stra{\ss}e"),
        ("50% & $5 #1 a_b", r"50\% \& \$5 \#1 a\_b"),
        ("{braces} back\\slash", r"\textbraceleft{}braces\textbraceright{} back\textbackslash{}slash"),
        ("~ ^", r"\textasciitilde{} \textasciicircum{}"),
        ("a--b – —", "a-{}-b -- ---"),
        ("“q” ‘s’", r"``q'' \textquoteleft{}s\textquoteright{}"),
        ("α²", r"$\alpha$$^{2}$"),
    ],
)
def test_encode(text: str, ascii_out: str) -> None:
    assert latex.encode(text) == ascii_out
    assert latex.decode(latex.encode(text)) == text


def test_encode_unicode_keeps_utf8_and_escapes_specials() -> None:
    assert latex.encode("Über & 中文 {x}", unicode=True) == r"Über \& 中文 \textbraceleft{}x\textbraceright{}"


def test_injection_is_inert() -> None:
    evil = "\\input{/etc/passwd} } @article{x, title={pwn}"
    enc = latex.encode(evil)
    assert "\\input" not in enc.replace("\\textbackslash{}input", "")
    # braces are balanced as BibTeX counts them (it ignores backslashes): the value cannot
    # break out of its field
    depth = 0
    for ch in enc:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert latex.decode(enc) == evil


_ALPHABET = "abcXYZ019 .,:;!?()[]/@&%$#_{}~^\\'\"-–—“”‘’éüßøÅłæœçñαβ中·"


@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_encode_decode_roundtrip(text: str) -> None:
    norm = " ".join(text.split())
    assert latex.decode(latex.encode(norm)) == norm
    assert latex.decode(latex.encode(norm, unicode=True)) == norm


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("RoboCLIP: One Demonstration", ["RoboCLIP"]),
        ("When MAML Can Adapt Fast", ["MAML"]),
        ("Accelerating SGD for Deep-Learning", ["SGD"]),
        ("Gemma 2: Improving Open Models", []),
        ("The 2B and 9B models on iPhone", ["2B", "9B", "iPhone"]),
        ("learn2learn: A Library", []),
    ],
)
def test_auto_protect_rule(title: str, protected: list[str]) -> None:
    assert [title[a:b] for a, b in latex.auto_protect_spans(title)] == protected
