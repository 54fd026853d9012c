"""Property tests: on any text, clean and quotes never raise, every span stays valid, and
batching keeps every item once, in order, within its bounds."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.batching import batches
from tasks.clean import clean
from tasks.entities import extract_mentions
from tasks.quotes import extract_quotes, quote_marks
from tasks.records import Article, RawRecord, Reject

# Text that looks enough like news to reach every rule: words, names, marks of every kind,
# punctuation and paragraph breaks, in any order and any number.
PIECES = st.sampled_from(
    [
        "said",
        "told reporters",
        "according to",
        "he said",
        "she",
        "Mayor Ruth Okafor",
        "Okafor",
        "the minister",
        "that",
        "the council",
        "voted",
        "“",
        "”",
        '"',
        "‘",
        "’",
        "«",
        "»",
        ",",
        ".",
        ":",
        "!",
        "?",
        " — ",
        "\n",
        "\n\n",
        "(Photo: Jane Doe/AP)",
        "Read more:",
        "U.S.",
        "'s",
        "Twitter",
        "Editor's Note:",
        "[Updated]",
        "\x00",
        "\t",
        " ",
        "123",
    ]
)
TEXTS = st.one_of(
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60).map(" ".join),
    st.text(max_size=300),
)


@given(title=st.text(max_size=80), body=TEXTS)
@settings(max_examples=300, deadline=None)
def test_clean_never_raises_and_keeps_text_normalised(title: str, body: str) -> None:
    result = clean(RawRecord(path="x.txt", record=None, format="text", body=body, title=title))
    assert isinstance(result, Article | Reject)
    if isinstance(result, Article):
        assert result.text and result.text == result.text.strip()
        assert "\x00" not in result.text and "\n\n\n" not in result.text


@given(text=TEXTS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_quotes_and_mentions_stay_inside_the_text_and_never_overlap(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    mentions = extract_mentions(doc)
    quotes = extract_quotes(doc, mentions)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
    spans = sorted((q.start, q.end) for q in quotes)
    for (_start, end), (next_start, _) in itertools.pairwise(spans):
        assert end <= next_start
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text) and q.text == text[q.start : q.end]
        if q.speaker_start is not None:
            assert q.speaker_end is not None and 0 <= q.speaker_start < q.speaker_end <= len(text)


@given(text=TEXTS)
@settings(max_examples=300, deadline=None)
def test_quote_marks_are_well_formed(text: str) -> None:
    for span in quote_marks(text):
        assert 0 <= span.start < span.end <= len(text)


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=50), max_size=60),
    max_size=st.integers(min_value=1, max_value=80),
    max_items=st.one_of(st.none(), st.integers(min_value=1, max_value=7)),
)
def test_batches_keep_every_item_in_order_within_bounds(
    sizes: list[int], max_size: int, max_items: int | None
) -> None:
    items = list(enumerate(sizes))
    cut = list(batches(items, lambda item: item[1], max_size, max_items))
    assert [item for batch in cut for item in batch] == items
    for batch in cut:
        assert batch  # never an empty batch
        assert max_items is None or len(batch) <= max_items
        # Over the budget only when one item alone is over it.
        assert sum(size for _, size in batch) <= max_size or len(batch) == 1
    for batch, following in itertools.pairwise(cut):
        # A batch closes only when the next item would break a bound.
        total = sum(size for _, size in batch) + following[0][1]
        assert total > max_size or len(batch) == max_items
