"""Entities: countable mentions from spaCy's NER.

Raw NER output cannot be counted: the same person appears as "Gen. Mark Milley", "Milley" and
"Milley's"; "U.S." and "US" are two strings; small models call Twitter a person. This step cleans
each mention (titles, roles and possessives split from the name), drops obvious noise, resolves
short forms to the full name used in the same article, and gives every mention an `entity_key`
built only from the resolved name and type, so the same entity gets the same key in every article
without any shared state.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from tasks.records import Mention

# spaCy label → the type researchers count by.
TYPES = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
}

TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "gen",
    "general",
    "lt",
    "lieutenant",
    "col",
    "colonel",
    "maj",
    "major",
    "capt",
    "captain",
    "sgt",
    "sergeant",
    "cpl",
    "corporal",
    "adm",
    "admiral",
    "cmdr",
    "commander",
    "brig",
    "brigadier",
    "rev",
    "reverend",
    "father",
    "sister",
    "rabbi",
    "imam",
    "sheikh",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "president",
    "premier",
    "minister",
    "chancellor",
    "judge",
    "justice",
    "chief",
    "officer",
    "det",
    "detective",
    "const",
    "constable",
    "insp",
    "inspector",
    "supt",
    "superintendent",
    "ambassador",
    "secretary",
    "chairman",
    "chairwoman",
    "chair",
    "chairperson",
    "councillor",
    "councilor",
    "alderman",
    "mp",
    "mla",
    "mpp",
    "dep",
    "deputy",
    "sgt.",
    "coach",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "director",
    "ceo",
    "md",
}
# Words that may precede a name as part of a role ("Pentagon Press Secretary", "Defence Minister").
ROLE_WORDS = TITLES | {
    "press",
    "defence",
    "defense",
    "foreign",
    "finance",
    "prime",
    "vice",
    "state",
    "staff",
    "attorney",
    "police",
    "fire",
    "party",
    "opposition",
    "leader",
    "head",
    "executive",
    "former",
    "interim",
    "acting",
    "health",
    "public",
    "safety",
    "of",
    "the",
    "and",
}
# Small models often tag these as PERSON; they are organisations.
KNOWN_ORGS = {
    "twitter",
    "facebook",
    "instagram",
    "reuters",
    "afp",
    "ap",
    "associated press",
    "youtube",
    "tiktok",
    "google",
    "linkedin",
    "reddit",
    "whatsapp",
    "snapchat",
    "cnn",
    "bbc",
    "cbc",
    "getty",
    "getty images",
    "x",
    "telegram",
    "amazon",
    "apple",
    "microsoft",
    "netflix",
}
# Known aliases: the form on the right is the one name every article's key is built from.
ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "u.s": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "un": "United Nations",
    "u.n.": "United Nations",
    "united nations": "United Nations",
    "eu": "European Union",
    "e.u.": "European Union",
    "european union": "European Union",
    "uae": "United Arab Emirates",
    "u.a.e.": "United Arab Emirates",
    "nato": "NATO",
    "isis": "Islamic State",
    "isil": "Islamic State",
    "islamic state": "Islamic State",
}
# The type an alias target is counted under, whatever the model said.
ALIAS_TYPES = {
    "United States": "place",
    "United Kingdom": "place",
    "United Arab Emirates": "place",
    "United Nations": "org",
    "European Union": "org",
    "NATO": "org",
    "Islamic State": "org",
}
_NAME_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "bint",
    "al",
    "el",
    "ibn",
    "dos",
    "das",
    "st.",
    "y",
    "ter",
    "ten",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_JUNK = re.compile(r"^[\s\"'“”‘’(\[-]+|[\s\"'“”‘’)\],.:;-]+$")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    text: str
    name: str
    type: str
    sentence: int
    role: str | None
    title: str | None


def entity_key(name: str, type_: str) -> str:
    """The cross-article identity: type plus the name folded to plain lower-case words."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = re.sub(r"[^a-z0-9]+", " ", folded.lower().replace("'", "")).strip()
    return f"{type_}:{folded}"


def extract_mentions(doc: Doc) -> list[Mention]:
    """Clean, filtered, resolved mentions of one parsed article."""
    sentence_starts = [s.start_char for s in doc.sents]
    candidates = [c for ent in doc.ents if (c := _candidate(ent, sentence_starts)) is not None]
    return _resolve(candidates)


def _candidate(ent: Span, sentence_starts: list[int]) -> _Candidate | None:
    type_ = TYPES.get(ent.label_)
    if type_ is None:
        return None
    span = _trim(ent)
    if span is None:
        return None
    text = span.text
    name = _POSSESSIVE.sub("", text).strip()
    role = title = None
    if type_ == "person":
        if name.lower() in KNOWN_ORGS:
            type_ = "org"
        else:
            name, title = _strip_titles(name)
            role, role_title = _role_before(span)
            title = title or role_title
    alias = ALIASES.get(re.sub(r"^the ", "", name.lower()))
    if alias:
        name, type_ = alias, ALIAS_TYPES.get(alias, type_)
    if not _plausible(name, type_):
        return None
    sentence = bisect.bisect_right(sentence_starts, span.start_char) - 1
    return _Candidate(span.start_char, span.end_char, text, name, type_, sentence, role, title)


def _trim(ent: Span) -> Span | None:
    """Drop a leading determiner and edge punctuation that NER sometimes includes."""
    start, end = ent.start, ent.end
    while start < end and (ent.doc[start].lower_ in {"the", "a", "an"} or ent.doc[start].is_punct):
        start += 1
    while end > start and ent.doc[end - 1].is_punct:
        end -= 1
    return ent.doc[start:end] if end > start else None


def _strip_titles(name: str) -> tuple[str, str | None]:
    words = name.split()
    titles = []
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        titles.append(words.pop(0))
    return " ".join(words), " ".join(titles) or None


def _role_before(span: Span) -> tuple[str | None, str | None]:
    """Capitalised role words right before a name: "Joint Chiefs of Staff Chairman General"."""
    doc, i = span.doc, span.start
    words: list[str] = []
    while i > 0:
        token = doc[i - 1]
        lower = token.lower_.rstrip(".")
        if not (token.is_title or token.is_upper or lower in ROLE_WORDS) or token.is_punct:
            break
        if token.ent_type_ and token.ent_type_ not in {"ORG", "GPE", "NORP", ""}:
            break
        if lower in {"of", "the", "and"} and not (i > 1 and doc[i - 2].is_title):
            break
        words.insert(0, token.text)
        i -= 1
        if token.is_sent_start:
            break
    while words and words[0].lower() in {"of", "the", "and"}:
        words.pop(0)
    if not words or not any(w.lower().rstrip(".") in ROLE_WORDS for w in words):
        return None, None
    titles = []
    while words and words[-1].lower().rstrip(".") in TITLES - {
        "chairman",
        "secretary",
        "minister",
        "director",
        "chief",
        "president",
    }:
        titles.insert(0, words.pop())
    return " ".join(words) or None, " ".join(titles) or None


def _plausible(name: str, type_: str) -> bool:
    """Reject what is clearly not a name: lower-case junk, digits, stray fragments."""
    if not name or len(name) < 2 or any(ch.isdigit() for ch in name):
        return type_ == "event" and bool(name)
    if type_ != "person":
        return name[0].isupper() or name[0].isdigit() or name in ALIAS_TYPES
    words = name.split()
    if len(words) > 5:
        return False
    for word in words:
        bare = word.strip(".,'’-")
        if not bare:
            return False
        if bare.lower() in _NAME_PARTICLES:
            continue
        if not bare[0].isupper() or (bare.isupper() and len(bare) > 3):
            return False
    return not _EDGE_JUNK.fullmatch(name)


def _resolve(candidates: list[_Candidate]) -> list[Mention]:
    """Short forms take the full name used in the article ("Milley" → "Mark Milley")."""
    full_people = _canonical_people(
        [c.name for c in candidates if c.type == "person" and len(c.name.split()) > 1]
    )
    orgs = [c.name for c in candidates if c.type == "org" and len(c.name.split()) > 1]
    mentions = []
    for c in candidates:
        name, type_ = c.name, c.type
        if len(name.split()) == 1 and (type_ == "person" or name[0].isupper()):
            # A lone surname is the person named in full earlier, whatever NER called it.
            expanded = _expand_person(name, list(full_people.values()), c.start, candidates)
            if expanded is not None:
                name, type_ = expanded, "person"
        elif type_ == "person":
            name = full_people.get(name, name)
        elif type_ == "org" and name.isupper() and len(name) <= 6:
            name = next((o for o in orgs if _initials(o) == name), name)
        mentions.append(
            Mention(
                start=c.start,
                end=c.end,
                text=c.text,
                name=name,
                label=type_,
                key=entity_key(name, type_),
                sentence=c.sentence,
                role=c.role,
                title=c.title,
            )
        )
    return mentions


def _canonical_people(names: list[str]) -> dict[str, str]:
    """Each full name to the shortest full name it ends with.

    NER often swallows a preceding role word ("Lobsterman Walt Pruitt"); the same person named
    "Walt Pruitt" elsewhere in the article tells us where the name starts.
    """
    unique = sorted(set(names), key=lambda n: len(n.split()))
    canonical = {}
    for name in unique:
        words = name.split()
        canonical[name] = next(
            (
                c
                for c in unique
                if len(c.split()) < len(words) and words[-len(c.split()) :] == c.split()
            ),
            name,
        )
    return canonical


def expand_surname(single: str, people: list[Mention], position: int) -> Mention | None:
    """The person, named in full before `position`, whose surname this single word is."""
    single = _POSSESSIVE.sub("", single).lower()
    for mention in reversed([m for m in people if m.start < position]):
        words = mention.name.split()
        if len(words) > 1 and words[-1].lower() == single:
            return mention
    return None


def _expand_person(
    single: str, full_names: list[str], position: int, candidates: list[_Candidate]
) -> str | None:
    """The full name whose surname (or, failing that, first name) is this single word.

    With several candidates, the one mentioned last before this position wins, as a reader
    would read it.
    """
    single = _POSSESSIVE.sub("", single)
    matches = [n for n in full_names if n.split()[-1].lower() == single.lower()]
    if not matches:
        matches = [n for n in full_names if n.split()[0].lower() == single.lower()]
    if not matches:
        return None
    before = [n for c in candidates if c.start < position for n in matches if c.name.endswith(n)]
    return before[-1] if before else matches[0]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())
