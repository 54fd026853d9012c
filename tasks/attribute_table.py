"""The model's attribute rules (coarse tags, morphology, lemma exceptions) applied by lookup.

spaCy's `AttributeRuler` sets the part of speech and morphology from the tagger's fine tags, with
exceptions by word and dependency label, by running a Matcher with all its rules over every
token: in the small English model, 179 rules, most with a set of words checked in Python, and a
seventh of a worker's CPU on news text (py-spy, 2026-12-02). A rule only looks at a few values of
a token (its tag, lower-case form, dependency label, whether it is a space), and only the values
some rule names can make a difference: every other value behaves alike. So the rules that hold
for one such combination are found once and remembered, and a token costs a lookup. The few
rules that span several tokens are checked where their first token's values allow.

What it sets is exactly the ruler's: the same rules in the same order (a later rule wins, as the
ruler sorts its matches by rule), written by spaCy's own setter. A pipeline whose rules use
anything else (operators, comparisons, fuzzy matching, extensions) keeps its ruler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.attrs import IDS
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens._retokenize import set_token_attrs

if TYPE_CHECKING:
    from spacy.strings import StringStore
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

FACTORY = "newsflow_attribute_table"
# Token values a rule may test, as Doc.to_array gives them (string ids, and flags as 0 or 1).
_STRINGS = ("ORTH", "LOWER", "NORM", "SHAPE", "TAG", "DEP")
_FLAGS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE")
_ALIASES = {"TEXT": "ORTH"}
_SETS = ("IN", "NOT_IN")
# In a token's key: a value no rule names (string ids are 64-bit hashes; none is expected here).
_OTHER = 2**64 - 1
_REMEMBERED = 200_000
Key = tuple[int, ...]


def _column(name: str) -> str:
    return _ALIASES.get(name, name)


def supported(patterns: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the table expresses every rule: each token's tests expressible (_expressible),
    and the token the rule sets inside the rule."""
    return all(
        isinstance(pattern, list)
        and -len(pattern) <= rule.get("index", 0) < len(pattern)
        and all(_expressible(name, value) for spec in pattern for name, value in spec.items())
        for rule in patterns
        for pattern in rule["patterns"]
    )


def _expressible(name: str, value: Any) -> bool:
    """Plain values, IN / NOT_IN sets of strings and REGEX of the token values in _STRINGS; plain
    values of the flags in _FLAGS."""
    if _column(name) in _FLAGS:
        return isinstance(value, bool)
    if _column(name) not in _STRINGS:
        return False
    if not isinstance(value, dict):
        return isinstance(value, str)
    if len(value) != 1:
        return False
    ((operator, operand),) = value.items()
    if operator == "REGEX":
        return isinstance(operand, str)
    return operator in _SETS and all(isinstance(v, str) for v in operand)


class _Condition:
    """What a rule requires of one token, over the table's columns."""

    def __init__(self, columns: Sequence[str], spec: Mapping[str, Any]) -> None:
        self.sets: list[tuple[int, frozenset[int], bool]] = []  # column, values, whether in
        self.regexes: list[tuple[int, re.Pattern[str]]] = []
        for name, value in spec.items():
            column = columns.index(_column(name))
            if isinstance(value, dict):
                ((operator, operand),) = value.items()
                if operator == "REGEX":
                    self.regexes.append((column, re.compile(operand)))
                else:
                    ids = frozenset(_value_id(v) for v in operand)
                    self.sets.append((column, ids, operator == "IN"))
            else:
                self.sets.append((column, frozenset([_value_id(value)]), True))

    def may_hold(self, key: Key) -> bool:
        """Whether the token's values allow it, its regular expressions aside."""
        return all((key[column] in values) == inside for column, values, inside in self.sets)

    def holds_key(self, key: Key, slots: Sequence[int]) -> bool:
        """On a token's key, which holds at `slots` whether each of its regular expressions
        matched."""
        return self.may_hold(key) and all(key[slot] for slot in slots)

    def holds(self, row: Key, strings: StringStore) -> bool:
        """On the token's own values (`row`, not a key: a regular expression reads the string)."""
        return self.may_hold(row) and all(
            pattern.search(strings[row[column]]) for column, pattern in self.regexes
        )


def _value_id(value: str | bool) -> int:
    return int(value) if isinstance(value, bool) else get_string_id(value)


class AttributeTable:
    """In place of the pipeline's AttributeRuler, built from its rules (see the module)."""

    def __init__(self, vocab: Vocab, patterns: Sequence[Mapping[str, Any]]) -> None:
        ruler = AttributeRuler(vocab)  # normalises each rule's attributes as the ruler does
        ruler.add_patterns(patterns)
        self.strings = vocab.strings  # the pipeline's: its docs' strings
        self.attrs: list[dict[int, Any]] = ruler.attrs
        used = {
            _column(name)
            for rule in patterns
            for pattern in rule["patterns"]
            for spec in pattern
            for name in spec
        }
        self.columns = [c for c in (*_STRINGS, *_FLAGS) if c in used]
        self._ids = [IDS[c] for c in self.columns]
        self._single: list[tuple[int, _Condition, list[int]]] = []  # rule, condition, slots
        self._regexes: list[tuple[int, re.Pattern[str]]] = []  # of one-token rules, by slot
        # rule, conditions, the token it sets, the token to look for it by
        self._spans: list[tuple[int, list[_Condition], int, int]] = []
        self._anchors: list[list[tuple[int, np.ndarray, bool]]] = []  # each span's, as arrays
        for number, rule in enumerate(patterns):
            for pattern in rule["patterns"]:
                conditions = [_Condition(self.columns, spec) for spec in pattern]
                if len(conditions) == 1:
                    slots = []
                    for test in conditions[0].regexes:
                        slots.append(len(self.columns) + len(self._regexes))
                        self._regexes.append(test)
                    self._single.append((number, conditions[0], slots))
                else:
                    target = ruler.indices[number] % len(conditions)
                    anchor = next((i for i, c in enumerate(conditions) if c.sets), 0)
                    self._spans.append((number, conditions, target, anchor))
                    self._anchors.append(
                        [
                            (column, np.array(sorted(values), dtype=np.uint64), inside)
                            for column, values, inside in conditions[anchor].sets
                        ]
                    )
        # Values no rule names behave alike, so a token's key holds them as one (`_OTHER`), and
        # whether each regular expression of a one-token rule matches: the memories below stay
        # small. Flags keep their values (0 or 1).
        raw = {i for i, c in enumerate(self.columns) if c in _FLAGS}
        named: list[set[int]] = [set() for _ in self.columns]
        for condition in [c for _, c, _ in self._single] + [c for s in self._spans for c in s[1]]:
            for column, values, _ in condition.sets:
                named[column] |= values
        self._folded = [
            (column, np.array(sorted(values), dtype=np.uint64))
            for column, values in enumerate(named)
            if column not in raw and _OTHER not in values
        ]
        # By a token's key: a few thousand in news text.
        self._merged: dict[Key, dict[int, Any]] = {}
        self._rules: dict[Key, tuple[int, ...]] = {}
        self._memos: list[dict[int, bool]] = [{} for _ in self._regexes]

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        values = doc.to_array(self._ids).reshape(len(doc), -1)
        folded = values.copy()
        for column, named in self._folded:
            folded[~np.isin(folded[:, column], named), column] = _OTHER
        keys = list(map(tuple, folded.tolist()))
        if self._regexes:
            matched = [
                self._matches(test, values[:, column].tolist())
                for test, (column, _) in enumerate(self._regexes)
            ]
            found = zip(*matched, strict=True)
            keys = [(*key, *bits) for key, bits in zip(keys, found, strict=True)]
        spanned = self._spanned(values) if self._spans else {}
        for i, key in enumerate(keys):
            if i in spanned:
                attrs = self._merge(sorted({*self._rules_for(key), *spanned[i]}))
            elif (attrs := self._merged.get(key)) is None:
                attrs = self._merged[key] = self._merge(self._rules_for(key))
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _rules_for(self, key: Key) -> tuple[int, ...]:
        if (rules := self._rules.get(key)) is None:
            rules = self._rules[key] = tuple(
                n for n, c, slots in self._single if c.holds_key(key, slots)
            )
        return rules

    def _spanned(self, values: np.ndarray) -> dict[int, list[int]]:
        """The rules over several tokens that match, by the token they set. Each is looked for
        where the values of its anchor (its first token with values to look up) allow."""
        found: dict[int, list[int]] = {}
        for (number, conditions, target, anchor), tests in zip(
            self._spans, self._anchors, strict=True
        ):
            allowed = np.ones(len(values), dtype=bool)
            for column, named, inside in tests:
                allowed &= np.isin(values[:, column], named) == inside
            for position in np.flatnonzero(allowed).tolist():
                start = position - anchor
                rows = values[start : start + len(conditions)].tolist() if start >= 0 else []
                if len(rows) == len(conditions) and all(
                    c.holds(tuple(r), self.strings) for c, r in zip(conditions, rows, strict=True)
                ):
                    found.setdefault(start + target, []).append(number)
        return found

    def _matches(self, test: int, ids: list[int]) -> list[bool]:
        """Whether the regular expression in `test` matches each string, remembered by string
        (up to _REMEMBERED of them: a long run meets every word of the language)."""
        pattern = self._regexes[test][1]
        memo = self._memos[test]
        if len(memo) > _REMEMBERED:
            memo.clear()
        found = []
        for i in ids:
            if (hit := memo.get(i)) is None:
                hit = memo[i] = bool(pattern.search(self.strings[i]))
            found.append(hit)
        return found

    def _merge(self, rules: Iterable[int]) -> dict[int, Any]:
        """The attributes of the rules, later ones over earlier ones."""
        merged: dict[int, Any] = {}
        for number in rules:
            merged.update(self.attrs[number])
        return merged


@Language.factory(FACTORY, default_config={"patterns": []})
def make_attribute_table(
    nlp: Language, name: str, patterns: list[dict[str, Any]]
) -> AttributeTable:
    return AttributeTable(nlp.vocab, patterns)


def use_attribute_table(nlp: Language) -> None:
    """Put an AttributeTable in place of each AttributeRuler whose rules it expresses."""
    for name, component in list(nlp.pipeline):
        if isinstance(component, AttributeRuler) and supported(rules := component.patterns):
            nlp.replace_pipe(name, FACTORY, config={"patterns": rules})
