"""The attribute table annotates exactly as spaCy's AttributeRuler does, only faster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import spacy
from spacy.attrs import LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

from tasks.attribute_table import AttributeTable, supported, use_attribute_table
from tasks.nlp import spacy_pipeline
from tests.conftest import SEEDS

COLUMNS = [POS, TAG, MORPH, LEMMA]
# Rules of every shape the table takes: tag maps, word sets, NOT_IN, regular expressions, two-token
# rules aimed at either token, flags, and rules that overlap so that the later one must win.
RULES: list[dict[str, Any]] = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past"}},
    {"patterns": [[{"TAG": "IN"}]], "attrs": {"POS": "ADP"}},
    {"patterns": [[{"TAG": "IN", "LOWER": {"IN": ["that", "if"]}}]], "attrs": {"POS": "SCONJ"}},
    {
        "patterns": [[{"TAG": "NN", "LOWER": {"NOT_IN": ["council", "bridge"]}}]],
        "attrs": {"LEMMA": "x"},
    },
    {"patterns": [[{"LOWER": "said"}]], "attrs": {"LEMMA": "say"}},
    {"patterns": [[{"LOWER": "in"}, {"LOWER": "march"}]], "attrs": {"POS": "ADV"}, "index": 0},
    {
        "patterns": [[{"LOWER": "the"}, {"TAG": "NN"}]],
        "attrs": {"MORPH": "Definite=Def"},
        "index": -1,
    },
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    {"patterns": [[{"TEXT": "Mayor"}], [{"ORTH": "Ruth"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"TAG": "VBD"}, {"LOWER": {"REGEX": "^i[fn]$"}}]], "attrs": {"LEMMA": "y"}},
    {"patterns": [[{"LOWER": {"REGEX": "vot|hel"}}]], "attrs": {"MORPH": "Mood=Ind"}},
]
SENTENCE = [
    *[("Mayor", "NNP"), ("Ruth", "NNP"), ("said", "VBD"), ("that", "IN"), ("the", "DT")],
    *[("council", "NN"), ("and", "CC"), ("the", "DT"), ("bridge", "NN"), ("in", "IN")],
    *[("March", "NNP"), ("opened", "VBD"), ("if", "IN"), ("the", "DT"), ("vote", "NN")],
    *[("held", "VBD"), ("\n\n", "_SP"), ("again", "RB")],
]


def _annotated(component: Any, vocab: Vocab, words: list[str], tags: list[str]) -> np.ndarray:
    doc = Doc(vocab, words=words, tags=tags)
    return component(doc).to_array(COLUMNS)


def test_rules_of_every_shape_come_out_as_the_ruler_sets_them() -> None:
    vocab = spacy.blank("en").vocab
    ruler = AttributeRuler(vocab)
    ruler.add_patterns(RULES)
    table = AttributeTable(vocab, RULES)
    words, tags = [w for w, _ in SENTENCE], [t for _, t in SENTENCE]
    expected = _annotated(ruler, vocab, words, tags)
    assert (expected[:, 0] != 0).sum() >= 12  # the rules did set most tokens
    assert np.array_equal(_annotated(table, vocab, words, tags), expected)
    # Again, from the table's memory of the tokens it has seen.
    assert np.array_equal(_annotated(table, vocab, words, tags), expected)


@pytest.mark.parametrize(
    "rule",
    [
        {"patterns": [[{"LOWER": {"FUZZY": "mayor"}}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"LOWER": "a", "OP": "+"}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "X"}, "index": 1},
    ],
)
def test_rules_it_cannot_express_leave_the_ruler_in_place(rule: dict[str, Any]) -> None:
    assert not supported([RULES[0], rule])
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns([RULES[0], rule])
    use_attribute_table(nlp)
    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeRuler)


def test_the_model_parses_news_the_same_with_the_table() -> None:
    """The default model's own rules, over the seed articles: every token's part of speech,
    morphology and lemma as with its AttributeRuler."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(SEEDS).rglob("*.txt"))]
    assert len(texts) >= 3
    stock, fast = spacy_pipeline(), spacy_pipeline()
    use_attribute_table(fast)
    assert isinstance(fast.get_pipe("attribute_ruler"), AttributeTable)
    assert fast.pipe_names == stock.pipe_names
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS)), a.text[:80]
