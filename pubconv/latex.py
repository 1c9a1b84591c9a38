"""LaTeX <-> Unicode for bibliographic field values.

:func:`decode` turns the LaTeX found in BibTeX values into Unicode text and
reports the case-protected spans (top-level ``{...}`` groups that are not
BibTeX "special characters"); :func:`encode` goes the other way, escaping
everything that could change meaning or break out of a braced field.

Both are table driven: the hot paths are one precompiled regex search (a
value without markup is returned after whitespace folding) and, for marked-up
values, a scanner that jumps from one markup token to the next with
``re.match`` at a position and copies plain runs in one slice.

Conventions (chosen so that ``decode(encode(t)) == t`` for every text ``t``
with single spaces):

* ``--``/``---`` decode to en/em dash; a literal ``--`` in text is encoded as
  ``-{}-``; ``''`` and ````` decode to curly quotes, a single ``'`` stays ASCII;
* ``~`` and ``\\ `` decode to a space (non-breaking space is folded);
* unknown commands are kept verbatim (with their braced arguments) and reported
  with code ``PC222``; decoding never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

from ._lazyre import lazy as _lazy

__all__ = ["auto_protect_spans", "decode", "decode_verbatim", "encode", "encode_verbatim"]

Reporter = Callable[[str], None]
"""Called with the offending command text when an unknown command is kept verbatim."""

#: accent control sequences -> combining mark
ACCENTS: Final[dict[str, str]] = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
}  # fmt: skip
_ACCENT_INV: Final = {v: k for k, v in ACCENTS.items() if k != "t"}

#: letter-like control words (no argument)
LETTERS: Final[dict[str, str]] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
    "i": "ı", "j": "ȷ", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
}  # fmt: skip

#: symbol control words and control symbols (no argument)
SYMBOLS: Final[dict[str, str]] = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
    "\\": " ", ",": " ", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": "",
    "textendash": "–", "textemdash": "—", "S": "§", "P": "¶", "dag": "†", "ddag": "‡",
    "textdagger": "†", "textdaggerdbl": "‡", "copyright": "©", "textcopyright": "©",
    "textregistered": "®", "texttrademark": "™", "ldots": "…", "dots": "…", "textellipsis": "…",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«", "guillemetright": "»",
    "textless": "<", "textgreater": ">", "textbar": "|", "textbullet": "•", "textperiodcentered": "·",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textasciigrave": "`",
    "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}", "textdollar": "$",
    "textsterling": "£", "pounds": "£", "texteuro": "€",
    "textdegree": "°", "textsection": "§", "textparagraph": "¶", "textexclamdown": "¡",
    "textquestiondown": "¿", "textonehalf": "½", "textquotesingle": "'", "textquotedbl": '"',
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "AMS": "AMS",
    "slash": "/", "relax": "", "noindent": "", "protect": "", "par": " ", "quad": " ", "qquad": " ",
    "em": "", "bf": "", "it": "", "sl": "", "sc": "", "rm": "", "sf": "", "tt": "", "upshape": "",
    "itshape": "", "bfseries": "", "scshape": "", "normalfont": "", "small": "", "large": "",
    "Large": "", "footnotesize": "", "unskip": "", "nobreak": "", "allowbreak": "", "ignorespaces": "",
}  # fmt: skip

#: logos and text macros common in TeX bibliographies (TUGboat, Beebe's files)
SYMBOLS.update(
    {
        "Dash": "—", "emdash": "—", "endash": "–", "thinspace": " ", "enspace": " ", "MF": "METAFONT",
        "METAFONT": "METAFONT", "MP": "MetaPost", "METAPOST": "MetaPost", "LuaTeX": "LuaTeX",
        "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaLaTeX": "LuaLaTeX", "ConTeXt": "ConTeXt",
        "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "e-TeX", "AmSTeX": "AMS-TeX",
        "AMSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX", "SLiTeX": "SLiTeX", "PiCTeX": "PiCTeX",
        "TikZ": "TikZ", "PS": "PostScript", "POSTSCRIPT": "PostScript", "PostScript": "PostScript",
        "TUB": "TUGboat", "TUG": "TUG", "CTAN": "CTAN", "BibLaTeX": "BibLaTeX", "MakeIndex": "MakeIndex",
    }
)  # fmt: skip

#: one-argument commands whose argument is the content (formatting)
FORMATTING: Final = frozenset(
    [
        "textbf",
        "textit",
        "emph",
        "textsl",
        "textsc",
        "texttt",
        "textrm",
        "textsf",
        "textup",
        "textmd",
        "textnormal",
        "mbox",
        "hbox",
        "url",
        "path",
        "uppercase",
        "lowercase",
        "MakeUppercase",
        "MakeLowercase",
        "textsuperscript",
        "textsubscript",
        "ensuremath",
        "acro",
        "pkg",
        "pgm",
        "file",
        "booktitle",
        "enquote",
        "textsl",
        "mathrm",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "text",
        "underline",
    ]
)
#: one-argument commands whose argument is dropped (sort hints)
DROP_ARG: Final = frozenset({"noopsort", "noop", "SortNoop", "sortnoop", "nocite"})

#: math-mode control words
MATH: Final[dict[str, str]] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "times": "×", "cdot": "·", "pm": "±", "mp": "∓",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←", "in": "∈",
    "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√",
    "ell": "ℓ", "circ": "∘", "div": "÷", "ast": "∗", "star": "⋆", "prime": "′", "log": "log",
    "exp": "exp", "sin": "sin", "cos": "cos", "max": "max", "min": "min", "ldots": "…",
    "cdots": "⋯", "dots": "…", "mathbb": "", "%": "%", "&": "&", "#": "#", "$": "$",
    "{": "{", "}": "}", ",": " ", ";": " ", "!": "", " ": " ",
}  # fmt: skip
_SUPER: Final = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUB: Final = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))

_WS = _lazy(r"\s+")
# anything that needs the slow path
_MARKUP = _lazy(r"[\\{}$~^_]|--|``|''|`")
# accent forms, outer braces consumed: {\'e} {\'{e}} \'{e} \'e \c c {\'\i} \"{\O}
_ACCENT_CHARS = "'`^\"~=.uvHckrdbt"
_ACCENT_RE = _lazy(
    r"\{\\([" + re.escape("'`^\"~=.") + r"]|[uvHckrdbt](?![A-Za-z]))\s*"
    r"(?:\{\s*(\\[ijoOlL]|[A-Za-z])\s*\}|(\\[ijoOlL](?![A-Za-z])|[A-Za-z]))\s*\}"
    r"|\\([" + re.escape("'`^\"~=.") + r"]|[uvHckrdbt](?![A-Za-z]))\s*"
    r"(?:\{\s*(\\[ijoOlL]|[A-Za-z])\s*\}|(\\[ijoOlL](?![A-Za-z])|[A-Za-z]))"
)
_LETTER_RE = _lazy(r"\{\\(" + "|".join(sorted(LETTERS, key=len, reverse=True)) + r")\}")
# scanner tokens (slow path)
_TOKEN = _lazy(
    r"(?P<cw>\\[A-Za-z]+)(?P<sp>[ \t\n]*)|(?P<cs>\\.?)|(?P<ob>\{)|(?P<cb>\})|(?P<math>\$)"
    r"|(?P<dash>---?)|(?P<q>``|''|`)|(?P<tilde>~)",
    re.S,
)
_PLAIN = _lazy(r"[^\\{}$~`'\-]+|'(?!')|-(?!-)")
_MATH_CMD = _lazy(r"\\([A-Za-z]+|.)\s*")
_SCRIPT = _lazy(r"([\^_])\s*(?:\{([^{}]*)\}|(.))")


def _compose(cmd: str, arg: str) -> str | None:
    mark = ACCENTS.get(cmd)
    if mark is None:
        return None
    if arg.startswith("\\"):
        base = {"\\i": "i", "\\j": "j"}.get(arg) or LETTERS.get(arg[1:], "")
        if not base:
            return None
    else:
        base = arg
    if cmd == "t":
        return base + mark
    return unicodedata.normalize("NFC", base + mark)


def _accent_sub(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        cmd, arg = m.group(1), m.group(2) or m.group(3)
    else:
        cmd, arg = m.group(4), m.group(5) or m.group(6)
    out = _compose(cmd, arg)
    return m.group(0) if out is None else out


def _letter_sub(m: re.Match[str]) -> str:
    return LETTERS[m.group(1)]


def _decode_math(body: str) -> str | None:
    """Decode the inside of ``$...$``; None when something cannot be represented."""
    failed = False

    def script(m: re.Match[str]) -> str:
        nonlocal failed
        table = _SUPER if m.group(1) == "^" else _SUB
        arg = m.group(2) if m.group(2) is not None else m.group(3)
        out = []
        for ch in arg.strip():
            if ch not in table:
                failed = True
                return m.group(0)
            out.append(table[ch])
        return "".join(out)

    def cmd(m: re.Match[str]) -> str:
        nonlocal failed
        name = m.group(1)
        if name in MATH:
            return MATH[name]
        failed = True
        return m.group(0)

    text = _MATH_CMD.sub(cmd, body)
    if failed:
        return None
    text = _SCRIPT.sub(script, text)
    if failed or "^" in text or "_" in text or "\\" in text:
        return None
    return text.replace("{", "").replace("}", "")


_CACHE: dict[str, tuple[str, tuple[tuple[int, int], ...], tuple[str, ...]]] = {}
#: The memo pays off within a window (journal names, notes and macro expansions such as
#: tugboat.bib's long ``ack-nhfb`` recur close together); it is emptied when it holds this
#: many entries or :data:`_CACHE_CHARS_MAX` characters of keys, so a stream of unique
#: values (titles, abstracts) keeps memory flat.
_CACHE_MAX = 4096
_CACHE_CHARS_MAX = 1 << 21
_cache_chars = 0


def decode(text: str, *, report: Reporter | None = None, spans: list[tuple[int, int]] | None = None) -> str:
    """LaTeX to Unicode; whitespace runs folded to one space, ends stripped.

    When ``spans`` is given, the ``(start, end)`` offsets (in the returned text)
    of top-level case-protecting brace groups are appended to it. ``report``
    is called for each unknown command kept verbatim. Results of marked-up
    values are memoised (bibliographies repeat journal names, notes, macros).
    """
    hit = _CACHE.get(text)
    if hit is None:
        key = text
        text = _WS.sub(" ", text).strip() if ("  " in text or "\n" in text or "\t" in text) else text.strip()
        if _MARKUP.search(text) is None:
            hit = (text, (), ())
        else:
            found: list[tuple[int, int]] = []
            unknown: list[str] = []
            value = _decode(text, unknown.append, found)
            hit = (value, tuple(found), tuple(unknown))
        global _cache_chars
        if len(_CACHE) >= _CACHE_MAX or _cache_chars > _CACHE_CHARS_MAX:
            _CACHE.clear()
            _cache_chars = 0
        _CACHE[key] = hit
        _cache_chars += len(key)
    if not hit[1] and not hit[2]:
        return hit[0]
    if spans is not None:
        spans.extend(hit[1])
    if report is not None:
        for cmd in hit[2]:
            report(cmd)
    return hit[0]


def _decode(text: str, report: Reporter | None, spans: list[tuple[int, int]] | None) -> str:
    """The slow path of :func:`decode` (``text`` already folded and stripped)."""
    if "\\" in text:
        text = _ACCENT_RE.sub(_accent_sub, text)
        if "{\\" in text:
            text = _LETTER_RE.sub(_letter_sub, text)
    out: list[str] = []
    size = 0  # len("".join(out)), kept incrementally for span offsets
    # stack of open groups: (kind, start offset in output); kinds: p protect, t transparent,
    # k keep braces verbatim, d drop content
    stack: list[tuple[str, int]] = []
    drop = 0  # > 0 while inside a dropped argument
    pending = ""  # kind the next "{" opens: "" (decide), "t", "k", "d"
    pos = 0
    n = len(text)
    while pos < n:
        m = _PLAIN.match(text, pos)
        if m is not None:
            piece = m.group(0)
            pos = m.end()
            pending = ""
            if not drop:
                out.append(piece)
                size += len(piece)
            continue
        m = _TOKEN.match(text, pos)
        assert m is not None  # every character not matched by _PLAIN starts a token
        pos = m.end()
        kind = m.lastgroup
        emit = ""
        if kind == "cw" or kind == "sp":
            name = m.group("cw")[1:]
            if name in SYMBOLS or name in LETTERS:
                emit = SYMBOLS.get(name) if name in SYMBOLS else LETTERS[name]  # type: ignore[assignment]
                pending = "t"  # a following {} is an empty group
            elif name in FORMATTING:
                pending = "t"
            elif name in DROP_ARG:
                pending = "d"
            elif name in MATH and name not in ("in", "to", "int", "max", "min", "log", "exp"):
                emit = MATH[name]
                pending = "t"
            else:
                emit = m.group(0)
                pending = "k"
                if report is not None and not drop:
                    report(m.group("cw"))
        elif kind == "cs":
            sym = m.group("cs")[1:]
            if sym in SYMBOLS:
                emit = SYMBOLS[sym]
                pending = ""
            else:
                emit = m.group(0)
                pending = "k"
                if report is not None and not drop:
                    report(m.group(0))
        elif kind == "ob":
            if pending:
                gk = pending
            elif stack:
                gk = "t"
            else:
                nxt = text[pos : pos + 1]
                gk = "t" if nxt == "\\" else "p"
            pending = ""
            if gk == "d":
                drop += 1
            elif gk == "k" and not drop:
                out.append("{")
                size += 1
            stack.append((gk, size))
            continue
        elif kind == "cb":
            pending = ""
            if not stack:
                continue  # stray closing brace: ignored
            gk, start = stack.pop()
            if gk == "d":
                drop -= 1
            elif gk == "k" and not drop:
                out.append("}")
                size += 1
            elif gk == "p" and spans is not None and size > start and not drop:
                spans.append((start, size))
            if gk != "d":
                pending = "k" if gk == "k" else ""
            continue
        elif kind == "math":
            end = text.find("$", pos)
            if end < 0:
                emit = "$"
            else:
                body = text[pos:end]
                dec = _decode_math(body)
                if dec is None:
                    emit = text[pos - 1 : end + 1]
                    if report is not None and not drop:
                        report(emit)
                else:
                    emit = dec
                pos = end + 1
            pending = ""
        elif kind == "dash":
            emit = "—" if len(m.group(0)) == 3 else "–"
            pending = ""
        elif kind == "q":
            emit = {"``": "“", "''": "”", "`": "‘"}[m.group(0)]
            pending = ""
        else:  # tilde
            emit = " "
            pending = ""
        if emit and not drop:
            out.append(emit)
            size += len(emit)
    result = "".join(out)
    if "  " in result or result[:1] == " " or result[-1:] == " ":
        result, moved = _refold(result, spans)
        if spans is not None and moved:
            spans[:] = moved
    return result


def _refold(text: str, spans: list[tuple[int, int]] | None) -> tuple[str, list[tuple[int, int]]]:
    """Fold whitespace again after decoding, remapping span offsets."""
    # map old offsets to new ones
    new: list[str] = []
    mapping = [0] * (len(text) + 1)
    prev_space = True
    for i, ch in enumerate(text):
        mapping[i] = len(new)
        if ch == " ":
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        new.append(ch)
    mapping[len(text)] = len(new)
    while new and new[-1] == " ":
        new.pop()
    out = "".join(new)
    moved: list[tuple[int, int]] = []
    for a, b in spans or ():
        na, nb = min(mapping[a], len(out)), min(mapping[b], len(out))
        if nb > na:
            moved.append((na, nb))
    return out, moved


_VERB_RE = _lazy(
    r"\\([_%&#${}])|\{?\\text(backslash|asciitilde|asciicircum|braceleft|braceright)\b(?:\{\})?\}?"
)
_VERB_SYM = {"backslash": "\\", "asciitilde": "~", "asciicircum": "^", "braceleft": "{", "braceright": "}"}


def decode_verbatim(text: str) -> str:
    """Decode a verbatim field (``url``, ``doi``, ``eprint``): only escaped specials are undone."""
    text = _WS.sub(" ", text).strip() if ("  " in text or "\n" in text or "\t" in text) else text.strip()
    if "\\" not in text:
        return text
    return _VERB_RE.sub(lambda m: m.group(1) or _VERB_SYM[m.group(2)], text)


# ---------------------------------------------------------------------------------------------
# encoding

_ENC_SPECIAL: Final[dict[str, str]] = {
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "&": "\\&",
    "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
    "`": "\\textasciigrave{}", "-": "-{}", "'": "'{}", "\n": " ", "\r": " ", "\t": " ",
}  # fmt: skip
_ENC_UNICODE: dict[str, str] = {
    "–": "--",
    "—": "---",
    "“": "``",
    "”": "''",
    "‘": "\\textquoteleft{}",
    "\u00a0": "~",
}
for _name, _ch in SYMBOLS.items():
    if len(_name) > 1 and len(_ch) == 1 and not _ch.isascii() and _ch not in _ENC_UNICODE:
        _ENC_UNICODE[_ch] = "\\" + _name + "{}"
for _name, _ch in LETTERS.items():
    if len(_ch) == 1:
        _ENC_UNICODE.setdefault(_ch, "{\\" + _name + "}")
for _name, _ch in MATH.items():
    if len(_name) > 1 and len(_ch) == 1 and not _ch.isascii():
        _ENC_UNICODE.setdefault(_ch, "$\\" + _name + "$")
for _k, _v in _SUPER.items():
    _ENC_UNICODE.setdefault(_v, "$^{" + _k + "}$")
for _k, _v in _SUB.items():
    _ENC_UNICODE.setdefault(_v, "$_{" + _k + "}$")
_ENC_UNICODE["ı"] = "{\\i}"


def _encode_char(ch: str) -> str:
    if ch in _ENC_SPECIAL:
        return _ENC_SPECIAL[ch]
    hit = _ENC_UNICODE.get(ch)
    if hit is not None:
        return hit
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if base.isascii() and base.isalpha() and len(marks) == 1:
        out = base
        for mark in marks:
            cmd = _ACCENT_INV.get(mark)
            if cmd is None:
                return ch  # no LaTeX accent: keep the character (UTF-8)
            out = f"\\{cmd}{out}" if cmd in _ACCENT_CHARS[:7] else f"\\{cmd}{{{out}}}"
        res = "{" + out + "}"
        _ENC_UNICODE[ch] = res
        return res
    return ch


def _enc_sub(m: re.Match[str]) -> str:
    ch = m.group(0)
    out = _encode_char(ch)
    if ch in "–—" and m.string[m.end() : m.end() + 1] in ("-", "–", "—"):
        out += "{}"  # keep "–-" from reading as an em dash
    return out


#: ASCII specials other than ``\\ { }``, whose replacements hold no ``-``, ``'`` or ASCII special
#: that a later step would rewrite; applied with ``str.replace`` after the braces pass.
_ENC_ASCII_STEPS: Final = tuple((ch, _ENC_SPECIAL[ch]) for ch in "&%$#_~^`\n\r\t")
_ENC_ASCII_SPECIAL = _lazy(r"[\\{}&%$#_~^`\n\r\t]")
#: From this length on, :func:`encode` tests each special with a substring search instead.
_ENC_SCAN_MIN: Final = 128
_ENC_BRACES_RE = _lazy(r"[\\{}]")
#: The second pass, on text whose ASCII characters are already encoded: non-ASCII
#: characters, and ``-``/``'`` before a non-ASCII dash or quote.
_ENC_ASCII_REST_RE = _lazy(r"-(?=[–—])|'(?=”)|[^\x00-\x7f]")
_ENC_UNI_REST_RE = _lazy(r"-(?=[–—])|'(?=”)|[–—“”‘\u00a0]")


def _enc_braces(m: re.Match[str]) -> str:
    return _ENC_SPECIAL[m.group(0)]


def encodes_as_itself(text: str) -> bool:
    """True when :func:`encode` returns ``text`` unchanged, and so every substring of it.

    Plain ASCII with no special character and no ``--`` or ``''`` (the conditions under which
    :func:`encode` returns early); each of them holds for the substrings too.
    """
    return (
        text.isascii() and _ENC_ASCII_SPECIAL.search(text) is None and "--" not in text and "''" not in text
    )


def encode(text: str, *, unicode: bool = False) -> str:
    """Unicode text to LaTeX that decodes back to ``text`` (whitespace folded).

    Specials ``\\ { } & % $ # _ ~ ^`` are escaped; ``--`` and ``''`` are split so
    they do not become ligatures. Non-ASCII letters become accent macros unless
    ``unicode`` is true; characters with no LaTeX form are kept as UTF-8.
    """
    # Two passes give the same text as one left-to-right substitution: first the ASCII
    # specials (C-speed str.replace for each one present; backslash and braces together,
    # since the other replacements introduce them), then the non-ASCII characters. No
    # replacement contains ``-``, ``'`` or a non-ASCII character, so neither pass sees
    # the other's output as context.
    steps: Iterable[tuple[str, str]] = _ENC_ASCII_STEPS
    if text.isascii():
        if len(text) < _ENC_SCAN_MIN:
            if _ENC_ASCII_SPECIAL.search(text) is None and "--" not in text and "''" not in text:
                return text
        else:
            # long text (abstracts): one C-speed substring search per special beats the regex
            # scan; the braces pass adds no special of the steps, so they are known up front
            steps = [step for step in _ENC_ASCII_STEPS if step[0] in text]
            braces = "\\" in text or "{" in text or "}" in text
            if not steps and not braces and "--" not in text and "''" not in text:
                return text
    braces = "\\" in text or "{" in text or "}" in text
    if braces:
        text = _ENC_BRACES_RE.sub(_enc_braces, text)
    for ch, repl in steps:
        if ch in text:
            text = text.replace(ch, repl)
    while "--" in text:  # "---" needs two rounds: -{}-{}-
        text = text.replace("--", "-{}-")
    while "''" in text:
        text = text.replace("''", "'{}'")
    if text.isascii():
        return text
    return (_ENC_UNI_REST_RE if unicode else _ENC_ASCII_REST_RE).sub(_enc_sub, text)


def encode_verbatim(text: str) -> str:
    """Encode a verbatim field (URL, DOI): unchanged unless it could break out of its braces."""
    if "\\" in text or "{" in text or "}" in text or "\n" in text:
        return re.sub(r"[\\{}\n]", lambda m: _ENC_SPECIAL[m.group(0)], text)
    return text


# ---------------------------------------------------------------------------------------------
# automatic case protection

_WORD = _lazy(r"[^\W_]+")
#: In ASCII text, every protected word holds one of these (its words are [A-Za-z0-9] runs).
_ASCII_PROTECT_CUE = _lazy(r"[A-Za-z0-9][A-Z]|[0-9]")
#: The protected words of ASCII text: a whole [A-Za-z0-9] run with an upper-case letter after
#: its first character, or else one starting with a capital and holding a digit (both make it two
#: or more long). Possessive quantifiers: a failing run start is rejected without backtracking.
_ASCII_PROTECTED = _lazy(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9][a-z0-9]*+[A-Z]|[A-Z][a-z]*+[0-9])[A-Za-z0-9]*+")


#: Spans found in a token, relative to it (titles repeat their acronyms); bounded.
_TOKEN_SPANS: Final[dict[str, tuple[tuple[int, int], ...]]] = {}
_TOKEN_SPANS_MAX: Final = 2048


def _token_spans(tok: str) -> tuple[tuple[int, int], ...]:
    """The protected words of one space-free token, as offsets into it."""
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(tok):
        w = m.group(0)
        if len(w) < 2:
            continue
        rest = w[1:]
        if (not rest.islower() and any(c.isupper() for c in rest)) or (
            any(c.isdigit() for c in w) and any(c.isupper() for c in w)
        ):
            spans.append((m.start(), m.end()))
    return tuple(spans)


def auto_protect_spans(title: str) -> tuple[tuple[int, int], ...]:
    """Spans to brace-protect in a title from a source that cannot mark case.

    Rule: an alphanumeric run (hyphens and punctuation split words) is protected
    when a letter after its first character is upper case (``RoboCLIP``,
    ``MAML``, ``iPhone``, ``LCLMs``) or when it mixes digits with an upper-case
    letter (``GPT4``, ``2B``). Capitalised words (``Gemma``) and single letters
    are left to the style.
    """
    if title.isascii():
        if _ASCII_PROTECT_CUE.search(title) is None:
            return ()  # no digit and no capital after a letter or digit: nothing to protect
        # ASCII: the words are the [A-Za-z0-9] runs, which never cross a space, so one scan of
        # the whole title finds the same spans as the token loop below
        return tuple([m.span() for m in _ASCII_PROTECTED.finditer(title)])
    spans: list[tuple[int, int]] = []
    start = 0
    memo = _TOKEN_SPANS
    for tok in title.split(" "):
        # Fast path per space-separated token, where words cannot cross: a token without
        # upper-case letters, or one capitalised all-letter word, holds nothing to protect.
        if len(tok) >= 2 and not tok.islower() and not (tok.isalpha() and tok[1:].islower()):
            rel = memo.get(tok)
            if rel is None:
                rel = _token_spans(tok)
                if len(memo) >= _TOKEN_SPANS_MAX:
                    memo.clear()
                memo[tok] = rel
            for a, b in rel:
                spans.append((start + a, start + b))
        start += len(tok) + 1
    return tuple(spans)
