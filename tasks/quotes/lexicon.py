"""The words the quote rules test for: reporting verbs in every form, and the small closed
classes (subordinators, modals, wh-words, pronouns, verbs of addressing) that tell what was said
from the circumstances around it.

Kept apart from the rules so each rule reads as logic and a list can grow without touching one.
The reporting verbs' base forms are shared data in tasks/lexicon.py; they are inflected here.
"""

from __future__ import annotations

import re

from tasks.lexicon import SPEECH_ACT_VERBS_BASE, SPEECH_VERBS_BASE, words

_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing", "written"),
    "shout": ("shouts", "shouted", "shouting"),
}
_VOWELS = "aeiou"
# Verbs of two syllables stressed on the last, which double their last consonant ("admitted").
_STRESS_FINAL = {"admit", "rebut", "regret", "omit", "commit", "refer", "confer", "deter"}


def _doubles(base: str) -> bool:
    """Whether the last consonant doubles before -ed/-ing: a short vowel and a consonant closing
    one syllable ("slam", "quip", "admit"), not "plead", "vow" or "label"."""
    if len(base) < 3 or base[-1] in _VOWELS + "wxy" or base[-2] not in _VOWELS:
        return False
    if base[-3] in _VOWELS and base[-3:-1] != "ui":  # "plead"; "quip" is one vowel after q
        return False
    syllables = len(re.findall(r"[aeiou]+", base.replace("qu", "q")))
    return syllables == 1 or base in _STRESS_FINAL


def _inflect(base: str) -> set[str]:
    if base in _IRREGULAR:
        return {base, *_IRREGULAR[base]}
    if _doubles(base):
        return {base, f"{base}s", f"{base}{base[-1]}ed", f"{base}{base[-1]}ing"}
    stem = base[:-1] if base.endswith("e") else base
    past = (
        f"{base}d"
        if base.endswith("e")
        else f"{base[:-1]}ied"
        if base.endswith("y")
        else f"{base}ed"
    )
    third = (
        f"{base}es"
        if base.endswith(("s", "sh", "ch", "x", "o"))
        else (f"{base[:-1]}ies" if base.endswith("y") and base[-2] not in "aeiou" else f"{base}s")
    )
    if base.endswith("y") and base[-2] in "aeiou":
        past = f"{base}ed"
    return {base, third, past, f"{stem}ing"}


# Every form of a reporting verb, to its base form (what the rules about one verb test).
VERB_BASE = {
    form: base for base in SPEECH_VERBS_BASE | SPEECH_ACT_VERBS_BASE for form in _inflect(base)
}
SPEECH_VERBS = frozenset(VERB_BASE)

# Verbs whose first object is whom they address: "told the network on Wednesday that …".
ADDRESSING_VERBS = words("tell inform assure remind warn advise")
# Verbs that pass a request or an instruction to someone: "told the drivers to slow down".
INSTRUCTING_VERBS = words("tell ask warn advise caution plead")
# Verbs whose "how …" or "why …" clause is what was said ("explained how the tolls work"), not
# a topic ("said what she knew"; "asked why" is a question of its own), and the words that open
# such a clause.
EXPLAINING_VERBS = words("explain tell question describe emphasise emphasize reveal")
EXPLANATION_OPENERS = words("how why whether")
# Prepositions that carry a speech act's content ("accused X of …", "described X as …", "likened
# X to …", "praised X for …"); "in a speech", "on Monday" do not.
CONTENT_PREPOSITIONS = words("for of as to with")
# Particles that belong to the verb: "called for X", "called on X to …".
VERB_PARTICLES = words("for on")
# Modals that make a speech verb's report hypothetical ("will argue", "could say"): nothing was
# said yet.
MODALS = words("will would could might may should can must 'll")
# Prepositions that put a speech verb in the main clause's time or manner ("began by saying",
# "after noting that"), not in someone else's mouth ("criticised for saying").
MANNER_PREPOSITIONS = words("by after before while in when")

# Subordinators of time, cause and contrast: a clause one opens is a circumstance of the report
# ("said, as rescuers searched …"), not what was said, and one right after a tag ends the report.
SUBORDINATORS = words("as while because since though although after before until")
# What opens a second report set against the first: "…, though she noted …".
CONTRAST_OPENERS = words("though although while but whereas")
# Words that, right after a tag's comma, open a source, a relative clause, a condition, a place
# or a time ("…, he said, according to …", "…, she said, in a statement"): the report ended at
# the tag.
CIRCUMSTANCE_OPENERS = words("according who which when where if unless in on at")
# Clauses these open are questions or descriptions, not what was said.
WH_WORDS = words("what whether why how if when where who which whom")

# Pronouns that stand for a person. "They" stands for a group (a party, the members, a union)
# and is resolved like "it".
PERSON_PRONOUNS = words("he she i we him her")
GROUP_PRONOUNS = words("it they")
# Subjects that stand for a thing or a clause ("which shows", "this suggests"), not a speaker.
NON_SPEAKERS = words("it this that which")
# Sources that "suggest", "estimate" or "conclude" but do not speak.
DOCUMENTS = words(
    """
    data study studies report reports survey surveys figures numbers statistics research analysis
    poll polls estimate estimates document documents records budget review findings evidence
    results memo model models index forecast projections trend trends it this
    """
)

# Words a title leaves in lower case: between capitalised words ("The Kid Who Would Be King",
# "War and Peace") they still make a short run that names a work rather than a quote.
TITLE_MINOR_WORDS = words("a an the of and or in on at to for with by")
