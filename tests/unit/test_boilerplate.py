"""The line filter: each rule on lines written for these tests, and prose left alone."""

from __future__ import annotations

import pytest

from tasks.boilerplate import classify, filter_lines, is_prose
from tasks.repetition import template_keys

PROSE = "The council voted on Tuesday to repair the bridge before the winter storms arrive in town."


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Maya Okafor waves to supporters in Port Ellis on Monday. Photo: Sam Xu/AP", "caption"),
        (
            "Dock workers wait at the gate. Picture taken May 3, 2026. REUTERS/Ivan Petrov",
            "caption",
        ),
        ("Photo by Hana Varga / The Valley Ledger", "caption"),
        ("Harbour views, photos © Marrow Bay Studio, 2025", "caption"),
        ("(Image credit: Metro Post)", "caption"),
        ("Foto: Lena Brandt/dpa", "caption"),
        ("Get the day’s top stories delivered to your inbox every morning.", "promotion"),
        ("Thanks for signing up!", "promotion"),
        ("Follow Ana Castillo on Twitter @anacastillo", "promotion"),
        (
            "Follow the Herald's full coverage of the election at https://example.org/vote",
            "promotion",
        ),
        ("Have a tip? Jonah Kowal may be reached at jkowal@example.org.", "promotion"),
        ("If you enjoyed this article, consider becoming a member today.", "promotion"),
        ("Download the Coastal Times app for breaking news alerts.", "promotion"),
        ("Click here to subscribe", "promotion"),
        ("Pick Six Newsletter", "promotion"),
        ("Be the first to comment", "comment prompt"),
        ("What do you think? Let us know in the comments.", "comment prompt"),
        ("14 thoughts on “Why the ferry runs late”", "comment prompt"),
        ("Keine Kommentare", "comment prompt"),
        ("Written by Quinn Abara", None),  # a byline: dropped above the article, not inside it
        ("— With reporting by Erin Nakamura", "reporting credit"),
        ("Contributing: Felix Moreau", "reporting credit"),
        ("Additional reporting by Wen Haddad in Dunmore", "reporting credit"),
        ("SOURCE: News agencies", "reporting credit"),
        ("Filed under: Transport |", "tags"),
        ("Schlagwörter: Hafen, Verkehr", "tags"),
        ("Tempo de leitura: 4 minutos", "timestamp"),
        ("5 min read", "timestamp"),
        ("Originally published Oct. 2, 2024", "timestamp"),
        ("2026-11-19T08:57:40+01:00", "timestamp"),
        ("Aktualisiert am 12.03.2026, 14:30 Uhr", "timestamp"),
        ("Letzte Änderung", "timestamp"),
        ("STAR REVEALS SECRET HEALTH BATTLE AFTER SHOCK HOSPITAL VISIT", "link teaser"),
        ("Council rejects ferry plan amid storm warnings [VIDEO]", "link teaser"),
        ("SEE MORE: Harbour strike enters third week", "link teaser"),
        ("Lea también: El puerto cierra por la tormenta", "link teaser"),
        ("[button link=”/submit”] Send us your photos[/button]", "share or navigation"),
        ("https://cdn.example.org/images/harbour-2026.jpg", "share or navigation"),
        ("Image 3 of 12", "share or navigation"),
        ("Back to Gallery", "share or navigation"),
        ("This article is the copyrighted property of the Valley Ledger.", "promotion"),
    ],
)
def test_boilerplate_line(line: str, reason: str | None) -> None:
    assert classify(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "WHO IS AHEAD IN THE RACE?",  # a wire subhead, not a shouted link
        "| HD | THE HOME DEPOT INC. | 225.86 | -12.99 |",  # a table row
        "“Follow me on Twitter,” the candidate told the crowd, and thousands did within an hour.",
        "The newsletter’s editor said subscriptions fell after the paywall went up last spring.",
        "Follow-up tests showed the water was safe to drink, the health department said.",
        "Sign up for a ferry pass costs $40 a month, the port authority said on Friday.",
        "As Grace Lindqvist reports for the Ledger, the first cases came to light last week.",
        "Photos of the damage, taken by residents, were shared widely on Monday night.",
        "Source: the city's own figures, published on Tuesday, show a 4 per cent rise.",
    ],
)
def test_prose_is_never_boilerplate(line: str) -> None:
    assert classify(line) is None


def test_comment_section_ends_the_article() -> None:
    lines = [
        PROSE,
        "3 Comments",
        "Great article, thanks for writing it up so clearly for us all.",
        "Me too.",
    ]
    result = filter_lines(lines)
    assert result.paragraphs == [PROSE]


def test_page_repeating_the_article_is_cut_at_the_repeat() -> None:
    second = (
        "Repairs are expected to take six months, the county engineer told reporters afterwards."
    )
    result = filter_lines([PROSE, second, "Trending", PROSE, second])
    assert result.paragraphs == [PROSE, second]


def test_link_list_stops_at_article_text_and_after_a_handful_of_headlines() -> None:
    headlines = [f"Harbour story number {n} makes waves" for n in range(12)]
    lines = [PROSE, "Related Stories", *headlines]
    assert filter_lines(lines).paragraphs == [PROSE, *headlines[8:]]
    short = [PROSE, "Read More", "Port Ellis braces for storms", "camera", "baby carrier"]
    assert filter_lines(short).paragraphs == [PROSE, "camera", "baby carrier"]


def test_second_related_header_starts_its_own_list() -> None:
    lines = [PROSE, "Most Read", "A headline about ferries", "Don't Miss", "Another headline here"]
    assert filter_lines(lines).paragraphs == [PROSE]


def test_standfirst_under_repeated_headline_and_section_labels() -> None:
    lines = ["World News", "Bridge to Close", "Six months of repairs start in March", PROSE]
    assert filter_lines(lines, "bridge to close").paragraphs == [PROSE]
    # After the article has started, short lines are its own (a dateline, a subhead).
    assert filter_lines(["BAAR, SWITZERLAND", PROSE], None).paragraphs == [
        "BAAR, SWITZERLAND",
        PROSE,
    ]


def test_extracted_html_keeps_short_lines_above_the_first_paragraph() -> None:
    assert filter_lines(["Pittsburgh", PROSE], extracted=True).paragraphs == ["Pittsburgh", PROSE]
    assert filter_lines(["Pittsburgh", PROSE]).paragraphs == [PROSE]


def test_bylines_with_a_timestamp_or_a_verb_in_front() -> None:
    result = filter_lines(
        ["5:45 AM PST 11/19/2026 by Ana Castillo", "Written by Dev Rahman", PROSE]
    )
    assert result.paragraphs == [PROSE]
    assert result.bylines == ["Ana Castillo", "Dev Rahman"]


def test_cjk_sentences_are_prose() -> None:
    line = "市議会は火曜日、冬の嵐が来る前に橋を修理することを決めました。"
    assert is_prose(line)
    assert filter_lines([line, "関連記事"]).paragraphs == [line]


def test_a_discussion_subhead_is_not_a_comment_section() -> None:
    after = "The authors discuss what the results mean for bridges built before the war in town."
    assert filter_lines([PROSE, "Discussion", after]).paragraphs == [PROSE, "Discussion", after]


def test_a_teaser_above_the_full_text_keeps_the_whole_article() -> None:
    opening = "The harbour board approved a dredging plan on Monday after two years of delays."
    rest = "Work will start in April and last until the autumn, the board chair said on Monday."
    lines = [opening, "Read the full story below", opening, rest]
    assert filter_lines(lines).paragraphs[-1] == rest


def test_a_page_that_carries_its_article_twice_loses_the_copy() -> None:
    opening = "The harbour board approved a dredging plan on Monday after two years of delays."
    rest = "Work will start in April and last until the autumn, the board chair said on Monday."
    assert filter_lines([opening, rest, opening, rest]).paragraphs == [opening, rest]


OTHER_STORIES = [
    "Gull Point lifeguards rescue two kayakers in heavy fog",
    "Why the old cannery may reopen as a music venue next year",
    "Teachers vote to accept the new pay offer after long talks",
]


def test_an_unknown_label_below_the_article_heads_other_stories() -> None:
    text = [PROSE, PROSE.replace("Tuesday", "Friday"), "Elsewhere at Gull Point Radio"]
    filtered = filter_lines([*text, *OTHER_STORIES])
    assert filtered.paragraphs == text[:2]


def test_a_label_over_the_articles_own_timeline_keeps_it() -> None:
    timeline = [
        "Council first votes on the bridge repair before the winter storms",
        "Bridge repair delayed as the council votes again on the storms budget",
    ]
    text = [PROSE, "Earlier coverage", *timeline]
    assert filter_lines(text).paragraphs == text


def test_a_repeated_timestamp_heads_no_link_list() -> None:
    dated = "Filed 03.04.2026, 9:15"
    text = [dated, "Harbour Lights Festival Opens Tonight", PROSE]
    filtered = filter_lines(text[1:], known=frozenset(template_keys(dated)))
    assert filter_lines(text, known=frozenset(template_keys(dated))).paragraphs[-1] == PROSE
    assert PROSE in filtered.paragraphs
