"""The README and docs/*.md cite the repository by path; a citation that no longer names a file is a claim
that stopped being true. These tests name each stale citation (the document, its line and what it cites),
so a module moved without its documentation fails here instead of misleading a reader.

What counts as a citation:
- a path in backticks that starts at a top-level directory of the repository (`lotto_models/...`,
  `tests/...`, `bench/...`, `deployments/...`) or is a top-level file (`prefect.yaml`, `pyproject.toml`);
  placeholders (`models/<model>/v<N>/`) and paths under `LOTTO_HOME` are not files of the repository;
- a dotted module in backticks (`lotto_models.serving.ensembles`, `python -m deployments.serve`, and
  `modeling.random_baseline` inside `lotto_models`): its lowercase components must be modules or packages;
- a relative Markdown link (`[Operations](docs/operations.md#schedule)`): the file, and the heading its
  anchor names;
- a `.py` file named in a table row that starts with its directory (the layout table:
  `flows/` | `after_draw.py`, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [README, *DOCS]

TOP_LEVEL_DIRECTORIES = ("lotto_models", "tests", "bench", "deployments", "flows", "tasks", "web", "docs", ".ci")
TOP_LEVEL_FILES = ("prefect.yaml", "pyproject.toml", "Makefile", "uv.lock", "README.md")
LOTTO_MODELS_STAGES = tuple(path.name for path in (ROOT / "lotto_models").iterdir() if (path / "__init__.py").is_file())
PYTHON_PACKAGES = ("lotto_models", "deployments", "flows", "tasks", "web", "tests", "bench")

BACKTICKS = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
_DIRECTORY = "|".join(re.escape(directory) for directory in TOP_LEVEL_DIRECTORIES)
PATH = re.compile(r"(?<![\w./$-])((?:" + _DIRECTORY + r")/[\w./-]*)")
DOTTED = re.compile(r"(?<![\w./])([a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
PLACEHOLDER = re.compile(r"[<>{}*…]")


@dataclass(frozen=True)
class Citation:
    document: Path
    line: int
    cited: str

    def __str__(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}: {self.cited}"


def _lines(document: Path) -> list[tuple[int, str]]:
    """The document's numbered lines, fenced code included: a command in a fence cites a file as much as
    prose does (`python bench/web_load.py`)."""
    return list(enumerate(document.read_text(encoding="utf-8").splitlines(), start=1))


def _path_exists(cited: str) -> bool:
    return (ROOT / cited.rstrip("/")).exists()


def _module_exists(dotted: str) -> bool:
    """True when every lowercase component of `dotted` is a module or package (a CamelCase or UPPER
    component, and whatever follows it, is an attribute: `core.fallbacks.Fallback`)."""
    parts = dotted.split(".")
    if parts[0] in LOTTO_MODELS_STAGES:
        parts = ["lotto_models", *parts]
    location = ROOT
    for index, part in enumerate(parts):
        if not part.islower() and not part.startswith("_"):
            return True
        package = location / part
        if (package / "__init__.py").is_file():
            location = package
            continue
        if (location / f"{part}.py").is_file():
            # A module: the rest are attributes (a lowercase function or constant, e.g. `warn_once`).
            return True
        # Neither: a lowercase attribute of the package reached so far is fine only past the package root.
        return index >= 2 and (location / "__init__.py").is_file() and _defined_in_package(location, part)
    return True


def _defined_in_package(package: Path, name: str) -> bool:
    """`name` is bound in the package's `__init__.py` (defined, assigned or imported), not merely mentioned."""
    source = (package / "__init__.py").read_text(encoding="utf-8")
    word = re.escape(name)
    binding = rf"^(?:def|class) {word}\b|^{word}\s*[:=]|^(?:from \S+ )?import [^#\n]*\b{word}\b"
    return re.search(binding, source, flags=re.MULTILINE) is not None


def _is_module_citation(dotted: str) -> bool:
    first = dotted.split(".")[0]
    if first in PYTHON_PACKAGES or first in LOTTO_MODELS_STAGES:
        # `tests.foo` is not cited as a module anywhere; file names (`model.keras`, `results.json`) are not
        # modules either: a dotted citation ends in an identifier, not an extension.
        return not re.search(r"\.(py|md|json|yaml|yml|toml|keras|png|csv|xlsx|db|log|sha256)$", dotted)
    return False


def path_citations(document: Path) -> list[Citation]:
    found = []
    for number, line in _lines(document):
        for span in BACKTICKS.findall(line):
            for match in PATH.finditer(span):
                cited = match.group(1)
                rest = span[match.end() :]
                if PLACEHOLDER.search(rest[:1]) or rest.startswith("<"):
                    continue  # a placeholder continues the path: `bench/.soak/<store>/`
                found.append(Citation(document, number, cited))
            if span in TOP_LEVEL_FILES:
                found.append(Citation(document, number, span))
    return found


def module_citations(document: Path) -> list[Citation]:
    found = []
    for number, line in _lines(document):
        for span in BACKTICKS.findall(line):
            if PLACEHOLDER.search(span) or "://" in span:
                continue
            for match in DOTTED.finditer(span):
                if _is_module_citation(match.group(1)):
                    found.append(Citation(document, number, match.group(1)))
    return found


def link_citations(document: Path) -> list[Citation]:
    found = []
    for number, line in _lines(document):
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # https://, mailto:
            found.append(Citation(document, number, target))
    return found


def table_file_citations(document: Path) -> list[Citation]:
    """`.py` files named in a table row whose first cell is a backticked directory: `flows/` | `after_draw.py`."""
    found = []
    for number, line in _lines(document):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"`[\w./-]+/`", cells[0]):
            continue
        directory = cells[0].strip("`")
        for name in re.findall(r"`([\w-]+\.py)`", " | ".join(cells[1:])):
            found.append(Citation(document, number, f"{directory}{name}"))
    return found


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(document: Path) -> set[str]:
    return {
        github_anchor(line.lstrip("#"))
        for _, line in _lines(document)
        if re.match(r"#{1,6} ", line) and not line.startswith("#!")
    }


def _link_is_stale(citation: Citation) -> str | None:
    target, _, anchor = citation.cited.partition("#")
    path = (citation.document.parent / target).resolve() if target else citation.document
    if not path.exists():
        return "no such file"
    if anchor and path.suffix == ".md" and anchor not in anchors(path):
        return f"no heading #{anchor} in {path.relative_to(ROOT)}"
    return None


def test_the_documents_exist() -> None:
    assert README.is_file()
    assert DOCS, "docs/ holds no .md page"


def test_the_citation_finder_finds_what_a_reader_follows() -> None:
    """Guard against a finder that silently finds nothing: the README cites files in each way."""
    assert any(c.cited.startswith("docs/") for c in link_citations(README))
    assert sum(len(path_citations(d)) for d in DOCUMENTS) >= 20
    assert sum(len(module_citations(d)) for d in DOCUMENTS) >= 5


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_cited_path_exists(document: Path) -> None:
    stale = [str(c) for c in path_citations(document) + table_file_citations(document) if not _path_exists(c.cited)]
    assert not stale, "cited paths that do not exist (moved? point the text at the new place):\n" + "\n".join(stale)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_cited_module_exists(document: Path) -> None:
    stale = [str(c) for c in module_citations(document) if not _module_exists(c.cited)]
    assert not stale, "cited modules that do not exist (moved? point the text at the new place):\n" + "\n".join(stale)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    stale = [f"{c}: {why}" for c in link_citations(document) if (why := _link_is_stale(c))]
    assert not stale, "links that lead nowhere:\n" + "\n".join(stale)


@pytest.mark.parametrize("page", DOCS, ids=lambda d: d.name)
def test_each_docs_page_is_linked_from_the_readme(page: Path) -> None:
    linked = {(README.parent / c.cited.partition("#")[0]).resolve() for c in link_citations(README)}
    assert page.resolve() in linked, f"README.md does not link to docs/{page.name}: a reader cannot find it"
