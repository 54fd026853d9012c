"""The spaCy pass: batching by characters changes memory, never the parses or their order; a text
over the budget is parsed in pieces that make one Doc of the very same text."""

from __future__ import annotations

from tasks.nlp import default_model, is_loaded, load_model, parse, pieces

TEXTS = [
    "Mayor Ruth Okafor said the bridge would reopen in March.",
    "The council voted 7-2 on Tuesday. “We cannot wait another winter,” said Tomas Reyes.",
    "",
    "Helen Ashby, who chairs the transit board, told reporters the fares would not rise. " * 30,
    "Short one.",
]


def test_small_character_budget_gives_the_same_parses_in_order(nlp) -> None:  # type: ignore[no-untyped-def]
    one_batch = list(parse(TEXTS, nlp, max_chars=10**9))
    # The longest text's length: most texts go alone, none is cut.
    small = list(parse(TEXTS, nlp, max_chars=max(map(len, TEXTS))))
    assert [d.text for d in small] == TEXTS
    for a, b in zip(one_batch, small, strict=True):
        assert [(t.text, t.dep_, t.head.i, t.ent_type_) for t in a] == [
            (t.text, t.dep_, t.head.i, t.ent_type_) for t in b
        ]


def test_the_default_model_is_one_pipeline_by_either_name(nlp) -> None:  # type: ignore[no-untyped-def]
    """A process that has it (the warm runner's runs) parses a small drop without workers."""
    assert load_model(None) is nlp is load_model(default_model())
    assert is_loaded(None) and is_loaded(default_model())
    assert not is_loaded("some_other_pipeline")


ARTICLE = "\n\n".join(
    [
        "Mayor Ruth Okafor said on Monday that the Harbour Street bridge would reopen in March, "
        "two months later than the city had promised. Crews found more corrosion than expected.",
        "“We cannot wait another winter,” said Tomas Reyes, who runs a bakery on the east side. "
        "He said his deliveries now take forty minutes longer.",
        "The council voted 7-2 to spend another $4 million on the repairs. Councillor Helen Ashby "
        "voted against, saying the money should go to the ferry instead.",
    ]
)


def test_pieces_join_back_and_are_cut_between_paragraphs_then_sentences() -> None:
    for budget in (60, 120, 200, len(ARTICLE)):
        found = pieces(ARTICLE, budget)
        assert "".join(found) == ARTICLE
        assert all(len(piece) <= budget for piece in found)
    # Room for a paragraph: the cuts are after its line break.
    assert [p[-2:] for p in pieces(ARTICLE, 200)[:-1]] == ["\n\n", "\n\n"]
    # Within one paragraph: after a sentence's end.
    first, *_ = pieces(ARTICLE.split("\n")[0], 150)
    assert first.endswith("than the city had promised. ")
    # No whitespace at all: a hard cut, nothing lost.
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert pieces("", 10) == [""]


def test_a_text_over_the_budget_is_parsed_in_pieces_into_one_doc(nlp) -> None:  # type: ignore[no-untyped-def]
    whole = nlp(ARTICLE)
    parsed: list[int] = []  # the length of each text spaCy was given

    class Watched:
        def pipe(self, texts: list[str], batch_size: int):  # type: ignore[no-untyped-def]
            parsed.extend(map(len, texts))
            return nlp.pipe(texts, batch_size=batch_size)

    (doc, after) = parse([ARTICLE, "Short one."], Watched(), max_chars=200)  # type: ignore[arg-type]
    assert len(parsed) == 4 and max(parsed) <= 200
    assert doc.text == ARTICLE and after.text == "Short one."
    assert [t.text for t in doc] == [t.text for t in whole]
    # Each piece starts a sentence, and the annotations the extractors read are all there.
    starts = {s.start_char for s in doc.sents}
    assert {0, ARTICLE.index("“We"), ARTICLE.index("The council")} <= starts
    # Cut between paragraphs, the pieces' entities are the whole text's.
    assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in whole.ents]
    assert {"Ruth Okafor", "Tomas Reyes"} <= {e.text for e in doc.ents}
    assert doc[0].tag_ and doc[0].dep_ and doc.has_annotation("DEP")
