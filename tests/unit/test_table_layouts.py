"""Pages laid out with tables, as news sites built them around 2008 (written for these tests):
the article is one cell of a layout table, beside the site's menus and link boxes."""

from __future__ import annotations

from tasks.boilerplate import classify
from tasks.clean import clean
from tasks.records import Article, RawRecord

PARAGRAPHS = [
    "Councils across the Riverina will impose level four water restrictions from Monday after "
    "the region recorded its driest winter in more than a century, officials said on Thursday.",
    "Residents will be banned from watering gardens with hoses and from filling swimming pools, "
    "while farmers face further cuts to their irrigation allocations for the coming season.",
    '"We have never seen the river this low in living memory," Wagga Wagga mayor Kerry Dalton '
    "told reporters at a briefing outside the council chambers.",
    "The state government has promised emergency funding to truck drinking water to the "
    "smallest villages if the dry spell continues into the summer months.",
]

MENU = (
    '<tr><td><a href="/">Home</a></td><td></td><td><a href="/world">World</a></td>'
    '<td><a href="/business">Business</a></td><td><a href="/sport">Sport</a></td></tr>'
    "<tr><td></td><td></td><td></td></tr>"
)
SIDE = '<td valign="top" width="150"><a href="/national">National</a><br><a href="/weather">Weather</a></td>'
MOST_VIEWED = (
    '<td valign="top" width="200"><b>Most Viewed Articles</b><br>'
    '<a href="/2008/07/junee-crash">Man charged over highway crash near Junee</a><br>'
    '<a href="/2008/07/henty">Record crowd for the Henty field days</a></td>'
)
FOOTER = (
    '<tr><td></td><td></td><td></td></tr><tr><td colspan="3"><a href="/about">About us</a> | '
    '<a href="/contact">Contact</a> | Copyright 2008 Valley Times</td></tr>'
)


def _page(cells: str, menu: str = MENU, footer: str = FOOTER) -> str:
    return (
        "<html><head><title>Drought forces water limits in Riverina towns - Valley Times</title>"
        '</head><body><table width="100%" border="0" cellpadding="0" cellspacing="0">'
        f"{menu}<tr>{cells}</tr>{footer}</table></body></html>"
    )


def _clean(page: str) -> Article:
    article = clean(RawRecord(path="a.html", record=None, format="html", body=page))
    assert isinstance(article, Article), article
    return article


def test_the_agency_credit_closing_the_article_cell_does_not_drop_the_article() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article_cell = (
        '<td valign="top"><h1>Drought forces water limits in Riverina towns</h1>'
        f"{paragraphs}<p>&copy; AAP 2008</p></td>"
    )
    text = _clean(_page(SIDE + article_cell)).text
    assert all(p in text for p in PARAGRAPHS)


def test_a_source_line_closing_the_article_cell_does_not_drop_the_article() -> None:
    # The cell's text broken by <br> alone, the source on the last line, as older pages did.
    lines = "<br><br>".join(PARAGRAPHS)
    article_cell = f'<td valign="top">{lines}<br><br>Source: China Daily/Agencies</td>'
    text = _clean(_page(SIDE + article_cell)).text
    assert all(p in text for p in PARAGRAPHS)


def test_a_long_paragraph_ending_in_a_credit_is_not_a_caption() -> None:
    """A page whose whole story came out as one line: the credit at its end marks no caption."""
    story = " ".join(PARAGRAPHS)
    for credit in ("© AAP 2008", "Source: China Daily/Agencies", "(AAP)"):
        assert classify(f"{story} {credit}") is None
    assert classify("Farmers inspect a dry dam near Junee on Thursday. © AAP 2008") == "caption"


def test_layout_table_menus_empty_rows_and_link_boxes_go() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article_cell = (
        '<td valign="top"><h1>Drought forces water limits in Riverina towns</h1>'
        f"{paragraphs}<p>&copy; AAP 2008</p></td>"
    )
    text = _clean(_page(SIDE + article_cell + MOST_VIEWED)).text
    assert text.split("\n\n") == PARAGRAPHS


def test_menu_and_link_box_tables_go_and_a_data_table_stays() -> None:
    """Each part of the page its own table, and a table of figures inside the story."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    figures = (
        "<table><tr><th>Town</th><th>Allocation</th></tr><tr><td>Junee</td><td>12%</td></tr>"
        "<tr><td>Henty</td><td>9%</td></tr></table>"
    )
    page = (
        "<html><head><title>Drought forces water limits - Valley Times</title></head><body>"
        f"<table>{MENU}</table><table><tr><td></td><td></td></tr></table>"
        "<table><tr><td><h1>Drought forces water limits in Riverina towns</h1>"
        f"{paragraphs}{figures}</td></tr></table>"
        f"<table><tr>{MOST_VIEWED}</tr></table><table>{FOOTER}</table></body></html>"
    )
    text = _clean(page).text
    assert text.split("\n\n")[:4] == PARAGRAPHS
    assert "Junee | 12%" in text
    for chrome in ("Home", "World", "Most Viewed", "highway crash", "Contact"):
        assert chrome not in text
