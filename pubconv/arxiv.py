"""The arXiv subject-class taxonomy as a data table.

:data:`ARCHIVES` maps every arXiv archive (``cs``, ``hep-th``, ``q-bio``) to
its subject classes (``cs.LG``), or to an empty tuple for archives without
subject classes. Legacy archives (merged into others around 2007, still seen
in old identifiers) are listed in :data:`LEGACY_ARCHIVES`; aliases such as
``math.IT`` (= ``cs.IT``) are kept as classes of their own archive because
they can appear as a primary class.

:func:`class_for_code` resolves a listing's two-letter code (``LG``) to the
one class that uses it, or None when no class or several classes use it
(``CO``: ``math.CO``, ``stat.CO``, ``astro-ph.CO``).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ARCHIVES",
    "CLASSES",
    "LEGACY_ARCHIVES",
    "TWO_LETTER",
    "class_for_code",
    "code_for_class",
    "is_known_class",
    "is_known_code",
]


def _classes(archive: str, subjects: str) -> tuple[str, ...]:
    return tuple(f"{archive}.{s}" for s in subjects.split())


#: archive -> its subject classes (empty for archives without subject classes).
ARCHIVES: Final[dict[str, tuple[str, ...]]] = {
    "astro-ph": _classes("astro-ph", "CO EP GA HE IM SR"),
    "cond-mat": _classes(
        "cond-mat", "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con"
    ),
    "cs": _classes(
        "cs",
        "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE"
        " NI OH OS PF PL RO SC SD SE SI SY",
    ),
    "econ": _classes("econ", "EM GN TH"),
    "eess": _classes("eess", "AS IV SP SY"),
    "gr-qc": (),
    "hep-ex": (),
    "hep-lat": (),
    "hep-ph": (),
    "hep-th": (),
    "math": _classes(
        "math",
        "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST",
    ),
    "math-ph": (),
    "nlin": _classes("nlin", "AO CD CG PS SI"),
    "nucl-ex": (),
    "nucl-th": (),
    "physics": _classes(
        "physics",
        "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph"
        " flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph",
    ),
    "q-bio": _classes("q-bio", "BM CB GN MN NC OT PE QM SC TO"),
    "q-fin": _classes("q-fin", "CP EC GN MF PM PR RM ST TR"),
    "quant-ph": (),
    "stat": _classes("stat", "AP CO ME ML OT TH"),
}

#: Archives retired into the ones above; valid in old identifiers (``solv-int/9901001``).
LEGACY_ARCHIVES: Final = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "atom-ph", "bayes-an", "chao-dyn",
        "chem-ph", "cmp-lg", "comp-gas", "dg-ga", "funct-an", "mtrl-th", "patt-sol",
        "plasm-ph", "q-alg", "solv-int", "supr-con",
    }
)  # fmt: skip

#: Every class a paper can be filed under: subject classes and class-less archives.
CLASSES: Final = frozenset(
    [c for subs in ARCHIVES.values() for c in subs]
    + [a for a, subs in ARCHIVES.items() if not subs]
    + list(LEGACY_ARCHIVES)
)


def _two_letter() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for subs in ARCHIVES.values():
        for cls in subs:
            sub = cls.rpartition(".")[2]
            if len(sub) == 2 and sub.isupper():
                table.setdefault(sub, []).append(cls)
    return {k: tuple(v) for k, v in table.items()}


#: Two-letter subject code -> the classes that use it (one or several).
TWO_LETTER: Final[dict[str, tuple[str, ...]]] = _two_letter()


def class_for_code(code: str) -> str | None:
    """The arXiv class a listing code names, or None when unknown or ambiguous.

    A full class (``cs.LG``, ``hep-th``) is its own class; a two-letter code
    maps only when exactly one archive uses it (``LG`` -> ``cs.LG``; ``CO`` -> None).
    """
    if code in CLASSES:
        return code
    classes = TWO_LETTER.get(code)
    if classes is not None and len(classes) == 1:
        return classes[0]
    return None


def code_for_class(arxiv_class: str) -> str:
    """The shortest listing code that reads back as ``arxiv_class``.

    ``cs.LG`` -> ``LG`` (only cs uses LG); ``math.CO`` -> ``math.CO`` (CO is ambiguous).
    """
    sub = arxiv_class.rpartition(".")[2]
    if TWO_LETTER.get(sub) == (arxiv_class,):
        return sub
    return arxiv_class


def is_known_code(code: str) -> bool:
    """True when some archive uses the two-letter code or the code is a known class."""
    return code in CLASSES or code in TWO_LETTER


def is_known_class(arxiv_class: str) -> bool:
    """True for a current or legacy arXiv class."""
    return arxiv_class in CLASSES
