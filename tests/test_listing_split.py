"""The byline splitter: title / authors / et al. / organisation."""
# ruff: noqa: E501  (the seed bylines are data)

from __future__ import annotations

import time

import pytest

from pubconv._listing_split import SEPARATOR, is_org, looks_like_name, split_byline

# (byline, title, authors) -- the seed's 15 bylines, checked by hand.
SEED = [
    (
        "Gemma 2: Improving Open Language Models at a Practical SizeGemma Team, Morgane Riviere, Shreya Pathak et al. · deepmind",
        "Gemma 2: Improving Open Language Models at a Practical Size",
        ["Gemma Team", "Morgane Riviere", "Shreya Pathak"],
    ),
    (
        "RoboCLIP: One Demonstration is Enough to Learn Robot PoliciesSumedh A Sontakke, Jesse Zhang, Sébastien M. R. Arnold et al.",
        "RoboCLIP: One Demonstration is Enough to Learn Robot Policies",
        ["Sumedh A Sontakke", "Jesse Zhang", "Sébastien M. R. Arnold"],
    ),
    (
        "A Domain-Agnostic Approach for Characterization of Lifelong Learning SystemsMegan M. Baker, Alexander New, Mario Aguilar-Simon et al.",
        "A Domain-Agnostic Approach for Characterization of Lifelong Learning Systems",
        ["Megan M. Baker", "Alexander New", "Mario Aguilar-Simon"],
    ),
    (
        "Policy-Induced Self-Supervision Improves Representation Finetuning in Visual RLSébastien M. R. Arnold, Fei Sha",
        "Policy-Induced Self-Supervision Improves Representation Finetuning in Visual RL",
        ["Sébastien M. R. Arnold", "Fei Sha"],
    ),
    (
        "learn2learn: A Library for Meta-Learning ResearchSébastien M. R. Arnold, Praateek Mahajan, Debajyoti Datta et al.",
        "learn2learn: A Library for Meta-Learning Research",
        ["Sébastien M. R. Arnold", "Praateek Mahajan", "Debajyoti Datta"],
    ),
    (
        "Shapechanger: Environments for Transfer LearningSébastien M. R. Arnold, Tsam Kiu Pun, Théo-Tim J. Denisart et al.",
        "Shapechanger: Environments for Transfer Learning",
        ["Sébastien M. R. Arnold", "Tsam Kiu Pun", "Théo-Tim J. Denisart"],
    ),
    (
        "Graders should cheat: privileged information enables expert-level automated evaluationsJin Peng Zhou, Sébastien M. R. Arnold, Nan Ding et al.",
        "Graders should cheat: privileged information enables expert-level automated evaluations",
        ["Jin Peng Zhou", "Sébastien M. R. Arnold", "Nan Ding"],
    ),
    (
        "Can Long-Context Language Models Subsume Retrieval, RAG, SQL, and More?Jinhyuk Lee, Anthony Chen, Zhuyun Dai et al.",
        "Can Long-Context Language Models Subsume Retrieval, RAG, SQL, and More?",
        ["Jinhyuk Lee", "Anthony Chen", "Zhuyun Dai"],
    ),
    (
        "Gemini: A Family of Highly Capable Multimodal ModelsGemini Team, Rohan Anil, Sebastian Borgeaud et al.",
        "Gemini: A Family of Highly Capable Multimodal Models",
        ["Gemini Team", "Rohan Anil", "Sebastian Borgeaud"],
    ),
    (
        "Uniform Sampling over Episode DifficultySébastien M. R. Arnold, Guneet S. Dhillon, Avinash Ravichandran et al.",
        "Uniform Sampling over Episode Difficulty",
        ["Sébastien M. R. Arnold", "Guneet S. Dhillon", "Avinash Ravichandran"],
    ),
    (
        "Embedding Adaptation is Still Needed for Few-Shot LearningSébastien M. R. Arnold, Fei Sha",
        "Embedding Adaptation is Still Needed for Few-Shot Learning",
        ["Sébastien M. R. Arnold", "Fei Sha"],
    ),
    (
        "When MAML Can Adapt Fast and How to Assist When It CannotSébastien M. R. Arnold, Shariq Iqbal, Fei Sha",
        "When MAML Can Adapt Fast and How to Assist When It Cannot",
        ["Sébastien M. R. Arnold", "Shariq Iqbal", "Fei Sha"],
    ),
    (
        "Analyzing the Variance of Policy Gradient Estimators for the Linear-Quadratic RegulatorJames A. Preiss, Sébastien M. R. Arnold, Chen-Yu Wei et al.",
        "Analyzing the Variance of Policy Gradient Estimators for the Linear-Quadratic Regulator",
        ["James A. Preiss", "Sébastien M. R. Arnold", "Chen-Yu Wei"],
    ),
    (
        "Reducing the variance in online optimization by transporting past gradientsSébastien M. R. Arnold, Pierre-Antoine Manzagol, Reza Babanezhad et al.",
        "Reducing the variance in online optimization by transporting past gradients",
        ["Sébastien M. R. Arnold", "Pierre-Antoine Manzagol", "Reza Babanezhad"],
    ),
    (
        "Accelerating SGD for Distributed Deep-Learning Using Approximated Hessian MatrixSébastien M. R. Arnold, Chunming Wang",
        "Accelerating SGD for Distributed Deep-Learning Using Approximated Hessian Matrix",
        ["Sébastien M. R. Arnold", "Chunming Wang"],
    ),
]

# Hand-written hard cases: (title, authors) glued together by the test.
HARD = [
    ("Evolution of solitary waves with bottom friction", ["G.A. El", "R.H.J. Grimshaw", "A.M. Kamchatnov"]),
    ("Tokenizers for NLP", ["Túlio Sousa de Gois", "Ana Lee"]),
    ("Pipelines for AutoML", ["Ernesto L. Estevanell-Valladares"]),
    ("Hypergeometric Functions II", ["John Smith Jr.", "Mary Major"]),
    ("On the Picard scheme", ["T.Geisser"]),
    ("Estimates for Markov chains", ["Yuri N.Kartashov", "Alexey M.Kulik"]),
    ("A Survey of LLMs", ["Max-K von Renesse", "Karl-Theodor Sturm"]),
    ("Accelerators on the Xilinx KV260 SoM", ['Zhaoqin "Richie" Li', "Sicheng Chen"]),
    ("Observations of Sagittarius A*", ["Ali SaraerToosi", "Avery Broderick"]),
    ("What is the rank of (3,N)?", ["Mikkel Øbro"]),
    ("Agents for Physical AI", ["Aditi", "Niket Agarwal"]),
    ("An Open Model for Code", ["Codefuse", "Ling Team", "Wenting Cai"]),
    ("Exploring and Simulating 3D Worlds", ["Team HY-World", "Chenjie Cao"]),
    ("Occlusion Detection on DSA", ["Meituan LongCat Team", "Bin Xiao"]),
    ("Pruning of MoE", ["Geng Zhang", "Yuxuan Han"]),
    ("Evaluation Reasoning IndeX", ["Liuyue Xie", "George Z. Wei"]),
    ("Vision AutoRegressive Model", ["Kaif Shaikh", "Antoni Kowalczuk"]),
    ("Open Agentic Reasoning", ["NVIDIA", "Aaron Blakeman"]),
    ("Robust Retrieval with MLLMs", ["Haoxuan Li", "Yi Bin"]),
    ("Retrieval, RAG, SQL, and More?", ["Jinhyuk Lee"]),
    ("Isomorphisms of C*-algebras", ["Efton Park", "Jody Trout"]),
    ("Realisation of sl(6,C)", ["Giovanni Gaiffi", "Michele Grassi"]),
    ("Aminoacylation of tRNAs", ["J.-L. Jestin", "C. Soule"]),
    ("Regression in Non-Contrast CT", ["Frank G. te Nijenhuis", "Matthijs van der Sluijs"]),
    ("Quantum Measurement", ["Vasily Ogryzko"]),
    ("Elections in the U.S.", ["John Smith"]),
    ("A Field Study", ["Ann McDonald", "Yann LeCun"]),
    ("Convolutional Learning", ["Yann LeCun"]),
    ("Differential Privacy", ["EunYoung Byun", "NhatHai Phan"]),
    ("Hilbert Spaces, Part II", ["Ivan Petrov"]),
    ("Dark Matter Searches", ["The ATLAS Collaboration"]),
    ("Graph Algorithms", ["Ann O'Brien", "Ngozi N'Guessan", "Łukasz Kaiser"]),
    ("Reasoning in Hindi", ["Hung-yi Lee", "Hans Peter Lynsgøe Raaschou-jensen"]),
]


@pytest.mark.parametrize(("byline", "title", "authors"), SEED, ids=[t[:30] for _, t, _ in SEED])
def test_seed_bylines(byline: str, title: str, authors: list[str]) -> None:
    got = split_byline(byline)
    assert got.title == title
    assert list(got.authors) == authors
    assert got.split_ok


def test_seed_flags() -> None:
    first = split_byline(SEED[0][0])
    assert first.truncated and first.organization == "deepmind"
    fourth = split_byline(SEED[3][0])
    assert not fourth.truncated and fourth.organization is None


@pytest.mark.parametrize(("title", "authors"), HARD, ids=[t for t, _ in HARD])
@pytest.mark.parametrize("tail", ["", " et al.", " et al. · mit"])
def test_hard_cases(title: str, authors: list[str], tail: str) -> None:
    got = split_byline(title + ", ".join(authors) + tail)
    assert (got.title, list(got.authors)) == (title, authors)
    assert got.truncated == ("et al." in tail)
    assert got.organization == ("mit" if "mit" in tail else None)


def test_no_author_is_reported_not_lost() -> None:
    got = split_byline("Gemma 3 Technical Report")
    assert got == ("Gemma 3 Technical Report", (), False, None, False)


def test_separator_is_explicit() -> None:
    got = split_byline(f"Introducing DeepMind Lab{SEPARATOR}John Smith, Ann Lee")
    assert got.title == "Introducing DeepMind Lab"
    assert got.authors == ("John Smith", "Ann Lee")
    only_title = split_byline(f"Introducing DeepMind Lab{SEPARATOR}")
    assert only_title.authors == () and only_title.split_ok


def test_empty_org_tag_escapes_middle_dot() -> None:
    got = split_byline(f"A · B{SEPARATOR} ·")
    assert got.title == "A · B" and got.organization is None


def test_empty_byline() -> None:
    assert split_byline("") == ("", (), False, None, True)


def test_name_and_org_predicates() -> None:
    assert is_org("Gemma Team") and is_org("The ATLAS Collaboration") and is_org("Team HY-World")
    assert not is_org("Team") and not is_org("Discrete Tokens: Meituan Team")
    assert looks_like_name("Túlio Sousa de Gois")
    assert looks_like_name("bob")
    assert not looks_like_name("and More?Jinhyuk Lee")
    assert not looks_like_name("a study of graphs")


def _timed(text: str) -> float:
    start = time.perf_counter()
    split_byline(text)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "unit",
    [
        "Abcdef ",  # capitalised words, no glue
        "AbcDef",  # one huge camel-case word
        "Abc Def, ",  # many name-like items
        "A.B",  # initials glued
    ],
)
def test_linear_time(unit: str) -> None:
    small = unit * (100_000 // len(unit))
    large = unit * (1_000_000 // len(unit))
    _timed(small)  # warm up
    t_small = min(_timed(small) for _ in range(3))
    t_large = min(_timed(large) for _ in range(2))
    # linear would be ~10x (more with cache effects at 1 MB); quadratic would be ~100x
    assert t_large < 50 * max(t_small, 1e-3), (t_small, t_large)
