"""`newsflow eval text-drops`: the clean step on text drops built from gold article bodies.

A text drop has no markup: the scraper's boilerplate sits in the text as lines of their own,
above, inside and below the article. This module writes such lines (photo captions and credits,
"related" blocks and the headlines under them, link teasers, comment prompts, share, subscribe and
advertisement lines, reporting credits, lone timestamps, the headline again, bylines) and the
article's own notes (editor's notes, corrections, update marks), inserts them into gold article
bodies read at run time, and runs each document through ingest and clean as a .txt drop. The
bodies belong to their publishers: they are read from ../shared and never stored here.

Every line is drawn from templates and word lists written for this module, with a seeded random
generator: the same seed builds the same test set.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from tasks.clean import clean, normalise
from tasks.ingest import Limits, parse_document
from tasks.records import Article


def _listed(text: str) -> tuple[str, ...]:
    """A word list written as one string: comma-separated when it has commas, else words."""
    return tuple(w.strip() for w in (text.split(",") if "," in text else text.split()))


FIRST = _listed(
    "Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jonah Kira Luis Maya Nadia Omar Priya Quinn "
    "Rosa Sam Tomasz Uma Victor Wen Yusuf Zoe Aaron Bianca Chloe Diego Erin Felix Hana Ivan"
)
LAST = _listed(
    "Abara Brennan Castillo Dubois Eriksen Fontaine Gallagher Haddad Ishikawa Jablonski Kowal "
    "Lindqvist Moreau Nakamura Okafor Petrov Quintero Rahman Santoro Tanaka Underwood Varga "
    "Whitfield Xu Yilmaz Zeller Achebe Becker Carvalho Delgado"
)
CITIES = _listed(
    "Harlow Falls,Port Ellis,Cedar Bend,Ashby,Kettle Creek,Lannevez,Marrow Bay,Dunmore,"
    "Westfield,Oak Harbor,Millbrook,Stonegate"
)
OUTLETS = _listed(
    "The Harlow Herald,Lakeshore Review,Down East Wire,Cedar Bend Courier,The Valley Ledger,"
    "Northern Daily,Metro Post,The Coastal Times"
)
AGENCIES = _listed(
    "AP,Reuters,AFP,Getty Images,EPA,The Canadian Press,Bloomberg,Associated Press,Shutterstock"
)
WEEKDAYS = _listed("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _listed("Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.")
ACTIONS = _listed(
    "speaks to reporters,arrives at the courthouse,walks past the damaged bridge,"
    "waves to supporters,looks at the flooded street,holds a news conference,"
    "leaves the council chamber,inspects the new rail line,greets residents"
)
SUBJECTS = _listed(
    "City council,School board,Transit agency,Port authority,Regional hospital,State lawmakers,"
    "Local farmers,Tech startup,Union leaders,Wildlife officials,Housing advocates"
)
VERBS = _listed("approves,rejects,delays,unveils,weighs,questions,backs,cuts,expands,reviews")
THINGS = _listed(
    "new budget,bridge repairs,rent limits,ferry schedule,water rates,school calendar,"
    "downtown parking plan,wildfire rules,hospital merger,bike lanes,harbour dredging"
)
TOPICS = _listed(
    "winter storms,the housing market,rising rents,local elections,the new stadium,"
    "school lunches,electric buses,the drought,tourism,minimum wage"
)


@dataclass(frozen=True)
class Insert:
    """Boilerplate lines of one kind and where scrapers leave them."""

    kind: str
    lines: tuple[str, ...]
    where: str  # "top", "inside" or "end"
    note: bool = False  # the article's own note: out of the text, into `notes`


class Writer:
    """Draws names, places and headlines from the word lists with one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(options)

    def person(self) -> str:
        return f"{self.pick(FIRST)} {self.pick(LAST)}"

    def date(self) -> str:
        return f"{self.pick(MONTHS)} {self.rng.randint(1, 28)}, {self.rng.randint(2019, 2026)}"

    def clock(self) -> str:
        return f"{self.rng.randint(1, 12)}:{self.rng.randint(0, 59):02d}"

    def headline(self) -> str:
        templates = (
            lambda: f"{self.pick(SUBJECTS)} {self.pick(VERBS)} {self.pick(THINGS)}",
            lambda: (
                f"{self.pick(CITIES)} {self.pick(SUBJECTS).lower()} {self.pick(VERBS)} "
                f"{self.pick(THINGS)}"
            ),
            lambda: f"{self.person()} says {self.pick(THINGS)} will cost more than planned",
            lambda: f"{self.rng.randint(3, 12)} things to know about {self.pick(TOPICS)}",
            lambda: f"Why {self.pick(TOPICS)} matter for {self.pick(CITIES)}",
            lambda: f"What {self.pick(TOPICS)} mean for families in {self.pick(CITIES)}",
            lambda: f"{self.pick(CITIES)} braces for {self.pick(TOPICS)}",
        )
        text = self.pick(templates)()
        return text[0].upper() + text[1:]


def _caption(w: Writer) -> Insert:
    place, day = w.pick(CITIES), w.pick(WEEKDAYS)
    scene = f"{w.person()} {w.pick(ACTIONS)} in {place} on {day}"
    lines = (
        f"{scene}. ({w.person()}/{w.pick(AGENCIES)})",
        f"{scene}. Photo: {w.person()}/{w.pick(AGENCIES)}",
        f"{scene}. (AP Photo/{w.person()})",
        f"{scene}. (Getty Images)",
        f"{w.person()} / The Canadian Press",
        f"Photo: {w.person()} for {w.pick(OUTLETS)}",
        f"(Image credit: {w.pick(AGENCIES)})",
        f"Open this photo in gallery: {scene}.",
        f"{scene}. AP Photo/{w.person()}",
        f"{w.person()}/{w.pick(AGENCIES)}",
        f"Photograph: {w.person()}/{w.pick(AGENCIES)}",
        f"Credit: {w.person()}",
        "Getty Images",
        f"FILE - In this {w.date()} file photo, {scene}. (AP Photo/{w.person()}, File)",
        f"{scene}. Picture taken {w.date()}. REUTERS/{w.person()}",
        f"Photo by {w.person()} / {w.pick(OUTLETS)}",
    )
    return Insert("caption or credit", (w.pick(lines),), w.pick(("top", "inside")))


def _related(w: Writer) -> Insert:
    outlet = w.pick(OUTLETS)
    header = w.pick(
        (
            "Articles You May Like",
            "Related Stories",
            "Related",
            "Read More",
            f"More from {outlet}",
            "You may also like",
            "Recommended for you",
            "Most Read",
            "Trending Now",
            "Don't Miss",
            "Related Coverage",
            f"Also on {outlet}",
            "Editor's Picks",
            "Latest News",
            f"MORE FROM {outlet.upper()}:",
            "Related Articles:",
            "SEE ALSO",
            "Recommended Stories",
            "Up next",
        )
    )
    headlines = tuple(w.headline() for _ in range(w.rng.randint(2, 5)))
    return Insert("related block", (header, *headlines), w.pick(("inside", "end", "end")))


def _teaser(w: Writer) -> Insert:
    label = w.pick(
        ("Read more", "RELATED", "SEE ALSO", "Also read", "READ MORE", "Watch", "ALSO READ", "More")
    )
    mark = w.pick((": ", ": ", " | ", " » "))
    return Insert("link teaser", (f"{label}{mark}{w.headline()}",), "inside")


def _comments(w: Writer) -> Insert:
    lines = w.pick(
        (
            ("Leave a Comment",),
            (
                "Leave a Reply",
                "Your email address will not be published. Required fields are marked *",
            ),
            ("Join the conversation",),
            (f"{w.rng.randint(2, 240)} Comments",),
            ("Comments",),
            ("Show comments",),
            ("Comments are closed.",),
            (
                "Conversations are opinions of our readers and are subject to the Code of "
                "Conduct. The Star does not endorse these opinions.",
            ),
            ("Sign in to comment",),
            ("What do you think? Let us know in the comments.",),
            ("Be the first to comment",),
            (f"View Comments ({w.rng.randint(1, 90)})",),
            ("Add a comment",),
        )
    )
    return Insert("comment prompt", lines, "end")


def _share(w: Writer) -> Insert:
    outlet = w.pick(OUTLETS)
    lines = (
        "Share this article",
        "Share on Facebook",
        "Tweet",
        "Email",
        "Print",
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Subscribe to our newsletter",
        f"Sign up for the {outlet} morning briefing",
        "Get the latest headlines delivered to your inbox.",
        f"Follow {outlet} on Twitter and Facebook.",
        f"Follow {w.person()} on Twitter @{w.pick(LAST).lower()}{w.rng.randint(1, 99)}",
        "Copy link",
        "Skip Advertisement",
        "Sponsored Content",
        f"Download the {outlet} app for the latest news.",
        "Share via Email",
        "WhatsApp",
        "Share this story",
        "Sign up for our daily newsletter to get the latest news",
        "Click here to subscribe",
        "Get our free app",
    )
    return Insert("share, subscribe or ad", (w.pick(lines),), w.pick(("top", "inside", "end")))


def _credit(w: Writer) -> Insert:
    lines = (
        f"{w.person()} contributed reporting.",
        f"{w.person()} and {w.person()} contributed to this report.",
        f"Reporting by {w.person()}; Editing by {w.person()}",
        f"Additional reporting by {w.person()} in {w.pick(CITIES)}",
        "With files from The Canadian Press",
        f"Writing by {w.person()}; Editing by {w.person()} and {w.person()}",
        "The Associated Press contributed to this report.",
        f"({w.person()} contributed reporting from {w.pick(CITIES)}.)",
        f"— With reporting by {w.person()}",
        f"Contributing: {w.person()}",
    )
    return Insert("reporting credit", (w.pick(lines),), "end")


def _timestamp(w: Writer) -> Insert:
    clock = w.clock()
    lines = (
        f"Updated {clock} PM ET",
        f"Published {w.date()}",
        f"{w.date()} at {clock} a.m.",
        f"{w.rng.randint(2, 11)} hours ago",
        f"Posted: {w.pick(WEEKDAYS)}, {w.date()} {clock} AM",
        f"Last updated: 2026-{w.rng.randint(1, 12):02d}-{w.rng.randint(1, 28):02d} {clock}",
        f"{w.rng.randint(1, 28)}/{w.rng.randint(1, 12)}/2026 {clock}",
        f"Updated: {clock} a.m. EST {w.date()}",
        f"Originally published {w.date()}",
        f"{w.rng.randint(2, 9)} min read",
    )
    return Insert("lone timestamp", (w.pick(lines),), w.pick(("top", "top", "inside")))


def _byline(w: Writer) -> Insert:
    lines = (
        f"By {w.person()}",
        f"By {w.person()}, Staff Writer",
        f"By {w.person()} and {w.person()}",
        f"{w.person()}, The Associated Press",
        f"By {w.person()} | {w.pick(OUTLETS)}",
        f"Story by {w.person()}",
        f"Written by {w.person()}",
    )
    return Insert("byline", (w.pick(lines),), "top")


def _note(w: Writer) -> Insert:
    lines = (
        f"Editor's Note: This story has been updated with comment from {w.person()}.",
        "Correction: An earlier version of this article misstated the date of the vote.",
        "[Updated] This story was updated with the council's final decision.",
        f"This article has been updated with a statement from the {w.pick(SUBJECTS).lower()}.",
        f"Clarification: {w.person()} is a former member of the board, not a current one.",
    )
    return Insert("editor's note (kept in notes)", (w.pick(lines),), "end", note=True)


GENERATORS: tuple[Callable[[Writer], Insert], ...] = (
    _caption,
    _related,
    _teaser,
    _comments,
    _share,
    _credit,
    _timestamp,
    _byline,
    _note,
)
REPEATED_HEADLINE = "repeated headline"


@dataclass(frozen=True)
class Document:
    """One generated text drop: the file's text, its gold lines and what was inserted."""

    name: str
    text: str
    body: tuple[str, ...]
    inserts: tuple[Insert, ...]


def build(name: str, body: str, rng: random.Random) -> Document:
    """A text drop from one gold body: headline line, then the body with boilerplate inserted
    where scrapers leave it (a byline and timestamps above, captions and teasers between
    paragraphs, notes, credits, related blocks and comment prompts below)."""
    writer = Writer(rng)
    paragraphs = [p.strip() for p in body.split("\n") if re.search(r"\w", p)]
    headline = writer.headline()
    inserts = [writer.pick(GENERATORS)(writer) for _ in range(rng.randint(6, 12))]
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
    order = ("editor's note", "reporting credit", "share", "related", "comment")
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
    """Run each document through ingest and clean as a .txt file and count lines."""
    tally = Tally()
    for document in documents:
        (raw,) = parse_document(f"{document.name}.txt", document.text.encode(), Limits())
        article = clean(raw)  # type: ignore[arg-type]
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
    bodies: Mapping[str, str], seed: int, languages: Mapping[str, str] | None = None
) -> list[Document]:
    """One document per gold body (English bodies only when `languages` is given)."""
    rng = random.Random(seed)
    return [
        build(name, body, rng)
        for name, body in sorted(bodies.items())
        if languages is None or languages.get(name) == "en"
    ]
