"""Scoring of newsflow's outputs against the hand-annotated evaluation sets in /work/shared/data.

Each metric copies the definition its data set's README (and the upstream script behind it) uses,
so that our figures can be set next to the published ones. Where an upstream script leaves a
choice open (match order, ties, missing documents) the choice made here is written down at the
function, because a silent difference would make a comparison with published figures meaningless.

The module is plain standard-library Python: it runs in CI and in notebooks without the NLP stack.
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any, Literal

QUOTE_THRESHOLDS: tuple[float, ...] = (0.3, 0.8)
"""The two overlap thresholds the Gender Gap Tracker publishes figures for."""

SPEAKER_THRESHOLD = 0.3
"""Speaker and verb accuracy are reported on the matches made at this threshold (README)."""

SHINGLE_SIZE = 4

_WORD_RE = re.compile(r"\w+")
_WS_RE = re.compile(r"\s+")
_DAY_RE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PRF:
    """Micro counts with their precision, recall and F1, kept together so a score never travels
    without the counts that explain it."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


def _ratio(numerator: float, denominator: float) -> float:
    """An empty denominator scores 0 rather than raising: an evaluation over a subset with no
    predictions is a bad result, not a crash."""
    return numerator / denominator if denominator else 0.0


def _harmonic_mean(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def prf(tp: int, fp: int, fn: int) -> PRF:
    """The one place micro precision/recall/F1 are derived, so every metric agrees on the
    zero-denominator convention (0.0)."""
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return PRF(tp, fp, fn, precision, recall, _harmonic_mean(precision, recall))


def normalize_ws(text: str) -> str:
    """Collapse whitespace runs as trafilatura's eval does, so line-wrapping never costs a match."""
    return _WS_RE.sub(" ", text).strip()


def _index_docs(docs: Iterable[Mapping[str, Any]], what: str) -> dict[str, Mapping[str, Any]]:
    """Key documents by doc_id; a duplicate id is an error because silently keeping one of them
    would score against the wrong annotation."""
    index: dict[str, Mapping[str, Any]] = {}
    for doc in docs:
        doc_id = str(doc["doc_id"])
        if doc_id in index:
            raise ValueError(f"duplicate doc_id {doc_id!r} in {what}")
        index[doc_id] = doc
    return index


def _clip(text: str | None, width: int = 70) -> str:
    if text is None:
        return ""
    text = normalize_ws(text)
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------------------------
# Quotes (Gender Gap Tracker metric, ggt_dev README)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A character span of a quote or speaker; offsets are None where the annotation or the
    prediction has none (a floating quote's speaker, one unlocated gold quote)."""

    start: int | None
    end: int | None
    text: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.start is None or self.end is None or self.end <= self.start

    def __str__(self) -> str:
        where = "[-]" if self.is_empty else f"[{self.start}:{self.end}]"
        return f"{where} {_clip(self.text)!r}" if self.text else where


def overlap_ratio(gold: Span, predicted: Span) -> float:
    """|gold ∩ predicted| / |gold|, asymmetric on purpose (the tracker's definition): a prediction
    that runs past the gold quote is not punished, one that covers too little of it is. An empty
    or unlocated span scores 0, as in the tracker."""
    if gold.is_empty or predicted.is_empty:
        return 0.0
    assert gold.start is not None and gold.end is not None
    assert predicted.start is not None and predicted.end is not None
    common = min(gold.end, predicted.end) - max(gold.start, predicted.start)
    return max(common, 0) / (gold.end - gold.start)


@dataclass(frozen=True)
class QuoteMatch:
    """One gold quote paired with the prediction that matched it, with both speakers, so a
    speaker or verb error can be read without going back to the raw data."""

    gold: Span
    predicted: Span
    ratio: float
    gold_speaker: Span
    predicted_speaker: Span
    gold_verb: str
    predicted_verb: str
    speaker_ok: bool
    verb_ok: bool


@dataclass(frozen=True)
class ArticleQuoteResult:
    """Everything about one article at one threshold: enough to print why it lost points."""

    doc_id: str
    matches: tuple[QuoteMatch, ...]
    missed: tuple[Span, ...]
    spurious: tuple[Span, ...]
    prediction_missing: bool = False
    matched_gold: frozenset[int] = frozenset()  # positions in the article's gold list

    @property
    def tp(self) -> int:
        return len(self.matches)

    @property
    def fp(self) -> int:
        return len(self.spurious)

    @property
    def fn(self) -> int:
        return len(self.missed)

    @property
    def speaker_errors(self) -> tuple[QuoteMatch, ...]:
        return tuple(m for m in self.matches if not m.speaker_ok)

    @property
    def verb_errors(self) -> tuple[QuoteMatch, ...]:
        return tuple(m for m in self.matches if not m.verb_ok)


@dataclass(frozen=True)
class QuoteThresholdScores:
    """Scores at one overlap threshold. Speaker and verb accuracy are computed at every
    threshold (the tracker prints them all) but the README's headline figure is the 0.3 one."""

    threshold: float
    micro: PRF
    speaker_matches: int
    verb_matches: int
    speaker_accuracy: float
    verb_accuracy: float
    articles: tuple[ArticleQuoteResult, ...]

    def breakdown(self, only_errors: bool = True) -> str:
        """A plain-text error listing per article, for a developer tuning the extractor."""
        lines = [
            f"t={self.threshold}: P {self.micro.precision:.3f} R {self.micro.recall:.3f} "
            f"F1 {self.micro.f1:.3f} (tp {self.micro.tp} fp {self.micro.fp} fn {self.micro.fn}); "
            f"speaker {self.speaker_accuracy:.3f}, verb {self.verb_accuracy:.3f}"
        ]
        for art in self.articles:
            errors = art.missed or art.spurious or art.speaker_errors or art.verb_errors
            if only_errors and not errors:
                continue
            note = "  (no prediction for this doc)" if art.prediction_missing else ""
            lines.append(f"{art.doc_id}: tp {art.tp} fp {art.fp} fn {art.fn}{note}")
            lines.extend(f"  missed   {span}" for span in art.missed)
            lines.extend(f"  spurious {span}" for span in art.spurious)
            for m in art.speaker_errors:
                predicted = "floating" if m.predicted_speaker.is_empty else m.predicted_speaker
                gold = "floating" if not (m.gold_speaker.text or "").strip() else m.gold_speaker
                lines.append(f"  speaker  {m.gold}: gold {gold} vs predicted {predicted}")
            for m in art.verb_errors:
                lines.append(
                    f"  verb     {m.gold}: gold {m.gold_verb!r} vs predicted {m.predicted_verb!r}"
                )
        return "\n".join(lines)


@dataclass(frozen=True)
class QuoteScores:
    """Scores at every threshold, plus the document bookkeeping that is the same at all of them."""

    by_threshold: dict[float, QuoteThresholdScores]
    missing_doc_ids: tuple[str, ...]
    extra_doc_ids: tuple[str, ...]

    @property
    def speaker_accuracy(self) -> float:
        return self.by_threshold[SPEAKER_THRESHOLD].speaker_accuracy

    @property
    def verb_accuracy(self) -> float:
        return self.by_threshold[SPEAKER_THRESHOLD].verb_accuracy


def _quote_span(quote: Mapping[str, Any]) -> Span:
    text = quote.get("quote", quote.get("text"))
    return Span(quote.get("quote_start"), quote.get("quote_end"), text)


def _speaker_span(quote: Mapping[str, Any]) -> Span:
    text = quote.get("speaker", quote.get("speaker_text"))
    return Span(quote.get("speaker_start"), quote.get("speaker_end"), text)


def _verb(quote: Mapping[str, Any]) -> str:
    return (quote.get("verb") or "").strip().lower()


def _speaker_ok(gold: Mapping[str, Any], predicted: Mapping[str, Any]) -> bool:
    """The tracker's rule: any overlap of the speaker spans counts (an extracted speaker often
    carries a title the annotators left out), and a gold quote with no speaker text is right
    only when the prediction is floating too, i.e. has no speaker span."""
    gold_speaker, predicted_speaker = _speaker_span(gold), _speaker_span(predicted)
    if overlap_ratio(gold_speaker, predicted_speaker) > 0:
        return True
    return not (gold.get("speaker") or "").strip() and predicted_speaker.is_empty


def _gold_order(item: tuple[int, Mapping[str, Any]]) -> tuple[bool, int, int, int]:
    index, quote = item
    span = _quote_span(quote)
    if span.is_empty:
        return (True, 0, 0, index)
    assert span.start is not None and span.end is not None
    return (False, span.start, span.end, index)


def _match_article(
    doc_id: str,
    gold_quotes: Sequence[Mapping[str, Any]],
    predicted_quotes: Sequence[Mapping[str, Any]] | None,
    threshold: float,
) -> ArticleQuoteResult:
    """Greedy one-to-one matching, in this fixed order:

    1. Gold quotes are visited by (start, end, position in the list); unlocated ones last.
       The tracker visits them in file order, which is start order in all but one ggt_dev
       article, so its figures are reproduced while the result no longer depends on how the
       annotations happen to be listed.
    2. Each takes, among the still unused predictions whose overlap ratio is > threshold
       (strictly, as in the tracker), the one with the largest ratio; ties go to the
       prediction with more of its own characters inside the gold quote (the tighter one,
       which leaves a longer prediction free for a neighbouring quote), then to the earlier
       start, then to list position.
    3. Unmatched gold quotes are FN, unused predictions FP.
    """
    predicted = list(predicted_quotes or [])
    predicted_spans = [_quote_span(p) for p in predicted]
    unused = set(range(len(predicted)))
    matches: list[QuoteMatch] = []
    missed: list[Span] = []
    matched_gold: set[int] = set()
    for position, gold in sorted(enumerate(gold_quotes), key=_gold_order):
        gold_span = _quote_span(gold)
        best: tuple[float, float, int, int] | None = None
        for j in unused:
            ratio = overlap_ratio(gold_span, predicted_spans[j])
            if ratio <= threshold:
                continue
            tightness = overlap_ratio(predicted_spans[j], gold_span)
            start = predicted_spans[j].start
            assert start is not None
            key = (-ratio, -tightness, start, j)
            if best is None or key < best:
                best = key
        if best is None:
            missed.append(gold_span)
            continue
        j = best[3]
        unused.discard(j)
        matched_gold.add(position)
        pred = predicted[j]
        matches.append(
            QuoteMatch(
                gold=gold_span,
                predicted=predicted_spans[j],
                ratio=-best[0],
                gold_speaker=_speaker_span(gold),
                predicted_speaker=_speaker_span(pred),
                gold_verb=_verb(gold),
                predicted_verb=_verb(pred),
                speaker_ok=_speaker_ok(gold, pred),
                verb_ok=_verb(gold) == _verb(pred),
            )
        )
    spurious = [predicted_spans[j] for j in sorted(unused)]
    return ArticleQuoteResult(
        doc_id=doc_id,
        matches=tuple(matches),
        missed=tuple(missed),
        spurious=tuple(spurious),
        prediction_missing=predicted_quotes is None,
        matched_gold=frozenset(matched_gold),
    )


def score_quotes(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    thresholds: Sequence[float] = QUOTE_THRESHOLDS,
) -> QuoteScores:
    """Score quote extraction with the Gender Gap Tracker's metric (see _match_article for the
    matching order).

    Departures from the tracker's script, chosen so a broken run cannot look good: a gold
    article with no predicted document counts all its quotes as FN (the script skipped it);
    predicted documents absent from the gold set are ignored for scoring but listed in
    extra_doc_ids, since a pipeline run legitimately covers more articles than were annotated.
    A gold quote without offsets (one in ggt_dev) can never be matched, as in the tracker.
    """
    gold_docs = _index_docs(gold, "gold")
    predicted_docs = _index_docs(predicted, "predictions")
    missing = tuple(doc_id for doc_id in gold_docs if doc_id not in predicted_docs)
    extra = tuple(doc_id for doc_id in predicted_docs if doc_id not in gold_docs)
    by_threshold: dict[float, QuoteThresholdScores] = {}
    for threshold in thresholds:
        articles = []
        for doc_id, gold_doc in gold_docs.items():
            predicted_doc = predicted_docs.get(doc_id)
            predicted_quotes = None if predicted_doc is None else predicted_doc.get("quotes") or []
            articles.append(
                _match_article(doc_id, gold_doc.get("quotes") or [], predicted_quotes, threshold)
            )
        micro = prf(
            sum(a.tp for a in articles), sum(a.fp for a in articles), sum(a.fn for a in articles)
        )
        speaker_matches = sum(m.speaker_ok for a in articles for m in a.matches)
        verb_matches = sum(m.verb_ok for a in articles for m in a.matches)
        by_threshold[threshold] = QuoteThresholdScores(
            threshold=threshold,
            micro=micro,
            speaker_matches=speaker_matches,
            verb_matches=verb_matches,
            speaker_accuracy=_ratio(speaker_matches, micro.tp),
            verb_accuracy=_ratio(verb_matches, micro.tp),
            articles=tuple(articles),
        )
    return QuoteScores(by_threshold=by_threshold, missing_doc_ids=missing, extra_doc_ids=extra)


_MARKS = '"“”„«»'


def quote_form(quote: Mapping[str, Any]) -> str:
    """direct (in quote marks from end to end), mixed (a quoted fragment inside reported words)
    or indirect (no marks): read from the gold text, since neither corpus labels it."""
    text = (quote.get("quote") or "").strip(" .,;")
    if text[:1] in _MARKS and text[-1:] in _MARKS:
        return "direct"
    return "mixed" if any(mark in text for mark in _MARKS) else "indirect"


def recall_by(
    gold: Sequence[Mapping[str, Any]],
    scores: QuoteThresholdScores,
    category: Callable[[Mapping[str, Any]], str | None],
) -> dict[str, tuple[int, int]]:
    """Found and total gold quotes in each category, for a recall per category (precision is
    not defined per category: a prediction has no gold label). Quotes whose category is None
    are left out, so a field one corpus lacks (cue_class) gives no rows rather than a "None"."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    results = {a.doc_id: a for a in scores.articles}
    for doc in gold:
        article = results.get(str(doc["doc_id"]))
        for position, quote in enumerate(doc.get("quotes") or []):
            label = category(quote)
            if label is None:
                continue
            total[label] += 1
            found[label] += article is not None and position in article.matched_gold
    return {label: (found[label], total[label]) for label in sorted(total)}


# --------------------------------------------------------------------------------------------
# People named in an article
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocSetErrors:
    """Names as written (first spelling seen), so the listing is readable."""

    doc_id: str
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]
    prediction_missing: bool = False


@dataclass(frozen=True)
class SetScores:
    """Micro scores of per-document name sets, with the per-document differences."""

    micro: PRF
    docs: tuple[DocSetErrors, ...]
    missing_doc_ids: tuple[str, ...]


def fold(text: str) -> str:
    """Case and spacing are how scrapers and NER disagree on the same name or title; nothing
    else is forgiven (no title stripping), so the metrics stay the plain comparisons they claim."""
    return normalize_ws(text).casefold()


def _name_set(names: Iterable[str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for name in names or []:
        key = fold(name)
        if key:
            result.setdefault(key, normalize_ws(name))
    return result


def score_people(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    field: str = "people",
) -> SetScores:
    """Compare the `field` name lists (`people`, or a gender class such as `sourcesFemale`)
    per doc_id as sets of normalised names (duplicates count once).

    A gold document without a predicted one counts all its names as FN; predicted documents
    outside the gold set are ignored, as in score_quotes.
    """
    gold_docs = _index_docs(gold, "gold")
    predicted_docs = _index_docs(predicted, "predictions")
    tp = fp = fn = 0
    docs: list[DocSetErrors] = []
    for doc_id, gold_doc in gold_docs.items():
        predicted_doc = predicted_docs.get(doc_id)
        gold_names = _name_set(gold_doc.get(field))
        predicted_names = _name_set(None if predicted_doc is None else predicted_doc.get(field))
        tp += len(gold_names.keys() & predicted_names.keys())
        false_pos = [n for k, n in predicted_names.items() if k not in gold_names]
        false_neg = [n for k, n in gold_names.items() if k not in predicted_names]
        fp += len(false_pos)
        fn += len(false_neg)
        docs.append(DocSetErrors(doc_id, tuple(false_pos), tuple(false_neg), predicted_doc is None))
    missing = tuple(d.doc_id for d in docs if d.prediction_missing)
    return SetScores(micro=prf(tp, fp, fn), docs=tuple(docs), missing_doc_ids=missing)


GENDER_CLASSES = ("peopleFemale", "peopleMale", "sourcesFemale", "sourcesMale")
"""The Gender Gap Tracker's per-article name lists that gender is scored on."""


def score_gender(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> dict[str, SetScores]:
    """Each gender class scored as its own name set (the tracker's per-class P/R/F1): a woman
    found but called a man is a FN of peopleFemale and a FP of peopleMale."""
    return {field: score_people(gold, predicted, field) for field in GENDER_CLASSES}


def female_share(docs: Iterable[Mapping[str, Any]], kind: str = "sources") -> float:
    """Women among the people of known gender (`kind` = sources or people), over all articles:
    the share the tracker reports. People of unknown gender are left out of both counts."""
    female = male = 0
    for doc in docs:
        female += len(_name_set(doc.get(f"{kind}Female")))
        male += len(_name_set(doc.get(f"{kind}Male")))
    return _ratio(female, female + male)


# --------------------------------------------------------------------------------------------
# HTML body extraction (Scrapinghub article-extraction-benchmark metric)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageBodyScore:
    """Normalised TP/FP/FN (they sum to 1, or are all 0). precision is None when the page is
    left out of the precision mean (no predicted shingles); recall is None when the page is
    left out of the recall mean (no gold shingles)."""

    tp: float
    fp: float
    fn: float
    precision: float | None
    recall: float | None
    exact: bool


@dataclass(frozen=True)
class BodyScores:
    """Macro scores over pages; f1 is the harmonic mean of the two means, as upstream."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: dict[str, PageBodyScore]


def tokenize(text: str | None) -> list[str]:
    """The benchmark's tokenizer: Unicode \\w+ runs, case kept."""
    return _WORD_RE.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Token n-grams as a multiset; a text shorter than n tokens yields one shorter shingle and
    an empty text none, exactly as the benchmark's _ngrams does."""
    tokens = tokenize(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def score_page_body(gold: str, predicted: str | None) -> PageBodyScore:
    """Normalising by TP+FP+FN makes every page weigh the same whatever its length."""
    gold_sh, pred_sh = shingles(gold), shingles(predicted)
    tp = sum((gold_sh & pred_sh).values())
    fp = sum((pred_sh - gold_sh).values())
    fn = sum((gold_sh - pred_sh).values())
    total = tp + fp + fn
    ntp, nfp, nfn = (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)
    return PageBodyScore(
        tp=ntp,
        fp=nfp,
        fn=nfn,
        precision=ntp / (ntp + nfp) if ntp + nfp > 0 else None,
        recall=ntp / (ntp + nfn) if ntp + nfn > 0 else None,
        exact=tokenize(gold) == tokenize(predicted),
    )


def score_bodies(gold: Mapping[str, str], predicted: Mapping[str, str | None]) -> BodyScores:
    """Score main-text extraction per the benchmark's evaluate.py.

    A page missing from `predicted`, None, or without a single token has no shingles: it drops
    out of the precision mean and scores recall 0 (README). Pages only in `predicted` are
    ignored, so a caller can score a subset (e.g. English pages) by filtering `gold` alone.
    """
    pages = {
        page_id: score_page_body(text, predicted.get(page_id)) for page_id, text in gold.items()
    }
    precisions = [p.precision for p in pages.values() if p.precision is not None]
    recalls = [p.recall for p in pages.values() if p.recall is not None]
    precision = fmean(precisions) if precisions else 0.0
    recall = fmean(recalls) if recalls else 0.0
    accuracy = fmean(p.exact for p in pages.values()) if pages else 0.0
    return BodyScores(
        precision=precision,
        recall=recall,
        f1=_harmonic_mean(precision, recall),
        accuracy=accuracy,
        pages=pages,
    )


# --------------------------------------------------------------------------------------------
# Must-keep / must-drop segments and metadata (trafilatura evaluation corpus)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSegments:
    """Per-page counts plus the segments that went wrong, for a developer reading the failures."""

    file: str
    tp: int
    fp: int
    fn: int
    tn: int
    missing: tuple[str, ...]
    leaked: tuple[str, ...]
    no_output: bool


@dataclass(frozen=True)
class SegmentScores:
    """Micro scores; tn and accuracy on top of PRF because trafilatura publishes accuracy too."""

    micro: PRF
    tn: int
    accuracy: float
    pages: tuple[PageSegments, ...]


def score_page_segments(page: Mapping[str, Any], output: str | None) -> PageSegments:
    """Plain substring tests after whitespace normalisation, as trafilatura's count_item. A None
    output (crash, nothing extracted) misses every `with` segment and leaks no `without` one."""
    keep = [str(s) for s in page.get("with") or []]
    drop = [str(s) for s in page.get("without") or []]
    text = normalize_ws(output) if isinstance(output, str) else None
    missing = [s for s in keep if text is None or normalize_ws(s) not in text]
    leaked = [s for s in drop if text is not None and normalize_ws(s) in text]
    return PageSegments(
        file=str(page["file"]),
        tp=len(keep) - len(missing),
        fp=len(leaked),
        fn=len(missing),
        tn=len(drop) - len(leaked),
        missing=tuple(missing),
        leaked=tuple(leaked),
        no_output=text is None,
    )


def score_segments(
    pages: Sequence[Mapping[str, Any]], outputs: Mapping[str, str | None]
) -> SegmentScores:
    """Score cleaned text against the annotation's segments, keyed by the annotation's `file`;
    a page with no entry in `outputs` counts as a None output, so a skipped page cannot help."""
    results = tuple(score_page_segments(page, outputs.get(str(page["file"]))) for page in pages)
    tp = sum(r.tp for r in results)
    fp = sum(r.fp for r in results)
    fn = sum(r.fn for r in results)
    tn = sum(r.tn for r in results)
    return SegmentScores(
        micro=prf(tp, fp, fn), tn=tn, accuracy=_ratio(tp + tn, tp + fp + fn + tn), pages=results
    )


MetadataField = Literal["title", "author", "date"]
MetadataValue = str | Sequence[str] | dt.date | None


def _as_text(value: MetadataValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return " ; ".join(str(v) for v in value)


def _day(value: MetadataValue) -> str | None:
    """YYYY-MM-DD from a date, a datetime or an ISO-like string. Unpadded or dotted forms
    ('2022-11-1', '2022-01.26', two of the gold dates) are read too: the rule compares days,
    not spellings."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    found = _DAY_RE.match(_as_text(value).strip())
    if found is None:
        return None
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def metadata_match(field: MetadataField, gold: MetadataValue, predicted: MetadataValue) -> bool:
    """The README's rough rules for title, author and date.

    - title: equal after whitespace normalisation and case folding, or the gold title is
      contained in a prediction less than 1.5x its length (sites append " | Site name").
    - author: every \\w+ token of the gold name(s) appears among the prediction's tokens,
      case-folded; gold and prediction may each be a string or a list of names.
    - date: both give the same YYYY-MM-DD day (a time part is ignored).
    An empty gold value is matched only by an empty prediction; the README's accuracies leave
    such pages out, which is the caller's filter to apply.
    """
    gold_text, predicted_text = _as_text(gold), _as_text(predicted)
    if not gold_text.strip():
        return not predicted_text.strip()
    if field == "title":
        g, p = fold(gold_text), fold(predicted_text)
        return g == p or (g in p and len(p) < 1.5 * len(g))
    if field == "author":
        wanted = set(tokenize(gold_text.casefold()))
        return bool(wanted) and wanted <= set(tokenize(predicted_text.casefold()))
    if field == "date":
        gold_day = _day(gold)
        return gold_day is not None and gold_day == _day(predicted)
    raise ValueError(f"unknown metadata field {field!r}")
