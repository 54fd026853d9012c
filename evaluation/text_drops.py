"""`newsflow eval text-drops`: the clean step on text drops built from gold article bodies.

A text drop has no markup: the scraper's boilerplate sits in the text as lines of their own,
above, inside and below the article. This module writes such lines (photo captions and credits,
"related" blocks and the headlines under them, link teasers, comment prompts, share, subscribe and
advertisement lines, reporting credits, lone timestamps, the headline again, bylines) and the
article's own notes (editor's notes, corrections, update marks), inserts them into gold article
bodies read at run time, and runs each document through ingest and clean as a .txt drop. The
bodies belong to their publishers: they are read from ../shared and never stored here.

Every line is drawn from a template set (a TOML file of templates and word lists,
templates/first.toml by default; `--templates` gives another) with a seeded random generator: the
same seed and set build the same test set. The first set was written beside the filter's rules;
templates/second.toml was written apart from them, to measure the filter on wordings it was not
written for; templates/third.toml was written apart from the rules and the second set, and is only
measured, never tuned on, to check that a change to the filter generalises.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tasks.clean import clean_batch, normalise
from tasks.ingest import Limits, parse_document
from tasks.records import Article

TEMPLATES = Path(__file__).parent / "templates"
FIRST_SET = TEMPLATES / "first.toml"


@dataclass(frozen=True)
class Insert:
    """Boilerplate lines of one kind and where scrapers leave them."""

    kind: str
    lines: tuple[str, ...]
    where: str  # "top", "inside" or "end"
    note: bool = False  # the article's own note: out of the text, into `notes`


@dataclass(frozen=True)
class InsertKind:
    """One kind of boilerplate in a template file: its line templates and where it goes."""

    kind: str
    lines: tuple[str, ...]
    where: tuple[str, ...]
    note: bool = False
    headlines: tuple[int, int] | None = None  # a "related" header, then this many headlines


@dataclass(frozen=True)
class Templates:
    """A template set (see templates/first.toml for the format)."""

    words: dict[str, tuple[str, ...]]
    scenes: tuple[str, ...]
    headlines: tuple[str, ...]
    kinds: tuple[InsertKind, ...]


def read_templates(path: Path = FIRST_SET) -> Templates:
    """A template set from its TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kinds = tuple(
        InsertKind(
            kind=k["kind"],
            lines=tuple(k["lines"]),
            where=tuple(k["where"]),
            note=bool(k.get("note", False)),
            headlines=tuple(k["headlines"]) if "headlines" in k else None,  # type: ignore[arg-type]
        )
        for k in data["insert"]
    )
    words = {name: tuple(values) for name, values in data["words"].items()}
    return Templates(words, tuple(data["scene"]["lines"]), tuple(data["headline"]["lines"]), kinds)


class Writer:
    """Fills templates from the word lists with one seeded generator."""

    def __init__(self, rng: random.Random, templates: Templates) -> None:
        self.rng = rng
        self.templates = templates

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(options)

    def fill(self, template: str) -> str:
        return template.format_map(_Fields(self))

    def value(self, name: str) -> str:
        """One fresh value for a placeholder; "_lower" and capitals change its case."""
        if name.endswith("_lower"):
            return self.value(name.removesuffix("_lower")).lower()
        if name.isupper():
            return self.value(name.lower()).upper()
        rng, words = self.rng, self.templates.words
        generated: dict[str, Callable[[], str]] = {
            "person": lambda: f"{self.pick(words['first'])} {self.pick(words['last'])}",
            "date": lambda: (
                f"{self.pick(words['month'])} {rng.randint(1, 28)}, {rng.randint(2019, 2026)}"
            ),
            "clock": lambda: f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}",
            "n": lambda: str(rng.randint(2, 240)),
            "small": lambda: str(rng.randint(2, 12)),
            "age": lambda: str(rng.randint(19, 97)),
            "mm": lambda: f"{rng.randint(1, 12):02d}",
            "dd": lambda: f"{rng.randint(1, 28):02d}",
            "handle": lambda: f"{self.pick(words['last']).lower()}{rng.randint(1, 99)}",
            "headline": self.headline,
            "scene": lambda: self.fill(self.pick(self.templates.scenes)),
        }
        if name in generated:
            return generated[name]()
        return self.pick(words[name])

    def headline(self) -> str:
        text = self.fill(self.pick(self.templates.headlines))
        return text[0].upper() + text[1:]

    def insert(self, kind: InsertKind) -> Insert:
        lines = self.fill(self.pick(kind.lines)).split("\n")
        if kind.headlines:
            count = self.rng.randint(*kind.headlines)
            lines += [self.headline() for _ in range(count)]
        return Insert(kind.kind, tuple(lines), self.pick(kind.where), kind.note)


class _Fields(dict[str, str]):
    """The placeholders of one template, each drawn when the template asks for it."""

    def __init__(self, writer: Writer) -> None:
        super().__init__()
        self.writer = writer

    def __missing__(self, name: str) -> str:
        return self.writer.value(name)


REPEATED_HEADLINE = "repeated headline"


@dataclass(frozen=True)
class Document:
    """One generated text drop: the file's text, its gold lines and what was inserted."""

    name: str
    text: str
    body: tuple[str, ...]
    inserts: tuple[Insert, ...]


def build(name: str, body: str, rng: random.Random, templates: Templates) -> Document:
    """A text drop from one gold body: headline line, then the body with boilerplate inserted
    where scrapers leave it (a byline and timestamps above, captions and teasers between
    paragraphs, notes, credits, related blocks and comment prompts below)."""
    writer = Writer(rng, templates)
    paragraphs = [p.strip() for p in body.split("\n") if re.search(r"\w", p)]
    headline = writer.headline()
    inserts = [writer.insert(rng.choice(templates.kinds)) for _ in range(rng.randint(6, 12))]
    if rng.random() < 0.5:
        inserts.append(Insert(REPEATED_HEADLINE, (headline,), "top"))
    top = [i for i in inserts if i.where == "top"]
    top.sort(key=lambda i: i.kind != REPEATED_HEADLINE)
    end = sorted((i for i in inserts if i.where == "end"), key=_end_order)
    lines = [line for insert in top for line in insert.lines]
    inside = {
        rng.randint(1, max(1, len(paragraphs) - 1)): i for i in inserts if i.where == "inside"
    }
    for number, paragraph in enumerate(paragraphs):
        if number in inside:
            lines += inside[number].lines
        lines.append(paragraph)
    lines += [line for insert in end for line in insert.lines]
    used = tuple(top) + tuple(inside.values()) + tuple(end)
    return Document(name, "\n\n".join([headline, *lines]), tuple(paragraphs), used)


def _end_order(insert: Insert) -> int:
    """Below an article: its notes and credits first, then the page's lists and prompts."""
    order = ("editor's note", "reporting credit", "share", "related", "comment", "trailing")
    return next((n for n, k in enumerate(order) if insert.kind.startswith(k)), len(order))


@dataclass
class Tally:
    """Inserted lines removed per kind, body lines kept, and the misses for a person to read."""

    inserted: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    body_lines: int = 0
    body_kept: int = 0
    notes_kept: int = 0
    notes: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def removed_share(self) -> float:
        return sum(self.removed.values()) / max(1, sum(self.inserted.values()))

    @property
    def kept_share(self) -> float:
        return self.body_kept / max(1, self.body_lines)


def score(documents: Iterable[Document]) -> Tally:
    """Run the documents through ingest and clean as one drop of .txt files and count lines."""
    tally = Tally()
    documents = list(documents)
    records = [next(parse_document(f"{d.name}.txt", d.text.encode(), Limits())) for d in documents]
    cleaned = clean_batch(records)  # type: ignore[arg-type]
    for document, article in zip(documents, cleaned, strict=True):
        kept = _lines(article.text) if isinstance(article, Article) else set()
        notes = set(article.notes) if isinstance(article, Article) else set()
        for line in document.body:
            tally.body_lines += 1
            if normalise(line) in kept:
                tally.body_kept += 1
            else:
                tally.misses.append(f"{document.name}\tbody line lost\t{line}")
        for insert in document.inserts:
            for line in insert.lines:
                tally.inserted[insert.kind] += 1
                gone = normalise(line) not in kept
                tally.removed[insert.kind] += gone
                if insert.note:
                    tally.notes += 1
                    tally.notes_kept += normalise(line) in notes
                if not gone:
                    tally.misses.append(f"{document.name}\t{insert.kind} kept\t{line}")
    return tally


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.split("\n") if line.strip()}


def test_set(
    bodies: Mapping[str, str],
    seed: int,
    languages: Mapping[str, str] | None = None,
    templates: Templates | None = None,
) -> list[Document]:
    """One document per gold body (English bodies only when `languages` is given), its
    boilerplate drawn from `templates` (the first set when None)."""
    rng = random.Random(seed)
    templates = templates or read_templates()
    return [
        build(name, body, rng, templates)
        for name, body in sorted(bodies.items())
        if languages is None or languages.get(name) == "en"
    ]
