"""HTML pages written for these tests: what the page structure tells the cleaner."""

from __future__ import annotations

from lxml import html as lxml_html

from tasks.html_text import Block, extract, prepare, prune

PARAGRAPHS = [
    "The county board voted on Tuesday to close the Old Mill Bridge for six months of repairs.",
    "Detours will add twenty minutes to commutes between Harlow Falls and the interstate highway.",
    "Board chair Anna Kowal said the bridge, built in 1931, could not be patched any longer.",
]


def _page(article: str, after: str = "") -> str:
    return (
        "<html><head><title>Bridge closes | Harlow Herald</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article>{article}</article>{after}</body></html>"
    )


def _body() -> str:
    return "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def test_headline_standfirst_and_kicker_leave_the_body() -> None:
    page = _page(
        '<p class="kicker">Local</p><h1>Old Mill Bridge closes for repairs</h1>'
        "<h2>Six months of detours for commuters</h2>" + _body()
    )
    extraction = extract(page, "https://harlowherald.example/bridge", 100)
    assert [b.text for b in extraction.blocks] == PARAGRAPHS
    assert extraction.h1 == "Old Mill Bridge closes for repairs"


def test_embedded_tweet_is_kept_as_a_quote() -> None:
    tweet = (
        '<div class="social-media-embed"><blockquote class="twitter-tweet"><p>The bridge is '
        "finally getting fixed, and not a moment too soon for those of us who cross it daily.</p>"
        "— Resident (@resident) November 18, 2026</blockquote></div>"
    )
    page = _page(f"<p>{PARAGRAPHS[0]}</p>{tweet}<p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>")
    texts = [b.text for b in extract(page, None, 100).blocks]
    assert any("finally getting fixed" in t for t in texts)


def test_hover_card_inside_a_paragraph_is_removed() -> None:
    card = (
        '<span class="card"><a href="/people/kowal">Anna Kowal</a>'
        '<a href="/a">Kowal wins second term on county board after long count</a>'
        '<a href="/b">Board approves bridge study</a></span>'
    )
    tree = lxml_html.fromstring(
        f'<html><body><p>Board chair <span><a href="/people/kowal">Anna Kowal</a>{card}</span> '
        "said the bridge could not be patched any longer.</p></body></html>"
    )
    prepare(tree)
    text = tree.text_content()
    assert "Anna Kowal said" in " ".join(text.split()) and "second term" not in text


def test_headline_lists_and_link_lists_are_pruned() -> None:
    body = [Block(p, "p") for p in PARAGRAPHS]
    headlines = [Block(f"Other story number {n}", "head", 3) for n in range(3)]
    links = frozenset({"ferry runs late again", "port strike ends after talks"})
    items = [
        Block("- Ferry runs late again", "item"),
        Block("- Port strike ends after talks, with a teaser", "item"),
    ]
    own = Block("https://harlowherald.example/news/bridge", "p")
    kept = prune(
        [*body[:2], *headlines, body[2], *items, own], links, "https://harlowherald.example/x"
    )
    assert kept == body


def test_a_page_that_is_all_links_keeps_them() -> None:
    items = "".join(
        f'<li><a href="/l{n}">Link number {n} to another good read</a> via somewhere</li>'
        for n in range(12)
    )
    blocks = extract(_page(f"<h1>Weekly links</h1><ul>{items}</ul>"), None, 250).blocks
    assert len(blocks) == 12
