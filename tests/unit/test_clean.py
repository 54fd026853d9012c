"""Clean: boilerplate out, notes kept aside, metadata normalised, identity stable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tasks.boilerplate import classify, filter_lines
from tasks.clean import article_id, canonical_url, clean, normalise
from tasks.metadata import parse_time, strip_site_name
from tasks.records import Article, RawRecord, Reject
from tests.conftest import SEED_ARTICLE, needs_shared

BODY = """By Jane Roe, Staff Writer

Updated 3:45 PM ET

The county board voted 4-1 on Tuesday to close the Old Mill Bridge for repairs, a move that will add twenty minutes to many commutes.

A truck crosses the Old Mill Bridge on Monday. (Photo: Dana Whitfield/AP)

“We cannot keep patching it,” board chair Anna Kowal said after the vote, adding that the bridge was built in 1931.

Advertisement

Share this article

Editor's Note: An earlier version of this story misstated the vote count.

Related:
County to repave Route 9 next spring
School bus routes will change in March

Leave a Comment

Your email address will not be published. Required fields are marked *

Tom Lee contributed reporting."""


def _raw(body: str, title: str = "Old Mill Bridge to Close [Updated]") -> RawRecord:
    return RawRecord(path="a.txt", record=None, format="text", body=body, title=title)


def test_text_drop_loses_boilerplate_keeps_body_and_notes() -> None:
    article = clean(_raw(BODY))
    assert isinstance(article, Article)
    assert article.text.split("\n\n") == [
        "The county board voted 4-1 on Tuesday to close the Old Mill Bridge for repairs, a move "
        "that will add twenty minutes to many commutes.",
        "“We cannot keep patching it,” board chair Anna Kowal said after the vote, adding that "
        "the bridge was built in 1931.",
    ]
    assert article.headline == "Old Mill Bridge to Close"
    assert article.notes == (
        "[Updated]",
        "Editor's Note: An earlier version of this story misstated the vote count.",
    )
    assert article.authors == ("Jane Roe",)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "An Iraqi soldier walks past a wall near Mosul, Iraq. (Khalid al Mousily/Reuters)",
            "caption",
        ),
        ("Photo: City of Harlow Falls", "caption"),
        ("Getty Images", "caption"),
        ("Leave a Comment - No Links Allowed:", "comment prompt"),
        ("Subscribe to our newsletter for the morning briefing", "share or navigation"),
        ("Reporting by Ana Diaz; Editing by Tom Hogue", "reporting credit"),
        ("Updated Nov. 20, 2026 at 3:45 p.m. ET", "timestamp"),
        ("Read more: Ferry operator adds winter sailings", "link teaser"),
    ],
)
def test_boilerplate_lines(line: str, reason: str) -> None:
    assert classify(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "WASHINGTON (Reuters) - The Senate passed the bill on Tuesday after a long debate.",
        "“Share the road,” the sign says, and drivers mostly do, according to the police chief.",
        "The photo, taken in 1931, shows the bridge before its first repair.",
        "Comments from residents filled two hours of the meeting on Tuesday night.",
    ],
)
def test_prose_is_never_boilerplate(line: str) -> None:
    assert classify(line) is None


def test_link_block_ends_at_next_paragraph() -> None:
    lines = [
        "First paragraph of the story, long enough to be prose and ending with a period.",
        "Related Stories",
        "Another story headline here",
        "And a second one",
        "The story goes on after the inline related block with another full sentence.",
    ]
    assert filter_lines(lines).paragraphs == [lines[0], lines[4]]


def test_headline_repeated_in_body_is_dropped() -> None:
    result = filter_lines(
        ["Old Mill Bridge to Close", "The bridge closes on Monday for six months."],
        "Old Mill Bridge to Close",
    )
    assert result.paragraphs == ["The bridge closes on Monday for six months."]


def test_html_page_goes_through_extractor() -> None:
    page = """<html><head><title>Bridge closes for repairs | Harlow Herald</title>
    <meta name="author" content="Jane Roe"><meta property="article:published_time" content="2026-11-20T09:00:00-05:00">
    </head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
    <article><h1>Bridge closes for repairs</h1>
    <p>The county board voted on Tuesday to close the Old Mill Bridge for six months of repairs.</p>
    <p>“We cannot keep patching it,” board chair Anna Kowal said after the vote on Tuesday night.</p>
    <p>Detours will add twenty minutes to commutes between Harlow Falls and the interstate.</p>
    </article><footer>Copyright 2026 Harlow Herald. All rights reserved.</footer></body></html>"""
    article = clean(RawRecord(path="a.html", record=None, format="html", body=page))
    assert isinstance(article, Article)
    assert article.headline == "Bridge closes for repairs"
    assert article.authors == ("Jane Roe",)
    assert article.published_at == datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert "Copyright" not in article.text and "Home" not in article.text
    assert "board chair Anna Kowal" in article.text


def test_empty_after_cleaning_is_a_reject() -> None:
    assert isinstance(clean(_raw("Share this article\n\nAdvertisement")), Reject)


def test_identity_and_metadata_helpers() -> None:
    assert (
        canonical_url("HTTPS://Example.org/a/?utm_source=x&id=3#top")
        == "https://example.org/a?id=3"
    )
    assert article_id("https://example.org/a", None, None, "x") == article_id(
        "https://example.org/a", "Other", "9", "different text"
    )
    assert article_id(None, "Wire", "17", "a") != article_id(None, "Wire", "18", "a")
    assert parse_time("2026-11-20T09:15:00-05:00") == datetime(2026, 11, 20, 14, 15, tzinfo=UTC)
    assert parse_time("not a date") is None
    assert strip_site_name("Bridge closes | Harlow Herald", "Harlow Herald") == "Bridge closes"
    assert normalise("a\u00a0 b\r\n\n\n\nc ") == "a b\n\nc"
    assert normalise("a\tb  c \u3000d\u2009\u00a0 e f") == "a b c d e f"
    assert normalise("“curly” ‘quotes’") == "“curly” ‘quotes’"


def test_json_title_loses_the_outlets_name() -> None:
    raw = RawRecord(
        "a.json", "1", "text", BODY, title="Bridge to Close | Harlow Herald", outlet="Harlow Herald"
    )
    article = clean(raw)
    assert isinstance(article, Article) and article.headline == "Bridge to Close"


def test_language_is_detected_not_assumed() -> None:
    french = "Les dockers du port bloquent les quais pour le troisième jour consécutif, a annoncé le syndicat."
    article = clean(_raw(french, "Grève au port"))
    assert isinstance(article, Article) and article.language == "fr"


@needs_shared(SEED_ARTICLE)
def test_seed_article_cleaned_exactly() -> None:
    lines = SEED_ARTICLE.read_text().splitlines()
    article = clean(RawRecord("seed.txt", None, "text", "\n".join(lines[1:]), title=lines[0]))
    assert isinstance(article, Article)
    first = next(i for i, line in enumerate(lines) if line.startswith("Joint Chiefs of Staff"))
    note = next(i for i, line in enumerate(lines) if line.startswith("Editor’s Note:"))
    assert article.text.split("\n\n") == [normalise(x) for x in lines[first:note] if x.strip()]
    assert article.notes == ("[Updated]", normalise(lines[note]))
    assert article.headline.endswith("Deemed Mistaken by Joint Chiefs Chairman")
    for gone in (
        "Reuters)",
        "Articles You May Like",
        "Leave a Comment",
        "email address",
        "Fetterman",
    ):
        assert gone not in article.text


def test_words_are_counted_in_scripts_without_spaces() -> None:
    from tasks.records import count_words

    assert count_words("Harbour vote delayed again") == 4
    assert count_words("港口委员会推迟疏浚计划") == 11
    assert count_words("港湾委員会は火曜日 Tokyo 2026") == 11
    # Written for this test: a made-up story in Chinese.
    chinese = _raw(
        "港口委员会星期二投票决定，将疏浚计划推迟到明年春天。委员会主席说，我们需要再收集一季的数据。",
        "港口委员会推迟疏浚计划",
    )
    article = clean(chinese)
    assert isinstance(article, Article)
    assert article.language == "zh" and article.word_count > 30


def test_a_url_that_does_not_parse_still_names_its_story() -> None:
    assert canonical_url("http://[oops") == "http://[oops"
    article = clean(RawRecord("a.json", "1", "text", BODY, url="http://[oops"))
    assert isinstance(article, Article) and article.url == "http://[oops"
    page = RawRecord(
        "a.json", "1", "html", f"<html><body><p>{BODY}</p></body></html>", url="http://[oops"
    )
    assert isinstance(clean(page), Article)
