"""`newsflow eval syndication`: wire copies made from real articles, clustered by a real load.

The generator turns annotated political articles (the PolNeAR sets in ../shared, read at run
time and never stored here) into nightly drops where some stories run in several outlets, and
knows which article is a copy of which story and which quote is which quotation. Its rules:

- **Sources.** Every article of the given sets with at least 80 words, split in two parts by the
  sha256 of its id: `dev` (two thirds) and `check` (the third with digest mod 3 == 0). Articles
  that are already near copies of another one in the corpus (the same wire story updated, a
  piece republished the next day: half of the shorter one's 5-word shingles in the other) would
  make the truth wrong, so only the earliest of each such group is used.
- **Stories.** The part's articles, shuffled by the seed; the first `stories` (at most four in
  five) are the drop's stories, the rest lend paragraphs (below). All the stories of a part are
  from the same ten months of US politics, many from the same days: distinct stories on the
  same events, quoting the same people and often the same words, are the hard negatives.
- **Copies.** Each story runs as 1 to 6 copies (uniform), each in another outlet (the first in
  the source's own), with its own URL and a time from the story's day + 8 h to 44 h after it.
  Each copy after the first gets, each drawn on its own:
  - a new headline (the old one cut, turned around its "says" or prefixed, or the first words
    of the text);
  - trimmed paragraphs: with probability 0.6 the ending cut (50-90% of the paragraphs kept, at
    least three), with 0.25 one paragraph from the middle dropped;
  - added paragraphs: with probability 0.5 one or two paragraphs from a lending article (one
    not in the drop), after the second paragraph or at the end;
  - boilerplate: with probability 0.5 a dateline before the first paragraph ("WASHINGTON (AP)
    — "), with 0.5 one or two credit or copyright lines at the end;
  - light copy-editing of words in 40% of the paragraphs, a copy-editor's changes: US to UK
    spelling, "percent" to "per cent", "U.S." to "US", "Mr." dropped, small numbers in words,
    "said" to "says" (at most one change in 25 words);
  - its quotes' punctuation: with probability 0.5 the curly double quotes made straight, or
    single (British style).
- **Versions.** One copy in 20 comes again in a later night with a paragraph added at the end
  (the same URL: a new version, not a copy).
- **Nights.** Copies are loaded in three nightly drops by time, one in six a night late, so a
  copy can reach the warehouse before the original it was copied from.

Truth: two articles are one story when they come from one source article. Two quotes the
pipeline found are one quotation when their words come from one source article (each copy's
paragraph is aligned to the source paragraph it was made from) and are the same words of it, or
the same words said twice in it (the shorter's, five words at least, inside the longer's); or
when they come from two source articles whose annotated (gold) quotes there are the same words
(the shorter's, five at least, inside the longer's). The truth knows no speakers: the same
words of one article are one person's.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tasks.syndication import words
from warehouse.store import Store

SETS = Path("../shared/data/quotes")
MIN_WORDS = 80
NIGHTS = 3
OUTLETS = (
    "Harlow Courier",
    "Kettle Creek Gazette",
    "Ashby Daily Star",
    "Port Carrow Tribune",
    "Cedar Bend Herald",
    "Alamillo Sentinel",
    "Greve Valley News",
    "Lannevez Record",
    "Northfield Ledger",
    "Brackwater Post",
    "Eastmoor Times",
    "Riverton Dispatch",
)
DATELINES = ("WASHINGTON (AP) — ", "NEW YORK (AP) — ", "WASHINGTON (Reuters) - ", "(CNN) — ")
CREDITS = (
    "Copyright {year} The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "Associated Press writers in Washington contributed to this report.",
    "Reporting by the Washington bureau; editing by the news desk.",
    "Follow the politics desk on Twitter for the latest from the campaign trail.",
)
SPELLING = {
    "color": "colour",
    "favor": "favour",
    "favorite": "favourite",
    "center": "centre",
    "defense": "defence",
    "offense": "offence",
    "organize": "organise",
    "organized": "organised",
    "criticize": "criticise",
    "criticized": "criticised",
    "recognize": "recognise",
    "labor": "labour",
    "honor": "honour",
    "behavior": "behaviour",
    "percent": "per cent",
    "U.S.": "US",
    "said": "says",
    "two": "2",
    "three": "3",
    "four": "four",
    "five": "5",
}
DOUBLE = re.compile(r"[“”]")


@dataclass(frozen=True)
class Source:
    """An annotated article: its paragraphs and its gold quotes' character spans."""

    doc_id: str
    outlet: str
    day: datetime
    title: str
    text: str
    gold: tuple[tuple[int, int], ...]

    @property
    def paragraphs(self) -> list[str]:
        """Its lines: a single line break separates paragraphs too, as the clean step reads it."""
        return [p.strip() for p in self.text.split("\n") if p.strip()]


def read_sources(paths: Iterable[Path]) -> list[Source]:
    sources = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                if len(doc["text"].split()) < MIN_WORDS:
                    continue
                sources.append(
                    Source(
                        doc_id=doc["doc_id"],
                        outlet=doc.get("outlet") or "unknown",
                        day=datetime.fromisoformat(doc["publication_date"]).replace(tzinfo=UTC),
                        title=doc.get("title") or "",
                        text=doc["text"],
                        gold=tuple((q["quote_start"], q["quote_end"]) for q in doc["quotes"]),
                    )
                )
    return sources


def part_of(doc_id: str) -> str:
    """`check` for a third of the articles (sha256 of the id mod 3 == 0), `dev` for the rest."""
    return "check" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def _shingles(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def without_near_copies(sources: Sequence[Source], share: float = 0.5) -> list[Source]:
    """The earliest article of each group of near copies (exact 5-word shingles, not sampled)."""
    ordered = sorted(sources, key=lambda s: (s.day, s.doc_id))
    sets = {s.doc_id: _shingles(s.text) for s in ordered}
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    kept = []
    for source in ordered:
        mine = sets[source.doc_id]
        shared: dict[str, int] = defaultdict(int)
        for gram in mine:
            for other in index.get(gram, ()):
                shared[other] += 1
        if any(n >= share * min(len(mine), len(sets[o])) for o, n in shared.items()):
            continue
        kept.append(source)
        for gram in mine:
            index[gram].append(source.doc_id)
    return kept


@dataclass
class Copy:
    """One generated article: its record for the drop, and its paragraphs with the number of the
    source paragraph each was made from (None for one that is not the source's)."""

    source: str
    record: dict[str, Any]
    night: int
    paragraphs: list[tuple[str, int | None]] = field(default_factory=list)


@dataclass
class Drop:
    copies: list[Copy]
    sources: dict[str, Source]

    def nights(self) -> list[list[Copy]]:
        out: dict[int, list[Copy]] = defaultdict(list)
        for c in self.copies:
            out[c.night].append(c)
        return [out[n] for n in sorted(out)]


def generate(sources: Sequence[Source], seed: int, stories: int) -> Drop:
    """The drop of `stories` stories (see the module's rules)."""
    rng = random.Random(seed)
    pool = list(without_near_copies(sources))
    rng.shuffle(pool)
    chosen = pool[: min(stories, len(pool) * 4 // 5)]
    lenders = pool[len(chosen) :]
    spare = [p for s in lenders for p in s.paragraphs]
    start = min(s.day for s in chosen)
    span = (max(s.day for s in chosen) - start) / NIGHTS + timedelta(days=2)
    copies: list[Copy] = []
    for source in chosen:
        n = rng.randint(1, 6)
        outlets = rng.sample([o for o in OUTLETS], n - 1)
        base = source.day + timedelta(hours=8, minutes=rng.randrange(600))
        for k in range(n):
            at = base + (timedelta(minutes=rng.randrange(60, 36 * 60)) if k else timedelta(0))
            outlet = source.outlet if k == 0 else outlets[k - 1]
            copy = _copy(source, k, outlet, at, rng, spare)
            copy.night = _night(at, start, span, rng)
            copies.append(copy)
            if rng.random() < 0.05:
                copies.append(_version(copy, rng))
    copies.sort(key=lambda c: (c.night, c.record["url"], c.record.get("version", 0)))
    for c in copies:
        c.record.pop("version", None)
    return Drop(copies, {s.doc_id: s for s in chosen})


def _night(at: datetime, start: datetime, span: timedelta, rng: random.Random) -> int:
    """Nights cover the drop's months in three equal spans; one copy in six comes a night late."""
    night = min(int((at - start) / span), NIGHTS - 1)
    return night + (1 if rng.random() < 1 / 6 else 0)


def _copy(
    source: Source, k: int, outlet: str, at: datetime, rng: random.Random, spare: list[str]
) -> Copy:
    paragraphs = source.paragraphs
    kept: list[tuple[str, int | None]] = [(p, i) for i, p in enumerate(paragraphs)]
    title = source.title
    quote_style = "keep"
    if k:
        title = _headline(source, rng)
        if rng.random() < 0.6 and len(kept) > 3:
            kept = kept[: max(3, round(len(kept) * rng.uniform(0.5, 0.9)))]
        if rng.random() < 0.25 and len(kept) > 4:
            del kept[rng.randrange(1, len(kept) - 1)]
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 2)):
                where = rng.choice((min(2, len(kept)), len(kept)))
                kept.insert(where, (rng.choice(spare), None))
        kept = [(_edit(p, rng) if i is not None and rng.random() < 0.4 else p, i) for p, i in kept]
        if rng.random() < 0.5:
            first, origin = kept[0]
            kept[0] = (rng.choice(DATELINES) + first, origin)
        if rng.random() < 0.5:
            for line in rng.sample(CREDITS, rng.randint(1, 2)):
                kept.append((line.format(year=at.year), None))
        quote_style = rng.choice(("keep", "straight", "single"))
    kept = [(_quotes(p, quote_style), i) for p, i in kept]
    text = "\n\n".join(p for p, _ in kept)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "story"
    domain = re.sub(r"[^a-z0-9]+", "", outlet.lower())
    record = {
        "url": f"https://{domain}.example/{at:%Y/%m/%d}/{slug}-{source.doc_id[-6:]}-{k}",
        "title": title,
        "outlet": outlet,
        "published": at.isoformat(),
        "text": text,
    }
    return Copy(source.doc_id, record, 0, kept)


def _version(copy: Copy, rng: random.Random) -> Copy:
    """The same URL a night later, with a paragraph added at its end: the story's next version."""
    record = dict(copy.record)
    line = "This story has been updated with additional reporting."
    record["text"] += f"\n\n{line}"
    record["version"] = 2
    return Copy(copy.source, record, copy.night + 1, [*copy.paragraphs, (line, None)])


def _headline(source: Source, rng: random.Random) -> str:
    title = source.title or source.paragraphs[0]
    choice = rng.randrange(4)
    if choice == 0:
        return " ".join(title.split()[: rng.randint(5, 9)])
    if choice == 1 and " says " in title:
        who, what = title.split(" says ", 1)
        return f"{what[:1].upper()}{what[1:]}, {who} says"
    if choice == 2:
        return rng.choice(("UPDATE: ", "Analysis: ", "The Latest: ", "")) + title
    return " ".join(source.paragraphs[0].split()[:10])


def _edit(paragraph: str, rng: random.Random) -> str:
    """A copy-editor's changes: at most one word in 25, from SPELLING and "Mr." dropped."""
    tokens = paragraph.split(" ")
    budget = max(1, len(tokens) // 25)
    places = [i for i, t in enumerate(tokens) if t.strip(',.;:”’"') in SPELLING or t == "Mr."]
    for i in rng.sample(places, min(budget, len(places))):
        token = tokens[i]
        if token == "Mr.":
            tokens[i] = ""
            continue
        bare = token.strip(',.;:”’"')
        tokens[i] = token.replace(bare, SPELLING[bare])
    return " ".join(t for t in tokens if t)


def _quotes(paragraph: str, style: str) -> str:
    if style == "straight":
        return DOUBLE.sub('"', paragraph)
    if style == "single":
        return paragraph.replace("“", "‘").replace("”", "’")
    return paragraph


def write_nights(drop: Drop, folder: Path) -> list[Path]:
    """Each night's copies as one JSON-lines file in a folder of its own."""
    paths = []
    for number, night in enumerate(drop.nights(), 1):
        path = folder / f"night-{number}" / "copies.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "".join(json.dumps(c.record, ensure_ascii=False) + "\n" for c in night), "utf-8"
        )
        paths.append(path.parent)
    return paths


# -- truth and scores ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairwise:
    precision: float
    recall: float
    predicted_pairs: int
    true_pairs: int
    items: int
    clusters: int


def pairwise(predicted: dict[str, Any], truth: dict[str, Any]) -> Pairwise:
    """Precision and recall over pairs of items: a pair is predicted when both items are in one
    predicted cluster, true when in one true cluster (items in both mappings only)."""
    items = predicted.keys() & truth.keys()
    both: dict[tuple[Any, Any], int] = defaultdict(int)
    pred: dict[Any, int] = defaultdict(int)
    true: dict[Any, int] = defaultdict(int)
    for item in items:
        both[predicted[item], truth[item]] += 1
        pred[predicted[item]] += 1
        true[truth[item]] += 1

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    hit, p, t = pairs(both.values()), pairs(pred.values()), pairs(true.values())
    return Pairwise(hit / p if p else 1.0, hit / t if t else 1.0, p, t, len(items), len(pred))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: Any, b: Any) -> None:
        self.parent[self.find(a)] = self.find(b)


_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class FoundQuote:
    """A quote the pipeline found, where it is in its copy's (cleaned) text."""

    quote_id: str
    url: str
    start: int
    end: int


@dataclass
class _Numbered:
    """A source's words numbered over its whole text, and where each paragraph starts."""

    tokens: list[tuple[str, int, int]]
    at: dict[int, int]  # character offset of a word -> its number
    starts: list[int]  # character offset of each paragraph

    @classmethod
    def of(cls, source: Source) -> _Numbered:
        tokens = _tokens(source.text)
        starts, position = [], 0
        for paragraph in source.paragraphs:
            position = source.text.index(paragraph, position)
            starts.append(position)
            position += len(paragraph)
        return cls(tokens, {s: i for i, (_, s, _) in enumerate(tokens)}, starts)


def quote_truth(drop: Drop, texts: dict[str, str], quotes: Sequence[FoundQuote]) -> dict[str, Any]:
    """The true quotation of each found quote (see the module's rules); a quote whose words
    are none of its source's is a quotation of its own. `texts`: each copy's text as loaded."""
    copies = {c.record["url"]: c for c in drop.copies}
    numbered = {doc_id: _Numbered.of(s) for doc_id, s in drop.sources.items()}
    union = _Union()
    spans: dict[str, tuple[str, int, int]] = {}  # quote -> (source, first, last source word)
    for q in quotes:
        copy = copies.get(q.url)
        if copy is None:
            continue
        source = drop.sources[copy.source]
        span = _source_span(copy, texts[q.url], source, numbered[copy.source], q.start, q.end)
        if span is not None:
            spans[q.quote_id] = (copy.source, *span)
    by_source: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for quote_id, (source_id, first, last) in spans.items():
        by_source[source_id].append((first, last, quote_id))
    for source_id, items in by_source.items():
        tokens = numbered[source_id].tokens
        said = {q: " ".join(t for t, _, _ in tokens[a : b + 1]) for a, b, q in items}
        for i, (first, last, quote_id) in enumerate(items):
            for other_first, other_last, other_id in items[i + 1 :]:
                overlap = first <= other_last and other_first <= last
                if overlap or _excerpt(said[quote_id], said[other_id]):
                    union.join(quote_id, other_id)
    _join_gold(drop, numbered, spans, union)
    return {q.quote_id: union.find(q.quote_id) for q in quotes}


def _excerpt(a: str, b: str) -> bool:
    """Whether the shorter of two runs of words, five words at least, is inside the longer."""
    short, long = sorted((a, b), key=len)
    return len(short.split()) >= 5 and f" {short} " in f" {long} "


def _source_span(
    copy: Copy, text: str, source: Source, numbered: _Numbered, start: int, end: int
) -> tuple[int, int] | None:
    """The first and last source word that the copy's words in [start, end) were made from.

    The loaded text is the copy after cleaning, which may have dropped its boilerplate lines:
    each of its paragraphs is matched to the generated paragraph with the same words."""
    origin_of = {tuple(words(p)): i for p, i in copy.paragraphs}
    found: list[int] = []
    position = 0
    for paragraph in text.split("\n\n"):
        lo = text.index(paragraph, position)
        hi = position = lo + len(paragraph)
        origin = origin_of.get(tuple(words(paragraph)))
        if origin is None or hi <= start or lo >= end:
            continue
        mine = _tokens(paragraph)
        base = numbered.starts[origin]
        theirs = _tokens(source.paragraphs[origin])
        wanted = {i for i, (_, s, e) in enumerate(mine) if lo + s >= start and lo + e <= end}
        matcher = difflib.SequenceMatcher(
            None, [t for t, _, _ in mine], [t for t, _, _ in theirs], autojunk=False
        )
        for a, b, size in matcher.get_matching_blocks():
            for i in range(size):
                if a + i in wanted:
                    found.append(numbered.at[base + theirs[b + i][1]])
    return (min(found), max(found)) if found else None


def _join_gold(
    drop: Drop,
    numbered: dict[str, _Numbered],
    spans: dict[str, tuple[str, int, int]],
    union: _Union,
) -> None:
    """Quotes of different sources are one quotation when the gold quotes they fall in are the
    same words (the shorter's, five at least, in the longer's)."""
    gold_of: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, source in drop.sources.items():
        tokens = numbered[doc_id].tokens
        entries = []
        for start, end in source.gold:
            inside = [i for i, (_, s, e) in enumerate(tokens) if s >= start and e <= end]
            if inside:
                entries.append(
                    (
                        inside[0],
                        inside[-1],
                        " ".join(t for t, _, _ in tokens[inside[0] : inside[-1] + 1]),
                    )
                )
        gold_of[doc_id] = entries
    holders: dict[tuple[str, str], str] = {}  # (source, gold words) -> a quote in it
    for quote_id, (source, first, last) in spans.items():
        for lo, hi, text in gold_of[source]:
            if first <= hi and last >= lo:
                holders.setdefault((source, text), quote_id)
    by_text = sorted(holders.items(), key=lambda kv: len(kv[0][1]))
    for i, ((source, text), quote_id) in enumerate(by_text):
        for (other_source, other_text), other_id in by_text[i + 1 :]:
            if other_source != source and _excerpt(text, other_text):
                union.join(quote_id, other_id)


# -- the measure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    stories: Pairwise
    quotes: Pairwise
    articles: int
    copies: int  # articles that are not the first copy of their story
    cross_source_quotations: int  # true quotations found in two source articles or more


def load_nights(nights: Sequence[Path], home: Path, window_days: int | None = None) -> None:
    """Each night's drop through `newsflow run`, as a user would load it (its own process)."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSFLOW_WARM"}  # no warm runner
    if window_days is not None:
        env["NEWSFLOW_SYNDICATION_WINDOW_DAYS"] = str(window_days)
    for night in nights:
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", str(night), "--home", str(home)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"newsflow run {night} failed:\n{done.stdout[-3000:]}{done.stderr}")


def stop_server(home: Path) -> None:
    """Stop the home's Prefect server, which the runs started (it would idle for an hour)."""
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "server", "stop", "--home", str(home)],
        capture_output=True,
    )


def measure(drop: Drop, home: Path) -> Measure:
    """Story and quote clusters of a loaded drop against the generator's truth."""
    store = Store(home)
    with store.connect() as con:
        stories = con.execute(
            "SELECT c.url, c.story_cluster_id, a.text FROM current_articles c "
            "JOIN latest_articles a USING (article_id, version)"
        ).fetchall()
        found = con.execute(
            "SELECT o.quote_id, c.url, q.start_char, q.end_char, o.quote_cluster_id "
            "FROM quote_occurrences o JOIN quotes q ON q.quote_id = o.quote_id "
            "JOIN current_articles c ON c.article_id = o.article_id AND c.version = o.version"
        ).fetchall()
    source_of = {c.record["url"]: c.source for c in drop.copies}
    predicted = {url: cluster for url, cluster, _ in stories}
    truth = {url: source_of[url] for url in predicted if url in source_of}
    texts = {url: text for url, _, text in stories}
    quotes = [FoundQuote(q, url, s, e) for q, url, s, e, _ in found]
    true_quotes = quote_truth(drop, texts, quotes)
    by_source: dict[Any, set[str]] = defaultdict(set)
    for q in quotes:
        by_source[true_quotes[q.quote_id]].add(source_of.get(q.url, q.url))
    crossing = sum(len(s) > 1 for s in by_source.values())
    return Measure(
        stories=pairwise(predicted, truth),
        quotes=pairwise({q: c for q, _, _, _, c in found}, true_quotes),
        articles=len(predicted),
        copies=len(predicted) - len(set(truth.values())),
        cross_source_quotations=crossing,
    )
