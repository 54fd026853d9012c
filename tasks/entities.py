"""Entities: countable mentions from spaCy's NER.

Raw NER output cannot be counted: the same person appears as "Gen. Mark Milley", "Milley" and
"Milley's"; "U.S." and "US" are two strings; small models call Twitter a person and a photo
credit a name. This step cleans each mention (titles, roles and possessives split from the name),
drops noise (credits, bylines, boilerplate, organisations and places tagged as people), resolves
short forms to the full name used in the same article, and gives every mention an `entity_key`
built only from the resolved name and type, so the same entity gets the same key in every article
without any shared state.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tasks.gender import NAME_MIN_COUNT, first_name_statistic, name_call
from tasks.lexicon import (
    ALIAS_TYPES,
    ALIASES,
    CREDIT_ROLES,
    FIRST_NAME_CUES,
    HONORIFICS,
    JURISDICTION_TITLES,
    KNOWN_ORGS,
    NAME_PARTICLES,
    ORG_WORDS,
    PERSON_NOUNS,
    PLACE_WORDS,
    ROLE_WORDS,
    TITLES,
)
from tasks.nlp import boilerplate_of, common_word, text_of
from tasks.records import Mention, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

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
# People recorded with a first name in the name data, below which a "first name" is as often a
# word or a surname ("Home", "Fort", "Goldman").
COMMON_FIRST_NAME = 1000
# Titles that are also the role itself ("Chairman", "Secretary"): kept in the role, not split off.
_ROLE_TITLES = {"chairman", "chairwoman", "secretary", "minister", "director", "chief", "president"}
_NOT_IN_NAMES = {
    "if", "but", "and", "or", "the", "of", "in", "on", "at", "for", "with", "my", "his", "her",
    "our", "their", "young", "old", "new", "when", "as", "so", "while", "after", "before",
    "since", "because", "although", "though", "then", "now", "also", "even", "only", "just",
    "yet", "still", "meanwhile", "however", "under", "over", "from", "by", "to", "into", "about",
}  # fmt: skip
# Occupation words NER folds into a name ("Lobsterman Walt Pruitt", "Organizer Dwayne Croteau").
_OCCUPATION = re.compile(r"(?:man|woman|person|er|or|ist|ant|ent|ian)$", re.IGNORECASE)
# Apostrophes news text writes possessives with: straight, curly, reversed, modifier letter,
# acute accent and backtick ("Doe's", "Doe’s", "Doe‘s", "Doeʼs", "Doe´s").
APOSTROPHES = "'’‘ʼ´`"
_POSSESSIVE = re.compile(rf"(?:[{APOSTROPHES}]s|[{APOSTROPHES}])$")
_POSSESSIVE_TOKENS = {mark + tail for mark in APOSTROPHES for tail in ("s", "")}
_INITIALS = re.compile(r"(?:[A-Z]\.){2,3}")
# A surname joined to its particle: "al-Assad", "el-Qaddafi", "bin-Laden".
_PARTICLE_SURNAME = re.compile(r"(?:al|el|ad|ud|ul|bin|ibn|abu)-[A-Z][\w'’-]+")
_NAME_WORD = rf"[A-Z][\w{APOSTROPHES}.-]*"
# A one-word name glued to the possessive the tokenizer did not split ("Jane" + "Doe‘s").
_GLUED_POSSESSIVE = re.compile(rf"\s[A-Z][\w-]+(?=[{APOSTROPHES}]s\b)")
# "Chris Young/The Canadian Press", "(Kali Madej/CBC)": a credit, not a mention in the story.
_CREDIT_AFTER = re.compile(
    r"^\s*(?:/|,\s*(?:The\s+)?(?:Associated Press|Canadian Press|Reuters|AFP|Bloomberg)\b"
    r"|\s+is\s+an?\s+[\w\s-]{0,50}?\b(?:" + "|".join(sorted(CREDIT_ROLES)) + r")\b)"
)


# Credits before a name on its line: "(Reporting by N", "Editing by N", "Story by N", "Video
# produced by N", "Contributing: N", "On Twitter follow N"; a film "produced by" N is news.
_CREDIT_BEFORE = re.compile(
    r"(?:\b(?:[Rr]eporting|Editing|Writing|Compiled|Story|Cinematography|[Pp]roduction)"
    r"|(?:^|[(.;]\s*|\b(?:Video|Podcast|Audio)\s+)(?:[Pp]roduced|[Ee]dited))\s+by\s+$"
    r"|\bContributing:\s*$|\b[Ff]ollow\s+$"
)
_FOLLOW_AFTER = re.compile(r"\s+(?:on|On)\s+(?:Twitter|Facebook|Instagram)\b")
# Lines at the end of an article where its author's bio or signature stands.
_CLOSING_LINES = 3
_BIO_AFTER = re.compile(
    r"(?:\s+is\s+(?:a|an|the|(?:(?![a-z]+(?:ly|ing)\b)[a-z]+\s+){1,3}(?:of|at))\s|[.,]?\s*$)"
)
# A sentence ended before the name (not an abbreviated title: "Sen. Lindsey Graham").
_SENTENCE_BEFORE = re.compile(r"[a-z]{3,}[.!?]$")


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
    text = text_of(doc)
    sentence_starts = [s.start_char for s in doc.sents]
    excluded = boilerplate_of(doc)
    candidates = []
    for ent in doc.ents:
        candidate = _candidate(ent, sentence_starts)
        if candidate is None or _inside(candidate.start, excluded) or _is_credit(text, candidate):
            continue
        candidates.append(candidate)
    candidates = _with_results(text, candidates, sentence_starts, excluded)
    authors = _closing_bios(text, candidates)
    candidates = [c for c in candidates if c.name not in authors]
    return _resolve(candidates, text, doc.vocab)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _is_credit(text: str, candidate: _Candidate) -> bool:
    before = text[max(0, candidate.start - 2) : candidate.start]
    if "/" in before or _CREDIT_AFTER.match(text[candidate.end : candidate.end + 80]):
        return True
    line_start = text.rfind("\n", 0, candidate.start) + 1
    lead = text[max(line_start, candidate.start - 60) : candidate.start]
    return bool(_CREDIT_BEFORE.search(lead) or _FOLLOW_AFTER.match(text, candidate.end))


# A line of a results list: a player's name, then a number and what it counts ("Tolivert 25
# points.", "K. Hupfer 1 goal.", "Jordan Munoz 8 saves.").
_STATS = (
    r"points?|goals?|assists?|saves?|steals?|rebounds?|blocks?|kills?|digs?|aces?|yards|"
    r"touchdowns?|tackles?|sacks?|strikeouts?|hits|RBIs?|runs|total"
)
_RESULT = re.compile(
    r"(?:^|(?<=[.:;,]\s)|(?<=\sand\s))(?P<name>(?:[A-Z]\.\s?)?[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,2})"
    rf"\s+\d{{1,3}}\s+(?:{_STATS})\b",
    re.MULTILINE,
)


def _with_results(
    text: str,
    candidates: list[_Candidate],
    sentence_starts: list[int],
    excluded: list[tuple[int, int]],
) -> list[_Candidate]:
    """The candidates, with the players a results list names taken as people: the small model
    misses most of them (a lone surname, a name it calls a team or a place)."""
    found = []
    for match in _RESULT.finditer(text):
        start, end = match.span("name")
        if _inside(start, excluded) or not _plausible(match["name"], "person"):
            continue
        sentence = bisect.bisect_right(sentence_starts, start) - 1
        found.append(
            _Candidate(start, end, match["name"], match["name"], "person", sentence, None, None)
        )
    if not found:
        return candidates
    kept = [c for c in candidates if not any(f.start < c.end and c.start < f.end for f in found)]
    return sorted(kept + found, key=lambda c: c.start)


def _closing_bios(text: str, candidates: list[_Candidate]) -> set[str]:
    """Names of the article's authors in the lines that close it: "Jo Lee is an economist at
    …", or a letter's signature on a line of its own ("Len Bennett."), naming someone no line
    before names. The guideline counts no author."""
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    closing = lines[-_CLOSING_LINES:]
    start = closing[0].start() if closing else len(text)
    found = set()
    for c in candidates:
        if c.type != "person" or c.start < start:
            continue
        line = next(m for m in closing if m.start() <= c.start < m.end())
        head = text[line.start() : c.start].strip()
        if (head and not _SENTENCE_BEFORE.search(head)) or not _BIO_AFTER.match(
            text, c.end, line.end()
        ):
            continue
        if re.search(rf"\b{re.escape(c.name.split()[-1])}\b", text[: line.start()]) is None:
            found.add(c.name)
    return found


def _candidate(ent: Span, sentence_starts: list[int]) -> _Candidate | None:
    type_ = TYPES.get(ent.label_)
    if type_ is None:
        return None
    span = _trim(ent)
    if span is None:
        return None
    end_char = _name_end(span, ent.label_ == "PERSON")
    text = text_of(span.doc)[span.start_char : end_char]
    name = _POSSESSIVE.sub("", text).strip()
    role = title = None
    owner = span.end < ent.end and span.doc[span.end].text in _POSSESSIVE_TOKENS
    if type_ == "org" and _looks_like_person(span, name, owner):
        type_ = "person"
    elif type_ == "place" and _given_and_surname(span, name):
        type_ = "person"  # "Salma Hayek" tagged GPE
    if type_ == "person":
        lowered = {w.lower().strip(".,") for w in name.split()}
        if "/" in name or _not_a_person(span):
            return None
        if name.lower() in KNOWN_ORGS or lowered & ORG_WORDS:
            type_ = "org"
        elif lowered & PLACE_WORDS or _placed(span):
            type_ = "place"
        elif _followed_by(span, ORG_WORDS):
            type_ = "org"  # "Covington Catholic" + "High School"
        elif title_after := _titled_person_after(span):
            type_ = "place" if title_after in JURISDICTION_TITLES else "org"
        else:
            name, title = _strip_titles(name)
            name, described = _strip_descriptions(name, span.doc.vocab)
            role, role_title = _role_before(span)
            role, title = role or described, title or role_title
    alias = ALIASES.get(re.sub(r"^the ", "", name.lower()))
    if alias:
        name, type_ = alias, ALIAS_TYPES.get(alias, type_)
    if not _plausible(name, type_):
        return None
    sentence = bisect.bisect_right(sentence_starts, span.start_char) - 1
    return _Candidate(span.start_char, end_char, text, name, type_, sentence, role, title)


_PLACE_AFTER = re.compile(r"^,\s+(?:[A-Z][a-z]{0,4}\.){1,2}(?!\w)")
_AGE_OR_ROLE_AFTER = re.compile(
    r"^,\s+(?:\d{1,3},|(?:a |an |the )?(?:[a-z-]+ ){0,3}(?:"
    + "|".join(sorted(PERSON_NOUNS | TITLES))
    + r")\b)"
)


def _placed(span: Span) -> bool:
    """A "person" used as a place: "Glace Bay, N.S.", "in Milton", a list of towns. A full name
    that opens with a first name the name data decides is a person in a list with places ("Chris
    Christie of New Jersey and John Kasich of Ohio", "Kamala Harris, Klobuchar and Steyer"): the
    parse often joins them, and the surname may be a dictionary word (Harris, Sanders)."""
    doc = span.doc
    if _PLACE_AFTER.match(text_of(doc)[span.end_char : span.end_char + 12]):
        return True
    if span.start and doc[span.start - 1].lower_ in {"in", "near", "downtown", "uptown"}:
        return True
    if _followed_by(span, PLACE_WORDS):
        return True
    named = len(span.text.split()) > 1 and name_call(span.text).source == "name"
    return not named and _listed_with(span, {"GPE", "LOC"})


def _given_and_surname(span: Span, name: str) -> bool:
    """Two or three words that open with a common first name whose gender the name data
    decides, then no common English word: "Carly Fiorina", not "Boston Globe", "Sierra Nevada",
    "Warner Brothers" or "Fraser Highway SkyTrain" (names of people that are words, "Tyrone
    Woods", are left to the model)."""
    words = name.split()
    if not 2 <= len(words) <= 3 or name_call(name).source != "name":
        return False
    found = first_name_statistic(words[0])
    if found is None or found[1] < COMMON_FIRST_NAME:
        return False
    rest = [w.strip(f".{APOSTROPHES}") for w in words[1:]]
    return not any(common_word(span.doc.vocab, w) for w in rest if len(w) > 1)  # not initials


def _listed_with(span: Span, labels: set[str]) -> bool:
    """Coordinated with entities of these labels ("Edmonton, Calgary and Medicine Hat")."""
    root = span.root
    relatives = [*root.conjuncts, *([root.head] if root.dep_ == "conj" else [])]
    return any(t.ent_type_ in labels for t in relatives)


def _followed_by(span: Span, nouns: frozenset[str]) -> bool:
    """NER stopped short of a capitalised noun that says what the name is ("… High School")."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    return after is not None and after.is_title and after.lower_ in nouns


def _titled_person_after(span: Span) -> str | None:
    """The title between this name and a person's, which makes the name where or what the
    person holds the title ("Harlow Falls Mayor Dennis Carver", "Acme CEO Jo Smith"): a person's
    name never modifies another person's title."""
    doc = span.doc
    if span.end + 1 >= len(doc):
        return None
    title, after = doc[span.end], doc[span.end + 1]
    capitalised = title.is_title or title.is_upper  # "Mayor", "CEO"
    if not capitalised or title.lower_ not in TITLES or after.ent_type_ != "PERSON":
        return None
    return title.lower_


def _not_a_person(span: Span) -> bool:
    """ "the Forecaddie", "the Kinder Morgan pipeline": a determiner or a noun it modifies says
    the name is a thing."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].pos_ == "ADJ":
        i -= 1
    if i >= 0 and doc[i].lower_ in {"the", "a", "an"}:
        return True
    after = doc[span.end] if span.end < len(doc) else None
    return (
        after is not None
        and after.pos_ == "NOUN"
        and after.is_lower
        and span.root.dep_ == "compound"
        and not _POSSESSIVE.search(span[-1].text)  # "Doe‘s plan": an owner, not a modifier
    )


def _looks_like_person(span: Span, name: str, owner: bool) -> bool:
    """An "organisation" that is a person: two or three name words that own something
    ("Blaine Higgs' Tories"), are followed by an age or a role ("Philip Cross, a former
    chief economist"; "Abir Al Basha, 39,"), open with a first name and come after a
    lower-case word for a person ("economist Philip Cross"), or open with a first name the name
    data decides ("Carly Fiorina"): the small model calls many full names organisations, and an
    organisation named like a person ("Morgan Stanley") opens with a name it cannot decide."""
    words = name.split()
    if not 2 <= len(words) <= 3 or any(w.lower().strip(".,") in ORG_WORDS for w in words):
        return False
    if name.lower() in KNOWN_ORGS or not all(w[:1].isupper() and not w.isupper() for w in words):
        return False
    before = span.doc[span.start - 1] if span.start else None
    described = before is not None and before.is_lower and before.text in PERSON_NOUNS | TITLES
    described = described and name_call(name).source == "name"  # not "fellow Canadians X"
    return (
        owner
        or described
        or _given_and_surname(span, name)
        or bool(_AGE_OR_ROLE_AFTER.match(text_of(span.doc)[span.end_char : span.end_char + 30]))
    )


def name_in(phrase: str) -> str | None:
    """The person's name in a speaker phrase NER did not tag ("Vancouver's Bo Horvat")."""
    words = phrase.split()
    owners = [i for i, w in enumerate(words) if _POSSESSIVE.search(w)]
    name, _title = _strip_titles(" ".join(words[owners[-1] + 1 :] if owners else words))
    return name if name and _plausible(name, "person") else None


def speaker_mentions(doc: Doc, mentions: list[Mention], quotes: list[Quote]) -> list[Mention]:
    """Mentions plus the named speakers NER missed: whoever is quoted is a person in the text."""
    sentence_starts = [s.start_char for s in doc.sents]
    found = list(mentions)
    for quote in quotes:
        name, start, end = quote.speaker_name, quote.speaker_start, quote.speaker_end
        if name is None or start is None or end is None or len(name.split()) < 2:
            continue
        if not (quote.speaker_key or "").startswith("person:"):
            continue
        if any(m.start < end and m.end > start for m in found):
            continue
        # The name as written in the speaker span: the full name, else the surname. A pronoun
        # or a description ("she", "the minister") resolved to the person is not a mention of
        # their name, and would show as an alias of the person.
        written = next(
            (w for w in (name, name.split()[-1]) if text_of(doc).find(w, start, end) >= 0), None
        )
        if written is None:
            continue
        offset = text_of(doc).find(written, start, end)
        stop = offset + len(written)
        found.append(
            Mention(
                start=offset,
                end=stop,
                text=text_of(doc)[offset:stop],
                name=name,
                label="person",
                key=quote.speaker_key or entity_key(name, "person"),
                sentence=bisect.bisect_right(sentence_starts, offset) - 1,
            )
        )
    return sorted(found, key=lambda m: m.start)


def _trim(ent: Span) -> Span | None:
    """The name part of an entity span: no leading determiner or edge punctuation, nothing past
    a line break or an inner possessive ("Elizabeth May’s Greens" → "Elizabeth May"), and no
    number after a person's name (results lists: "K. Hupfer 1 goal")."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct):
        start += 1
    person = ent.label_ == "PERSON"
    for i in range(start, end):
        if (
            doc[i].is_space
            or "\n" in doc[i].text_with_ws[:-1]
            or (i > start and i < end - 1 and doc[i].text in _POSSESSIVE_TOKENS)
        ):
            end = i + (0 if doc[i].is_space or doc[i].text in _POSSESSIVE_TOKENS else 1)
            break
        if person and i > start and doc[i].like_num:  # "Adrianna Knight 12 points": the score
            end = i
            break
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end] if end > start else None


def _name_end(span: Span, person: bool) -> int:
    """Extend over a hyphenated tail the tokenizer split off ("Moon Jae" + "-in"), and over the
    surname of a first name when the model stopped at a possessive written with an apostrophe
    the tokenizer keeps in the word ("Jane" + "Doe‘s")."""
    text, end = text_of(span.doc), span.end_char
    tail = re.match(r"-[a-z]{1,4}\b", text[end : end + 6])
    if tail:
        return end + tail.end()
    glued = person and len(span) == 1 and _GLUED_POSSESSIVE.match(text, end)
    return glued.end() if glued else end


def _strip_titles(name: str) -> tuple[str, str | None]:
    words = name.split()
    titles = []
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        titles.append(words.pop(0))
    while len(words) > 1 and words[-1].isupper() and words[-1].lower().rstrip(".") in TITLES:
        titles.append(words.pop())  # "Yellowhead MP", not "Howard Dean"
    return " ".join(words), " ".join(titles) or None


def _strip_descriptions(name: str, vocab: Vocab) -> tuple[str, str | None]:
    """Common words NER took into the front of a name ("Billionaire Donald Trump", "Moderator
    Hugh Hewitt", "Volunteer Martha Jensen"): words no first name in the name data is (under
    THING_MAX_NAME_COUNT people), before a common first name and at least one more word."""
    words = name.split()
    cut = 0
    while len(words) - cut > 2 and len(words[cut].strip(".,")) > 1:
        if not common_word(vocab, words[cut].strip(".,")):
            break
        found = first_name_statistic(words[cut])
        if found is not None and found[1] >= THING_MAX_NAME_COUNT:
            break
        cut += 1
    given = first_name_statistic(words[cut]) if cut else None
    if given is None or given[1] < COMMON_FIRST_NAME:
        return name, None
    return " ".join(words[cut:]), " ".join(words[:cut])


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
    while words and words[-1].lower().rstrip(".") in TITLES - _ROLE_TITLES:
        titles.insert(0, words.pop())
    return " ".join(words) or None, " ".join(titles) or None


def _plausible(name: str, type_: str) -> bool:
    """Reject what is clearly not a name: lower-case junk, digits, stray fragments."""
    if not name or len(name) < 2 or any(ch.isdigit() for ch in name):
        return type_ == "event" and bool(name)
    if type_ != "person":
        return name[0].isupper() or name in ALIAS_TYPES
    words = name.split()
    if len(words) > 5:
        return False
    for word in words:
        bare = word.strip(f".,-{APOSTROPHES}")
        if not bare or bare.lower() in _NOT_IN_NAMES:
            return False
        if _INITIALS.fullmatch(word):
            continue  # "C.J. Hartley", "J.R.R. Tolkien"
        if word.endswith(".") and len(bare) > 2 and bare.lower() not in TITLES:
            return False  # "Alex. Alex": a sentence break inside the span
        if bare.lower() in NAME_PARTICLES or _PARTICLE_SURNAME.fullmatch(bare):
            continue
        if not bare[0].isupper() or (bare.isupper() and len(bare) > 3):
            return False
    return True


def _resolve(candidates: list[_Candidate], text: str, vocab: Vocab) -> list[Mention]:
    """Short forms take the full name used in the article ("Milley" → "Mark Milley").

    A lone capitalised word that names nobody in full, in the mentions or anywhere in the text,
    is not kept as a person: such words are mostly places, parties, products and brands the small
    model calls people (and the rare one-name person has no key that other articles could share).
    """
    full_people = _canonical_people(
        [c.name for c in candidates if c.type == "person" and len(c.name.split()) > 1]
    )
    known = list(full_people.values())
    orgs = [c.name for c in candidates if c.type == "org" and len(c.name.split()) > 1]
    mentions = []
    one_name: set[str] = set()  # people the article names by one name only
    one_name_ends: list[int] = []
    for c in candidates:
        name, type_ = c.name, c.type
        if len(name.split()) == 1 and (type_ == "person" or name[0].isupper()):
            # A lone surname is the person named in full earlier, whatever NER called it.
            expanded = _expand_person(name, known, c.start, candidates)
            if expanded is None and type_ == "person":
                expanded = full_name_in_text(name, text)
                if expanded is None:
                    if name not in one_name and not _one_name_person(c, text, one_name_ends, vocab):
                        continue
                    one_name.add(name)
                    one_name_ends.append(c.end)
            if expanded is not None:
                name, type_ = expanded, "person"
        elif type_ == "person":
            name = full_people.get(name, name)
        elif (person := _ending(name, known)) is not None:
            name, type_ = person, "person"  # "Al Khatib" tagged ORG, of "Ahmad Al Khatib"
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


_CUE = r"\b(?:" + "|".join(sorted(FIRST_NAME_CUES)) + r")s?"
_CUE_BEFORE = re.compile(_CUE + r",?\s+$", re.IGNORECASE)
_CUE_AFTER = re.compile(rf"^[{APOSTROPHES}]s?\s+(?:\w+\s+)?" + _CUE + r"\b", re.IGNORECASE)
# A capitalised title right before a word: "President Obama", "Mr. Obama", "Gov. Christie".
_TITLE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(TITLES)) + r")\.?\s+$", re.IGNORECASE)
# Between two names of one list: commas, "and", and lower-case asides ("Judy, centre, Jaidaa").
_LIST_GAP = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+|\s*\(?[a-z]+\)?,?\s*){1,4}$")


def _one_name_person(
    candidate: _Candidate, text: str, one_name_ends: list[int], vocab: Vocab
) -> bool:
    """A person the article names by one name only: the text around says so (a kinship word
    or "named" before it, an age or a role after it, "Jim's father"), or it follows another
    such name in the same list. Without that, a lone word is more often a place or a brand."""
    before = text[max(0, candidate.start - 30) : candidate.start]
    after = text[candidate.end : candidate.end + 40]
    inside = candidate.text[: max(0, candidate.text.find(candidate.name))]  # NER took the title
    titled = _TITLE_BEFORE.search(before + inside)
    if titled and titled.group()[0].isupper():
        # "President Obama", "Mr. Obama", "Sen. Cruz": a title is a person's. A title that is
        # also a word ("General", "Chief") before a common word is a phrase ("General
        # Uselessness"); an honorific is not.
        honorific = titled.group().lower().strip(" .") in HONORIFICS
        found = first_name_statistic(candidate.name)
        named = found is not None and found[1] >= THING_MAX_NAME_COUNT  # "Prince Andrew"
        return honorific or named or not common_word(vocab, candidate.name)
    if _CUE_BEFORE.search(before) or _CUE_AFTER.match(after):
        return True
    if _AGE_OR_ROLE_AFTER.match(after) or _RESULT.match(text, candidate.start):
        return True
    return bool(one_name_ends) and bool(_LIST_GAP.match(text[one_name_ends[-1] : candidate.start]))


def full_name_in_text(single: str, text: str) -> str | None:
    """ "Niederreiter" → "Nino Niederreiter" when the article spells it out somewhere NER missed."""
    if single.lower() in KNOWN_ORGS:
        return None
    pattern = (
        rf"\b((?:{_NAME_WORD} ){{1,2}}){re.escape(single)}\b(?![{APOSTROPHES}]s? {_NAME_WORD})"
    )
    for match in re.finditer(pattern, text):
        # The name ends at a role word or an acronym: "Huawei CFO Meng" is no "Huawei Meng".
        words = match.group(1).split()
        cut = [
            i + 1 for i, w in enumerate(words) if w.lower().rstrip(".") in ROLE_WORDS or w.isupper()
        ]
        given = (name_in(" ".join(words[max(cut, default=0) :])) or "").split()
        given = [w for w in given if w.lower().rstrip(".") not in ROLE_WORDS and not w.isupper()]
        name = " ".join([*given[-2:], single])
        if given and not any(w.lower().strip(".") in ORG_WORDS for w in given):
            return name if _plausible(name, "person") else None
    return None


def _canonical_people(names: list[str]) -> dict[str, str]:
    """Each full name to the shortest full name it ends with.

    NER often swallows a preceding role word ("Lobsterman Walt Pruitt"); the same person named
    "Walt Pruitt" elsewhere in the article tells us where the name starts.
    """
    # In the order the article first names them (not a set's, which changes with every
    # process's hash seed, and with it who a lone surname was), shorter names first.
    unique = sorted(dict.fromkeys(names), key=lambda n: len(n.split()))
    canonical = {name: name for name in unique}
    for short in unique:
        size = len(short.split())
        tail = short.lower().split()  # "Van Koeverden" opening a sentence is "Adam van Koeverden"
        longer = [n for n in unique if len(n.split()) > size and n.lower().split()[-size:] == tail]
        for name in longer:
            if all(_is_role_word(w) for w in name.split()[:-size]):
                canonical[name] = canonical[short]  # "Lobsterman Walt Pruitt" is "Walt Pruitt"
            elif len(longer) == 1:
                canonical[short] = name  # "Al Hashish" is "Fouzia Al Hashish"
        fuller = [n for n in unique if _with_middle_names(short, n)]
        if len(fuller) == 1 and canonical[short] == short:
            canonical[short] = fuller[0]  # "Donald Trump" is "Donald J. Trump"
    first_named = sorted(canonical, key=names.index)
    for later_index, later in enumerate(first_named):
        earlier = next((n for n in first_named[:later_index] if _same_person(n, later)), None)
        if earlier is not None:
            canonical[later] = canonical[earlier]
    return canonical


def _with_middle_names(short: str, name: str) -> bool:
    """`name` is `short` with middle names or initials: the fuller form a reader counts once."""
    a, b = short.lower().split(), name.lower().split()
    return len(b) > len(a) >= 2 and b[0] == a[0] and b[-1] == a[-1]


def _same_person(earlier: str, later: str) -> bool:
    """Two full names of one person in an article: a plural ("do we want more Audrey
    Parkers?") or a first name spelt two ways beside the same surname ("Jody" and "Jodie
    Wilson-Raybould"). Spellings are close (same first three letters, at most two letters
    apart) and not of opposite genders in name data: Daniel and Danielle Roy are two people."""
    if later in (earlier + "s", earlier + "es"):  # "more Noreen Aldouses"
        return True
    first, *rest = earlier.split()
    other, *other_rest = later.split()
    if not rest or [w.lower() for w in rest] != [w.lower() for w in other_rest]:
        return False
    if first == other or min(len(first), len(other)) < 3:
        return False
    if first[:3].lower() != other[:3].lower() or _edits(first.lower(), other.lower()) > 2:
        return False
    genders = {name_call(first).gender, name_call(other).gender} - {"unknown"}
    return len(genders) < 2


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions turning `a` into `b`."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def _is_role_word(word: str) -> bool:
    """A word before a name that describes the person rather than names them."""
    return word.lower().rstrip(".") in ROLE_WORDS or bool(_OCCUPATION.search(word))


def _ending(name: str, full_names: list[str]) -> str | None:
    """The full name of a person that ends with these words and has more of them: a surname of
    several words ("Al Khatib", "van der Berg") the model tagged as something else."""
    words = name.lower().split()
    return next((n for n in full_names if _ends_in(n, words)), None)


def _ends_in(full_name: str, words: list[str]) -> bool:
    """Whether a full name ends with these lower-case words and has more words than they."""
    names = full_name.lower().split()
    return len(names) > len(words) and names[-len(words) :] == words


def expand_surname(surname: str, people: list[Mention], position: int) -> Mention | None:
    """The person, named in full before `position`, whose surname these words are ("Lee",
    "Al Khatib")."""
    wanted = _POSSESSIVE.sub("", surname).lower().split()
    for mention in reversed([m for m in people if m.start < position]):
        if _ends_in(mention.name, wanted):
            return mention
    return None


def _expand_person(
    single: str, full_names: list[str], position: int, candidates: list[_Candidate]
) -> str | None:
    """The full name whose surname (or, failing that, first name) is this single word.

    With several candidates, the one the article named first before this position wins: a
    story's surname is its principal's, and relatives named later go by their first name
    ("Dorie Greenspan … her husband Michael Greenspan … Greenspan says").
    """
    single = _POSSESSIVE.sub("", single)
    lowered = single.lower()
    matches = [
        n
        for n in full_names
        if (last := n.split()[-1].lower()) == lowered or last.endswith(f"-{lowered}")
    ]
    if not matches:
        matches = [n for n in full_names if n.split()[0].lower() == single.lower()]
    if not matches:
        return None
    before = [n for c in candidates if c.start < position for n in matches if c.name.endswith(n)]
    return before[0] if before else matches[0]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())


# Below this many people with the first word as a first name in the name data, a name that opens
# with a common word ("Switch Lite", "Night Mode") or ends with one after a word no name data
# knows ("Pokemon Sword", "Mohegan Sun") is more often a thing than a person.
THING_MAX_NAME_COUNT = 40  # "Dark" 26, "Vermont" 30; "Mitt" 50


def without_things(mentions: list[Mention], quotes: list[Quote], vocab: Vocab) -> list[Mention]:
    """The mentions less the "people" that are products, places, works and slogans the small
    model tags PERSON: names made of common words that nothing in the article treats as a person
    (no title or role, no pronoun or gendered noun that settled a gender, no quote). Run once
    gender and speakers are known, since those are the evidence."""
    speakers = {q.speaker_key for q in quotes}
    evidence = {
        m.key
        for m in mentions
        if m.label == "person" and (m.gender_source == "text" or m.title or m.role)
    }
    things = {
        m.key
        for m in mentions
        if m.label == "person"
        and m.key not in speakers
        and m.key not in evidence
        and _named_like_a_thing(m.name, vocab)
    }
    return [m for m in mentions if m.key not in things]


def _named_like_a_thing(name: str, vocab: Vocab) -> bool:
    words = [w.strip(f".,{APOSTROPHES}") for w in name.split()]
    if len(words) < 2 or min(len(w) for w in words) < 2:  # an initial: "J. Michael Pearson"
        return False
    found = first_name_statistic(words[0])
    count = found[1] if found else 0
    if count >= THING_MAX_NAME_COUNT:
        return False
    if common_word(vocab, words[0]):
        return True
    return count < NAME_MIN_COUNT and common_word(vocab, words[-1])
