"""Fingerprints and the decisions of tasks/syndication.py, on texts a copy-editor has changed."""

from __future__ import annotations

import random

from tasks.syndication import (
    NewQuote,
    NewStory,
    QuoteMatch,
    Rules,
    StoryMatch,
    assign_quotes,
    assign_stories,
    containment,
    quote_print,
    story_print,
    words,
)

VOCABULARY = [f"w{i}" for i in range(3_000)]


def _text(seed: int, paragraphs: int = 8, length: int = 60) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choice(VOCABULARY) for _ in range(length)) for _ in range(paragraphs)
    )


def _shared(a: str, b: str) -> float:
    x, y = set(story_print(a).sample), set(story_print(b).sample)
    return containment(len(x & y), len(x), len(y))


def test_words_ignore_case_punctuation_and_the_quote_marks_copy_desks_swap() -> None:
    assert words("“Don’t,” she said.") == words('"don\'t" SHE said') == ["dont", "she", "said"]


def test_a_trimmed_and_edited_copy_shares_most_of_its_shingles_and_another_story_few() -> None:
    original = _text(2)
    paragraphs = original.split("\n\n")
    copy = "\n\n".join(
        ["WASHINGTON (AP) — " + paragraphs[0], *paragraphs[1:5], _text(9, paragraphs=1)]
    ).replace(" w1 ", " w2999 ")  # a word changed wherever it occurs
    assert _shared(original, copy) >= 0.7
    assert _shared(original, _text(3)) < 0.1
    w = words(original)
    assert story_print(original).shingles == len({tuple(w[i : i + 5]) for i in range(len(w) - 4)})


def test_an_excerpt_of_a_quote_shares_its_fingerprints() -> None:
    long = "We will not rest until every family in this state has clean water to drink, ever."
    excerpt = "until every family in this state has clean water"
    a, b = set(quote_print(long)), set(quote_print(excerpt))
    assert containment(len(a & b), len(a), len(b)) >= Rules().quote_containment
    other = "We will build the bridge this year, and the road to it next year."
    assert not set(quote_print(other)) & b


def _story(article: str, other: str, shared: int, cluster: int | None = None) -> StoryMatch:
    return StoryMatch(article, other, shared, 20, 20, cluster)


def test_a_story_joins_the_cluster_it_shares_most_with_else_a_new_one() -> None:
    new = [NewStory("a", 20), NewStory("b", 20), NewStory("c", 20), NewStory("d", 20)]
    matches = [
        _story("a", "old-1", 12, 7),
        _story("a", "old-2", 18, 8),  # the closer copy wins
        _story("b", "a", 15),  # a copy of another new story: a's cluster
        _story("a", "b", 15),
        _story("c", "old-3", 5, 9),  # 25%: a story on the same event, not a copy
        _story("d", "old-4", 2, 10),  # too few shared to say
    ]
    assert assign_stories(new, matches, 100, Rules()) == {"a": 8, "b": 8, "c": 100, "d": 101}


def test_a_new_version_keeps_its_cluster_and_a_story_joins_one_cluster_only() -> None:
    new = [NewStory("v", 20, previous=4), NewStory("x", 20)]
    matches = [_story("x", "one", 16, 1), _story("x", "two", 16, 2)]
    assert assign_stories(new, matches, 50, Rules()) == {"v": 4, "x": 1}


def _quote(quote: str, other: str, shared: int, sizes: tuple[int, int, int, int]) -> QuoteMatch:
    prints, other_prints, n, other_n = sizes
    return QuoteMatch(quote, other, shared, prints, other_prints, n, other_n, 3)


def test_short_quotes_join_only_their_equals_and_long_ones_their_excerpts() -> None:
    rules = Rules()
    new = [NewQuote(q, "person:x", 0, 0) for q in ("short", "same", "excerpt", "apart")]
    matches = [
        _quote("short", "long", 2, (2, 10, 4, 20)),  # "we are going to" inside a speech
        _quote("same", "twin", 2, (2, 2, 4, 4)),
        _quote("excerpt", "long", 6, (7, 10, 12, 20)),
        _quote("apart", "long", 2, (10, 10, 20, 20)),
    ]
    assert assign_quotes(new, matches, 40, rules) == {
        "short": 40,
        "same": 3,
        "excerpt": 3,
        "apart": 41,
    }
