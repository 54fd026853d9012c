"""The spaCy pass: batching by characters changes memory, never the parses or their order."""

from __future__ import annotations

from tasks.nlp import default_model, is_loaded, load_model, parse

TEXTS = [
    "Mayor Ruth Okafor said the bridge would reopen in March.",
    "The council voted 7-2 on Tuesday. “We cannot wait another winter,” said Tomas Reyes.",
    "",
    "Helen Ashby, who chairs the transit board, told reporters the fares would not rise. " * 30,
    "Short one.",
]


def test_small_character_budget_gives_the_same_parses_in_order(nlp) -> None:  # type: ignore[no-untyped-def]
    one_batch = list(parse(TEXTS, nlp, max_chars=10**9))
    # 60 characters: most texts go alone, the long one is over the budget by itself.
    small = list(parse(TEXTS, nlp, max_chars=60))
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
