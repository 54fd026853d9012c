"""Page metadata: headline, authors, publication time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from lxml import html as lxml_html

from tasks.metadata import authors, headline, parse_time, published_time, strip_site_name


def test_headline_is_the_h1_when_it_is_the_pages_title() -> None:
    title = "Bridge closes for repairs : 20.11.2026, 10.19 Uhr | Harlow Herald"
    assert (
        headline(title, "Harlow Herald", "Bridge closes for repairs") == "Bridge closes for repairs"
    )
    # An h1 that is not this page's title (a logo, a section) does not replace it.
    assert headline("Bridge closes | Harlow Herald", "Harlow Herald", "Harlow Herald News") == (
        "Bridge closes"
    )
    assert strip_site_name("Bridge closes » Harlow Herald", None) == "Bridge closes"
    assert strip_site_name("Bridge: closes", None) == "Bridge: closes"


def test_site_name_is_not_an_author_when_the_page_names_one() -> None:
    tree = lxml_html.fromstring(
        '<html><body><span class="author vcard"><a class="url fn n" href="/author/ana">'
        "Ana Castillo</a></span><p>Text.</p></body></html>"
    )
    url = "https://harlowherald.example/x"
    assert authors("Harlow Herald", tree, "Harlow Herald", url) == ("Ana Castillo",)
    assert authors("Harlowherald Example", None, None, url) == ("Harlowherald Example",)
    assert authors("By Jane Roe and Li Wei; Name", None, None, url) == ("Jane Roe", "Li Wei")


def test_publisher_timestamp_kept_when_it_agrees_with_the_found_date() -> None:
    page = '<meta property="article:published_time" content="2026-11-20T18:37:00+01:00">'
    local = timezone(timedelta(hours=1))
    assert published_time(page, "2026-11-20") == datetime(2026, 11, 20, 18, 37, tzinfo=local)
    # A day apart in a local zone: the stamp's day is the publisher's day.
    assert published_time(page, "2026-11-19") == datetime(2026, 11, 20, 18, 37, tzinfo=local)
    # A template stamp far from the found date loses; so does a UTC stamp a day off.
    assert published_time(page, "2024-03-02") == datetime(2024, 3, 2, tzinfo=UTC)
    utc = '<meta property="article:published_time" content="2026-11-21T02:25:00+00:00">'
    assert published_time(utc, "2026-11-20") == datetime(2026, 11, 20, tzinfo=UTC)
    assert published_time("<p>no stamp</p>", None) is None


def test_times_keep_their_zone_and_read_european_dates_day_first() -> None:
    assert parse_time("5:45 AM PST 11/19/2026") == datetime(
        2026, 11, 19, 5, 45, tzinfo=timezone(timedelta(hours=-8))
    )
    assert parse_time("10.12.2026, 07:00") == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert parse_time("2026-11-20 10:00") == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
