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
        # Share bars, ad markers and sign-ups in wordings no pattern names.
        ("Instagram", "share or navigation"),
        ("Per WhatsApp versenden", "share or navigation"),
        ("Find us on TikTok", "share or navigation"),
        ("Tap to share on X (new tab)", "share or navigation"),
        ("Print this story", "share or navigation"),
        ("Bookmark article", "share or navigation"),
        ("Forward to a friend", "share or navigation"),
        ("URL copied", "share or navigation"),
        ("Ads", "share or navigation"),
        ("Werbung - weiterlesen unten", "share or navigation"),
        ("Report continues after the break", "share or navigation"),
        ("Type your email to receive the morning digest.", "promotion"),
        ("Get the Gull Point Radio app for storm warnings", "promotion"),
        ("Abonnez-vous maintenant", "promotion"),
        ("Don't have an account? Register here", "comment prompt"),
        ("You need to be signed in to reply.", "comment prompt"),
        ("Join the debate: comentários (4)", None),  # a label and a count, not a short prompt
        ("Ver comentários", "comment prompt"),
        ("Kommentare (12)", "comment prompt"),
        ("Comments are moderated before they are published.", "comment prompt"),
        ("E-mail address *", "comment prompt"),
        # Credits after a caption, and who made the story.
        ("Dock workers wait at the gate on Monday. (Handout)", "caption"),
        ("Farmers sort apples near Ashby. © Lena Brandt", "caption"),
        ("Boats line the harbour at dawn. Courtesy of the Port Authority", "caption"),
        ("Picture via Lakeshore Review", "caption"),
        ("Rosa Abara reported from Port Ellis.", "reporting credit"),
        ("Dev Rahman is a staff writer for the Down East Wire.", "reporting credit"),
        ("Avec Lakeshore Review", "reporting credit"),
        ("Con información de la Agencia Costera", "reporting credit"),
        ("This series was made possible by a grant from the Harbour Fund.", "reporting credit"),
        ("Updated 3 hours ago", "timestamp"),
        ("READ: Ferry crews rehearse a winter rescue", "link teaser"),
        ("More from the Valley Ledger » Port Ellis braces for storms", "link teaser"),
        ("Diesen Beitrag drucken", "share or navigation"),
        ("Folge uns auf Mastodon", "share or navigation"),
        ("Sign in", "share or navigation"),
        ("Powered by Ghost", "share or navigation"),
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
        "The harbour master declined to comment.",  # a sentence about a comment
        "Facebook shares fall after the outage",  # about the network, not a button to it
        "If you already have a library card, you can renew it online from next week.",
        "Comments from the mayor drew criticism from both parties on Tuesday night.",
        "Story Timeline",  # a label of the article's own list
        "Story continues below gallery",  # no advertisement: a gallery's marker, not an ad's
        "More than 40 people were hurt: officials",  # not a teaser, whatever its colon
        "Con Dios y con la ley, dijo el alcalde ante la multitud reunida en la plaza.",
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
    result = filter_lines(lines)
    # The rule takes the header and eight headlines; the rest go as lines outside the article.
    assert [line for line, reason in result.dropped if reason == "link list"] == [
        "Related Stories",
        *headlines[:8],
    ]
    short = [PROSE, "Read More", "Port Ellis braces for storms", "camera", "baby carrier"]
    listed = [line for line, reason in filter_lines(short).dropped if reason == "link list"]
    assert listed == ["Read More", "Port Ellis braces for storms"]


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


def test_the_articles_own_dateline_stays_above_its_first_paragraph() -> None:
    prose = "Voters in Harlow Falls agreed on Tuesday to repair the bridge before the storms."
    assert filter_lines(["Sport", "HARLOW FALLS", prose]).paragraphs == ["HARLOW FALLS", prose]
    assert filter_lines(["Voters", prose]).paragraphs == [prose]  # no name: a label
    ministry = "The Harlow Falls Department of Health will review the hospital's plan in May."
    assert filter_lines(["Health", ministry]).paragraphs == [ministry]  # a section's name


def test_a_repeated_byline_heads_no_link_list_above_the_article() -> None:
    byline = "Par Rosa Abara"
    opening = "Tour dates and ticket prices, as the band announced them on Monday night"
    lines = [byline, opening, PROSE]
    known = frozenset(template_keys(byline))
    assert filter_lines(lines, known=known).paragraphs == [opening, PROSE]


def test_a_teaser_naming_its_site_is_no_header() -> None:
    after = "Repairs are due to finish in May, the county engineer told reporters on Friday."
    short = "The county declined to say more."
    lines = [PROSE, "ALSO ON THE VALLEY LEDGER: Port Ellis braces for storms", short, after]
    assert filter_lines(lines).paragraphs == [PROSE, short, after]


def test_a_label_worded_for_other_stories_heads_a_block_inside_the_article() -> None:
    after = "Repairs are due to finish in May, the county engineer told reporters on Friday."
    lines = [PROSE, "Readers also liked", *OTHER_STORIES[:2], after]
    assert filter_lines(lines).paragraphs == [PROSE, after]


def test_navigation_is_asked_only_until_the_article_starts() -> None:
    """Short lines the model reads as navigation ("Bugs fixed") are the article's once one of
    its lines was kept."""
    lines = [
        "Skip navigation",
        "Menu",
        "Release notes for version 2.4:",
        "Faster sync",
        "Bugs fixed",
    ]
    assert filter_lines([*lines, PROSE]).paragraphs == [*lines[2:], PROSE]


def test_an_unsigned_credit_above_the_article_is_its_own() -> None:
    assert filter_lines(["Wire reports", PROSE]).paragraphs == ["Wire reports", PROSE]


def test_a_disclosure_with_sentences_inside_is_no_navigation() -> None:
    disclosure = "Our trip was paid for by the tourist board. All opinions are our own. #travel #ad"
    assert filter_lines([disclosure, PROSE]).paragraphs == [disclosure, PROSE]


def test_a_label_over_the_storys_credits_heads_no_links() -> None:
    text = [PROSE, PROSE.replace("Tuesday", "Friday"), "Disclaimer"]
    credits = [
        "Writing by Omar Brennan; Editing by Ines Tanaka",
        "Felix Moreau contributed reporting.",
    ]
    result = filter_lines([*text, *credits])
    assert result.paragraphs == text[:2]
    assert [reason for _, reason in result.dropped] == [
        "outside the article",
        "reporting credit",
        "reporting credit",
    ]
