"""`newsflow eval scraped`: real pages saved as scraper text, through the text path, scored.

Users who receive scraped page text get whatever the scraper kept of the page: navigation, other
stories' headlines, comment threads and footers around the article. This module renders HTML pages
with gold article bodies the ways scrapers do, runs each rendering through ingest and clean as a
drop of .txt files, and measures what the text path keeps of the article and what it removes of
the rest. The same renderings and gold labels make the line model's training data
(evaluation/train_line_model.py). Page texts belong to their publishers: they are read at run
time, never stored here.

Renderings (each with and without link text, as scrapers that drop anchors give it):
- `blocks`: one block element per line, the page's headline (its h1, else its title) first;
- `soup`: every text node on a line of its own, the title first, as BeautifulSoup's
  get_text("\\n") gives it (a paragraph with a link in it comes as several lines);
- `html2txt`: the body as trafilatura's html2txt cleans it (no aside, footer, cookie banner), its
  block boundaries as line breaks (html2txt itself joins everything into one line, which no line
  filter can work with), no headline first.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml.html import HtmlElement

from evaluation.clean_pages import page_files, page_id
from tasks.clean import clean_batch, normalise
from tasks.ingest import Limits, parse_document
from tasks.records import Article

# Elements whose text no reader sees.
_HIDDEN = frozenset(("script", "style", "noscript", "template", "svg", "select", "textarea"))
# Elements a browser lays out as blocks: a line break before and after each.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "label",
        "option",
    ]
)
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


def _lines(text: str) -> list[str]:
    return [line for line in (_SPACE.sub(" ", part).strip() for part in text.split("\n")) if line]


def _without_links(tree: HtmlElement) -> HtmlElement:
    """A copy of the page with every link's text gone (the text after each link stays)."""
    tree = copy.deepcopy(tree)
    for anchor in list(tree.iter("a")):
        anchor.drop_tree()
    return tree


def block_lines(element: HtmlElement) -> list[str]:
    """The visible text of an element, one block element per line."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _HIDDEN or not tag:  # comments and processing instructions too
            parts.append(node.tail or "")
            return
        block = tag in _BLOCKS
        parts.append("\n" if block else " " if tag in ("td", "th") else "")
        parts.append(node.text or "")
        for child in node:
            walk(child)
        parts.append("\n" if block else "")
        parts.append(node.tail or "")

    walk(element)
    return _lines("".join(parts))


def node_lines(tree: HtmlElement) -> list[str]:
    """Every text node on a line of its own, the title's first: get_text("\\n") and a strip of
    each line, the way a BeautifulSoup scraper writes a page (script and style left out)."""
    parts: list[str] = []

    def walk(node: HtmlElement, hidden: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        hidden = hidden or not tag or tag in ("script", "style", "template")
        if node.text and not hidden:
            parts.append(node.text)
        for child in node:
            walk(child, hidden)
            if child.tail and not hidden:
                parts.append(child.tail)

    walk(tree, False)
    return _lines("\n".join(parts))


def _headline(tree: HtmlElement) -> str | None:
    for h1 in tree.iter("h1"):
        text = _SPACE.sub(" ", h1.text_content()).strip()
        if text:
            return text
    title = tree.find(".//title")
    text = _SPACE.sub(" ", title.text_content()).strip() if title is not None else ""
    return text or None


def _body(tree: HtmlElement) -> HtmlElement:
    body = tree.find(".//body")
    return body if body is not None else tree


def render_blocks(tree: HtmlElement) -> list[str]:
    headline = _headline(tree)
    return ([headline] if headline else []) + block_lines(_body(tree))


def render_soup(tree: HtmlElement) -> list[str]:
    return node_lines(tree)


def render_html2txt(tree: HtmlElement) -> list[str]:
    from trafilatura.baseline import basic_cleaning

    body = copy.deepcopy(_body(tree))
    return block_lines(basic_cleaning(body))


def _no_links(render: Callable[[HtmlElement], list[str]]) -> Callable[[HtmlElement], list[str]]:
    return lambda tree: render(_without_links(tree))


RENDERINGS: dict[str, Callable[[HtmlElement], list[str]]] = {
    "blocks": render_blocks,
    "blocks, no links": _no_links(render_blocks),
    "soup": render_soup,
    "soup, no links": _no_links(render_soup),
    "html2txt": render_html2txt,
    "html2txt, no links": _no_links(render_html2txt),
}


def parse_page(html: str) -> HtmlElement | None:
    from trafilatura.utils import load_html

    return load_html(html)


def render(html: str) -> dict[str, list[str]]:
    """The page's lines in each rendering (empty when the page does not parse)."""
    tree = parse_page(html)
    if tree is None:
        return {name: [] for name in RENDERINGS}
    return {name: renderer(tree) for name, renderer in RENDERINGS.items()}


# --------------------------------------------------------------------------------------------
# Gold labels: which lines of a rendering hold the article
# --------------------------------------------------------------------------------------------

BODY, OTHER, MIXED = "body", "other", "mixed"
# A gold paragraph this short ("Background", "Photos") may also be a menu item: it labels a line
# only inside the stretch of the page that the longer paragraphs span.
_SHORT_PARAGRAPH = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def gold_paragraphs(body: str) -> list[list[str]]:
    """The gold body's paragraphs as word sequences (paragraphs without words left out)."""
    return [t for t in (tokens(p) for p in body.split("\n")) if t]


class _Stream:
    """A text's words in one string, to find a paragraph's words as a run in it."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.line_of: list[int] = []
        words: list[str] = []
        for number, line in enumerate(lines):
            found = tokens(line)
            words += found
            self.line_of += [number] * len(found)
        self.words = words
        self.text = " " + " ".join(words) + " "
        # the word index at each character offset where a word starts
        self.word_at: dict[int, int] = {}
        offset = 1
        for index, word in enumerate(words):
            self.word_at[offset] = index
            offset += len(word) + 1

    def find(self, paragraph: list[str]) -> list[tuple[int, int]]:
        """Word ranges [start, end) where the paragraph occurs."""
        needle = " " + " ".join(paragraph) + " "
        found, start = [], self.text.find(needle)
        while start >= 0:
            first = self.word_at[start + 1]
            found.append((first, first + len(paragraph)))
            start = self.text.find(needle, start + 1)
        return found

    def holds(self, paragraph: list[str]) -> bool:
        return (" " + " ".join(paragraph) + " ") in self.text


def label_lines(lines: Sequence[str], paragraphs: Sequence[list[str]]) -> list[str]:
    """BODY for a line whose words are mostly gold paragraphs', OTHER for a line with none of
    them, MIXED for the rest."""
    stream = _Stream(lines)
    spans = {p: stream.find(words) for p, words in enumerate(paragraphs)}
    long_spans = [
        s for p, found in spans.items() for s in found if len(paragraphs[p]) >= _SHORT_PARAGRAPH
    ]
    region = (min(s for s, _ in long_spans), max(e for _, e in long_spans)) if long_spans else None
    covered = [0] * len(lines)
    marked = [False] * len(stream.line_of)
    for p, found in spans.items():
        for start, end in found:
            short = len(paragraphs[p]) < _SHORT_PARAGRAPH
            if short and region and not (region[0] <= start and end <= region[1]):
                continue
            for index in range(start, end):
                marked[index] = True
    # A line the scraper cut out of a paragraph, or a paragraph whose links it dropped, is
    # the article's too: its runs of three words that the gold body has.
    shingles = {tuple(p[i : i + 3]) for p in paragraphs for i in range(len(p) - 2)}
    words = stream.words
    for index in range(len(words) - 2):
        same_line = stream.line_of[index] == stream.line_of[index + 2]
        if same_line and tuple(words[index : index + 3]) in shingles:
            marked[index] = marked[index + 1] = marked[index + 2] = True
    for index, mark in enumerate(marked):
        covered[stream.line_of[index]] += mark
    labels = []
    for number, line in enumerate(lines):
        count = len(tokens(line))
        if not covered[number]:
            labels.append(OTHER)
        elif covered[number] * 2 >= count:
            labels.append(BODY)
        else:
            labels.append(MIXED)
    return labels


def positions(labels: Sequence[str]) -> list[str]:
    """Where each line stands: "above", "inside" or "below" the article (its body lines)."""
    body = [n for n, label in enumerate(labels) if label == BODY]
    if not body:
        return ["above"] * len(labels)
    first, last = body[0], body[-1]
    return ["above" if n < first else "below" if n > last else "inside" for n in range(len(labels))]


# --------------------------------------------------------------------------------------------
# The text path and its score
# --------------------------------------------------------------------------------------------

PLACES = ("above", "inside", "below")


@dataclass
class Score:
    """One rendering's figures over the pages."""

    pages: int = 0
    gold: int = 0  # gold paragraphs
    present: int = 0  # of them, in the scraped text
    kept: int = 0  # of those, in the output
    other: Counter[str] = field(default_factory=Counter)  # non-body lines by place
    removed: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def kept_share(self) -> float:
        return self.kept / max(1, self.present)

    @property
    def kept_of_gold(self) -> float:
        return self.kept / max(1, self.gold)

    @property
    def removed_share(self) -> float:
        return sum(self.removed.values()) / max(1, sum(self.other.values()))

    def removed_at(self, place: str) -> float:
        return self.removed[place] / max(1, self.other[place])


def text_path(files: Mapping[str, str]) -> dict[str, Article | None]:
    """The pipeline's clean step on .txt files, as one drop (`files`: name -> text)."""
    names = list(files)
    records = [next(parse_document(f"{n}.txt", files[n].encode(), Limits())) for n in names]
    cleaned = clean_batch(records)  # type: ignore[arg-type]
    return {n: a if isinstance(a, Article) else None for n, a in zip(names, cleaned, strict=True)}


# Lines shorter than this are not counted as boilerplate left in: "Share", "Home" and the like
# cost the NLP nothing.
MIN_WORDS = 3


def score_page(
    name: str, lines: Sequence[str], paragraphs: Sequence[list[str]], output: str, score: Score
) -> None:
    """Add one page's counts. The first line is the file's headline (the .txt format's
    contract), in neither count."""
    rest = list(lines[1:])
    labels = label_lines(rest, paragraphs)
    places = positions(labels)
    scraped, out = _Stream(rest), _Stream(output.split("\n"))
    kept_lines = {line.strip() for line in output.split("\n") if line.strip()}
    score.pages += 1
    for words in paragraphs:
        score.gold += 1
        if scraped.holds(words):
            score.present += 1
            if out.holds(words):
                score.kept += 1
            else:
                score.misses.append(f"{name}\tbody lost\t{' '.join(words)[:200]}")
    for line, label, place in zip(rest, labels, places, strict=True):
        if label != OTHER or len(line.split()) < MIN_WORDS:
            continue
        score.other[place] += 1
        if normalise(line) in kept_lines:
            score.misses.append(f"{name}\t{place} kept\t{line[:200]}")
        else:
            score.removed[place] += 1


def score_renderings(pages: Mapping[str, str], bodies: Mapping[str, str]) -> dict[str, Score]:
    """Each rendering of the pages (`pages`: name -> HTML) through the text path, scored against
    the gold bodies."""
    rendered = {name: render(html) for name, html in pages.items()}
    scores = {}
    for rendering in RENDERINGS:
        files = {n: "\n".join(r[rendering]) for n, r in rendered.items() if r[rendering]}
        articles = text_path(files)
        score = Score()
        for name, lines in ((n, r[rendering]) for n, r in rendered.items()):
            article = articles.get(name)
            paragraphs = gold_paragraphs(bodies.get(name, ""))
            score_page(name, lines, paragraphs, article.text if article else "", score)
        scores[rendering] = score
    return scores


# --------------------------------------------------------------------------------------------
# Pages: the benchmark's folder layout, and a split by page for training and measuring
# --------------------------------------------------------------------------------------------

HELD_OUT_SHARE = 3  # one page in three is held out from training, by the hash of its name


def held_out(name: str) -> bool:
    """The pages the line model never trains on, chosen by the page's name alone."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % HELD_OUT_SHARE == 0


def select(names: Iterable[str], part: str) -> list[str]:
    """`part`: "all", "train" (pages the model may learn from) or "held-out"."""
    if part == "all":
        return sorted(names)
    return sorted(n for n in names if held_out(n) == (part == "held-out"))


def read_pages(folder: Path) -> dict[str, str]:
    """The pages of a folder (.html, .html.gz, ...) by page id, decoded as the benchmark saved
    them (UTF-8; a stray byte becomes a replacement character rather than stopping the run)."""
    pages = {}
    for path in page_files(folder):
        data = path.read_bytes()
        data = gzip.decompress(data) if path.name.endswith(".gz") else data
        pages[page_id(path)] = data.decode("utf-8", "replace")
    return pages
