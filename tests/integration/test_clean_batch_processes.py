"""Cleaning as a run does it: batches through clean_batch, whose steps run in a child process
that the time and memory limits can stop (tasks/stoppable.py), so these tests start one."""

from __future__ import annotations

import json

from evaluation import text_drops
from evaluation.scraped import (
    Score,
    gold_paragraphs,
    parse_page,
    read_pages,
    render_blocks,
    score_page,
    select,
    text_path,
)
from tasks.boilerplate import boilerplate_spans
from tasks.clean import clean_batch
from tasks.ingest import Limits, parse_document
from tasks.records import Article
from tasks.repetition import line_key, template_keys
from tests.conftest import SHARED, needs_shared
from tests.local_texts import STORIES, TEMPLATE
from tests.local_texts import record as _record

BENCHMARK = SHARED / "data" / "clean" / "scrapinghub_aeb"


def test_lines_an_outlet_repeats_are_dropped_whatever_their_wording() -> None:
    bodies = [
        "\n\n".join([TEMPLATE[0], story, f"Lena Ortiz reported from Dunmore {n}.", TEMPLATE[1]])
        for n, story in enumerate(STORIES)
    ]
    articles = clean_batch([_record(n, b) for n, b in enumerate(bodies)])
    assert [a.text for a in articles if isinstance(a, Article)] == STORIES


def test_one_article_alone_keeps_lines_it_has_no_one_to_share_with() -> None:
    (article,) = clean_batch([_record(0, "\n\n".join([STORIES[0], TEMPLATE[1]]))])
    assert isinstance(article, Article)
    assert TEMPLATE[1] in article.text


def test_other_outlets_lines_and_quotes_are_not_the_template() -> None:
    quote = "“We will not close the harbour this winter,” the mayor said."
    records = [_record(n, "\n\n".join([s, quote])) for n, s in enumerate(STORIES)]
    records.append(_record(9, "\n\n".join([STORIES[0], TEMPLATE[0]]), outlet="Other Post"))
    records += [_record(10 + n, "\n\n".join([s, TEMPLATE[0]])) for n, s in enumerate(STORIES)]
    articles = clean_batch(records)
    assert all(isinstance(a, Article) and quote in a.text for a in articles[:3])
    assert TEMPLATE[0] in articles[3].text  # (its outlet has it once)
    assert all(isinstance(a, Article) and TEMPLATE[0] not in a.text for a in articles[4:])


def test_a_sign_off_and_a_label_with_an_opening_capital_recur_as_templates() -> None:
    # "Fresh from N" is all names to the plain key (its opening capital masked); "— N" is a mark
    # and a name.
    bodies = [
        "\n\n".join([story, "— Kestrel Wire", "Fresh from Gull Point Radio"]) for story in STORIES
    ]
    articles = clean_batch([_record(n, b) for n, b in enumerate(bodies)])
    assert [a.text for a in articles if isinstance(a, Article)] == STORIES
    assert line_key("Fresh from Gull Point Radio") == ""
    assert "=fresh from N" in template_keys("Fresh from Gull Point Radio")


@needs_shared(BENCHMARK / "ground-truth.json")
def test_text_the_filter_made_holds_no_line_a_rule_names() -> None:
    """The spaCy workers look only for link-teaser lines in an article's cleaned text (nlp.py:
    boilerplate_of), which holds when the filter keeps no line `classify` names. Text drops built
    from the benchmark's gold bodies with each template set, through ingest and clean."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text())
    bodies = {k: v["articleBody"] for k, v in sorted(truth.items())[:40] if v["articleBody"]}
    records = [
        next(parse_document(f"{d.name}.txt", d.text.encode(), Limits()))
        for path in sorted(text_drops.TEMPLATES.glob("*.toml"))
        for d in text_drops.test_set(bodies, seed=3, templates=text_drops.read_templates(path))
    ]
    texts = [a.text for a in clean_batch(records) if isinstance(a, Article)]  # type: ignore[arg-type]
    assert len(texts) > 100
    assert [boilerplate_spans(t, filtered=True) for t in texts] == [
        boilerplate_spans(t) for t in texts
    ]


@needs_shared(BENCHMARK)
def test_held_out_pages_saved_as_block_lines_lose_most_of_the_page_around_the_article() -> None:
    """The development half's pages the model never learnt from, one block element per line
    (the headline first), through the text path: most non-article lines go (the rules alone
    removed 31.5% of them), nearly every gold paragraph stays."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages = read_pages(BENCHMARK / "html")
    chosen = select(pages, "held-out")
    files = {n: "\n".join(render_blocks(parse_page(pages[n]))) for n in chosen}
    articles = text_path(files)
    score = Score()
    for name in chosen:
        article = articles[name]
        paragraphs = gold_paragraphs(truth[name]["articleBody"])
        lines = files[name].split("\n")
        score_page(name, lines, paragraphs, article.text if article else "", score)
    assert score.removed_share >= 0.65
    assert score.kept_share >= 0.985
