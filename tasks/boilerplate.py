"""The line filter: what scrapers leave around an article, recognised one paragraph at a time.

HTML extractors work on the DOM; text drops have no DOM, only lines. A line is boilerplate when it
matches one of the patterns in boilerplate_rules.py, or by where it stands: under a "Related"
header, above the article's first paragraph (a repeated headline, its standfirst, a byline, a
section label), or below a comment section's header. Notes that belong to the article (editor's
notes, corrections, update markers) are kept, as metadata rather than text, because they are not
what the article says but they are what a reader must know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks import boilerplate_rules as rules
from tasks.body_span import outside_article
from tasks.boilerplate_rules import LINK_TEASER, NOTE
from tasks.line_model import boilerplate_probability
from tasks.repetition import template_keys


@dataclass
class Filtered:
    """The body lines kept, the article's own notes, and what was dropped (for debugging)."""

    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)


def is_prose(line: str) -> bool:
    """A sentence-shaped paragraph: long enough and ending like a sentence."""
    return word_count(line) >= 12 and bool(rules.PROSE_END.search(line))


def word_count(line: str) -> int:
    """Words, where Chinese, Japanese and Korean text (no spaces) counts two characters a word."""
    return max(len(line.split()), len(rules.CJK.findall(line)) // 2)


def _all_caps(line: str) -> bool:
    """ "CLICK HERE TO GET THE FOX NEWS APP", "STAR OPENS UP ABOUT HEALTH SCARE AFTER SURGERY": a
    shouted link. Wire subheads are capitals too, but short or questions ("WHO IS AHEAD?"), and
    table rows have cells."""
    if line.upper() != line or len(line.split()) < 7:
        return False
    letters = [c for c in line if c.isalpha()]
    return (
        all(c.isupper() for c in letters)
        and len(letters) >= 0.75 * len(line.replace(" ", ""))
        and not any(mark in line for mark in "?|")
    )


# A credit closing a line is short: looking at the line's end is enough, and much cheaper.
_CREDIT_SPAN = 160
# Words in the longest share button, ad mark or comment label ("Click to share on X (Opens in
# new window)", "Advertisement - scroll to continue").
_SHORT = 10


def _credit_marked(line: str) -> bool:
    """What CREDIT_MARK needs: a copyright sign, or a closing parenthesis at the end."""
    return "©" in line or line.rstrip(" .").endswith(")")


_COPYRIGHT_MARK = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)
# A sentence's end followed by the next one's start.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’)]*\s+[\"“‘(]?[A-Z0-9]")
# A caption is a sentence or two; a line of more sentences and words than any caption carries
# is the article's prose, even when a credit closes it (a table-layout page gives its whole
# story as one line, ending in "© AAP 2008" or "Source: China Daily/Agencies").
_CAPTION_SENTENCES = 3
_CAPTION_WORDS = 60


def _holds_prose(line: str) -> bool:
    return (
        word_count(line) > _CAPTION_WORDS
        and len(_SENTENCE_BREAK.findall(line)) >= _CAPTION_SENTENCES
    )


def _may_promote(line: str) -> bool:
    lower = line.lower()
    return any(word in lower for word in rules.PROMO_WORDS) and bool(rules.PROMO.search(line))


def _site_asks(line: str) -> bool:
    """The site's comment section or account asking in a sentence of its own: its rules
    ("Comments are moderated …") or a sign-in ("You must be logged in to post a comment.").
    The patterns are asked only when a word they need is there (most lines have none)."""
    lower = line.lower()
    return bool(
        (any(word in lower for word in rules.COMMENT_WORDS) and rules.COMMENT_RULES.search(line))
        or (any(word in lower for word in rules.ACCOUNT_WORDS) and rules.ACCOUNT.search(line))
    )


def _asks_to_sign_up(line: str) -> bool:
    """A newsletter, app or subscription asked for: "Get … with the N app", "Jetzt abonnieren",
    "Enter your email address to …", "… straight to your inbox"."""
    if rules.SIGN_UP.match(line):
        return True
    lower = line.lower()
    return any(word in lower for word in rules.SIGN_UP_WORDS) and bool(
        rules.ASKS_TO_SIGN_UP.search(line)
    )


def _share_button(line: str) -> bool:
    """A share or follow button: a short line naming a social network ("Pinterest", "Auf
    WhatsApp teilen", "Like us on Facebook", "Click to share on X (Opens in new window)"), its
    other words lower-case but the first, after a preposition when they are more than one (a
    line that opens with the network's name is about it: "Facebook shares fall"); X, a letter
    too, only as the last word after a preposition."""
    words = rules.ASIDE.sub(" ", line).split()
    if not 1 <= len(words) <= 6:
        return False
    at = [
        n
        for n, word in enumerate(words)
        if rules.NETWORK.fullmatch(word)
        or (
            word == "X"
            and n == len(words) - 1
            and words[n - 1].lower() in rules.NETWORK_PREPOSITIONS
        )
    ]
    if not at:
        return False
    lone = len(words) == len(at)
    return lone or (
        all(not w[:1].isupper() for n, w in enumerate(words[1:], 1) if n not in at)
        and any(n and words[n - 1].lower() in rules.NETWORK_PREPOSITIONS for n in at)
    )


def classify(line: str) -> str | None:
    """The boilerplate rule a single line matches, or None when it may be article text."""
    stripped = line.strip()
    if (
        rules.CAPTION_START.match(stripped)
        or rules.CREDIT_TAIL.search(stripped)
        or rules.CREDIT_END.search(stripped[-_CREDIT_SPAN:])
        or rules.CREDIT_ANYWHERE.search(stripped)
        or rules.CREDIT_LINE.match(stripped)
        or rules.CREDIT_AFTER.search(stripped)
        or (_credit_marked(stripped) and rules.CREDIT_MARK.search(stripped[-_CREDIT_SPAN:]))
        or (
            _COPYRIGHT_MARK.search(stripped)
            and word_count(stripped) <= 40
            and rules.PHOTO_COPYRIGHT.search(stripped)
        )
    ) and not _holds_prose(stripped):
        return "caption"
    words = word_count(stripped)
    short = words <= _SHORT  # buttons, labels and ad marks are no longer than this
    if (
        rules.PROMPTS.match(stripped)
        or rules.COMMENTS.match(stripped)
        or (short and rules.COMMENT_LABEL.match(stripped))
        or ("*" in stripped and rules.FORM_FIELD.match(stripped))
        or (words <= 30 and _site_asks(stripped) and not rules.QUOTED.search(stripped))
    ):
        return "comment prompt"
    if (
        rules.SOCIAL.match(stripped)
        or (
            short
            and (
                rules.AD_MARK.match(stripped)
                or rules.PAGE_ACTION.match(stripped)
                or _share_button(stripped)
            )
        )
        or rules.SHORTCODE.search(stripped)
        or rules.IMAGE_ADDRESS.match(stripped)
    ):
        return "share or navigation"
    if (
        words <= 60
        and (_may_promote(stripped) or rules.FOLLOW.search(stripped) or _asks_to_sign_up(stripped))
        and not rules.QUOTED.search(stripped)
    ):
        return "promotion"
    if (
        rules.CONTRIBUTED.match(stripped)
        or rules.BYLINE_LINE.match(stripped)
        or rules.SOURCE.match(stripped)
        or (words <= 40 and rules.REPORTING_CREDIT.match(stripped))
        or ("used in this" in stripped and rules.MATERIAL_USED.search(stripped))
    ):
        return "reporting credit"
    if rules.VIDEO_LEAD.match(stripped):
        return "video lead-in"
    if (
        rules.TIMESTAMP.match(stripped)
        and (any(c.isdigit() for c in stripped) or rules.TIMESTAMP_ALONE.match(stripped))
    ) or rules.READING_TIME.match(stripped):
        return "timestamp"
    if rules.TAGS.match(stripped) and not is_prose(stripped):
        return "tags"
    if (
        (LINK_TEASER.match(stripped) and not is_prose(stripped))
        or _all_caps(stripped)
        or rules.MEDIA_TAG.search(stripped)
    ):
        return "link teaser"
    return None


def boilerplate_spans(text: str, filtered: bool = False) -> list[tuple[int, int]]:
    """Character ranges of the lines of a text that are boilerplate.

    The steps after cleaning use it on text that never went through the filter (evaluation
    corpora), and on the lines the filter keeps although they are shaped like a link teaser,
    because they read as prose: a caption or a link teaser names no one in the story and quotes
    no one. On text the filter made (`filtered`: its lines, joined), no line is one `classify`
    names, since the filter dropped those: only the teaser's shape is left to look for, and
    classifying each line again cost the spaCy workers about 1% of their parse.
    """
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0).strip()
        if line and ((not filtered and classify(line)) or LINK_TEASER.match(line)):
            spans.append((match.start(), match.end()))
    return spans


def filter_lines(
    paragraphs: list[str],
    headline: str | None = None,
    *,
    extracted: bool = False,
    known: frozenset[str] = frozenset(),
) -> Filtered:
    """Drop boilerplate paragraphs; keep notes aside; stop link lists at the next real paragraph,
    and the article at a comment section.

    `extracted` says an HTML extractor already removed the page's navigation: short lines above
    the first paragraph are then the article's own (datelines, sub-heads), not section labels.
    `known` holds the keys (repetition.line_key) of lines the outlet's other articles repeat: its
    template, whatever the wording, unless the line quotes someone.
    """
    result = Filtered(paragraphs=[])
    links_left = 0  # headlines a "Related" header may still claim
    seen_prose = False
    after_headline = False
    opening = None
    wanted_headline = _squash(headline or "")
    # An extractor's output has no inserted blocks in the article's own lists: no need to ask.
    vocabulary = None if extracted else _vocabulary(paragraphs)
    lines = [line.strip() for line in paragraphs]
    repeats = [_repeated(line, known) for line in lines]
    reasons = [
        _REPEATED if repeated else classify(line) if line else None
        for line, repeated in zip(lines, repeats, strict=True)
    ]
    listed = set() if vocabulary is None else _under_link_header(lines, reasons, vocabulary)
    outside = (
        [False] * len(lines)
        if extracted
        else outside_article(
            lines,
            [reason is not None for reason in reasons],
            [n in listed or bool(rules.LINK_BLOCK.match(line)) for n, line in enumerate(lines)],
        )
    )
    last_prose = max(
        (
            n
            for n, line in enumerate(lines)
            if reasons[n] is None and n not in listed and is_prose(line)
        ),
        default=-1,
    )
    for number, stripped in enumerate(lines):
        if not stripped:
            continue
        repeated = repeats[number]
        below_article = number > last_prose and not extracted
        if rules.LINK_BLOCK.match(stripped) or (
            (seen_prose or below_article)
            and _introduces_links(lines, number, reasons)
            and (
                _names_other_stories(stripped)
                or repeated
                or (below_article and _label_shaped(stripped, lines, number, vocabulary))
            )
        ):
            links_left = _MAX_LINKS
            result.dropped.append((stripped, "link list"))
            continue
        if (
            links_left
            and not NOTE.match(stripped)
            and _listed_headline(stripped, vocabulary, inside=number <= last_prose)
        ):
            links_left -= 1
            result.dropped.append((stripped, "link list"))
            continue
        links_left = 0
        if seen_prose and stripped == opening:
            if _repeats_article(result.paragraphs, paragraphs[number + 1 :], opening):
                result.dropped += [
                    (rest.strip(), "article repeated") for rest in paragraphs[number:]
                ]
                break
            result.dropped.append((stripped, "opening repeated"))  # it was a teaser above it
            continue
        if seen_prose and rules.COMMENTS.match(stripped):
            result.dropped += [(rest.strip(), "comments") for rest in paragraphs[number:]]
            break
        if NOTE.match(stripped):
            result.notes.append(stripped)
            continue
        reason = reasons[number] or (_OUTSIDE if outside[number] else None)
        if reason == _OUTSIDE and not seen_prose and _dateline(lines, number):
            reason = None
        if reason is None and not seen_prose:
            reason = _lead_in(stripped, wanted_headline, after_headline, extracted, result)
            if reason is None and not (extracted or result.paragraphs):
                reason = _NAVIGATION if _looks_like_navigation(stripped) else None
            if reason in (_SECTION_LABEL, _NAVIGATION) and _named_in_article(stripped, lines):
                reason = None  # a dateline: "Pittsburgh", "OTTAWA —"
        after_headline = reason == "repeated headline"
        if reason is not None:
            result.dropped.append((stripped, reason))
            continue
        if not seen_prose and is_prose(stripped):
            seen_prose, opening = True, stripped
        result.paragraphs.append(stripped)
    return result


_REPEATED = "repeated across the outlet"
_OUTSIDE = "outside the article"


def _under_link_header(
    lines: list[str], reasons: list[str | None], vocabulary: set[str]
) -> set[int]:
    """Line numbers in the run of headline-shaped lines under a "Related" header (a known one, a
    label worded for other stories, or a label the model reads as the page's), when no
    paragraph of the article follows the run: they may read as sentences, but they are not the
    article's, so its last paragraph comes before them. A line mostly in the article's own words
    ends the run: the article goes on."""
    listed: set[int] = set()
    for number, line in enumerate(lines):
        if not line or not (
            rules.LINK_BLOCK.match(line)
            or (
                _introduces_links(lines, number, reasons)
                and (_names_other_stories(line) or _label_shaped(line, lines, number, vocabulary))
            )
        ):
            continue
        run = []
        for below in range(number + 1, min(number + 1 + _MAX_LINKS, len(lines))):
            if not _headline_shaped(lines[below], sentences=True) or _mostly_own_words(
                lines[below], vocabulary
            ):
                break
            run.append(below)
        after = max(run, default=number) + 1
        if after >= len(lines) or reasons[after] is not None or not is_prose(lines[after]):
            listed.update(run)
    return listed


def _repeated(line: str, known: frozenset[str]) -> bool:
    """One of the outlet's template lines (see repetition.py), and no one is quoted in it."""
    return (
        bool(known)
        and any(key in known for key in template_keys(line))
        and not rules.QUOTED.search(line)
    )


def _repeats_article(kept: list[str], rest: list[str], opening: str) -> bool:
    """The opening paragraph again, and what follows is the article again (a page that carries
    its text twice): not when the first time was a teaser above the full text, which goes on
    differently, nor when the line only came twice in a row."""
    after_opening = kept[kept.index(opening) + 1 :]
    following = [line.strip() for line in rest if line.strip()][:1]
    return bool(following and after_opening) and following[0] in after_opening


# Related blocks list a handful of headlines; past this many lines it is the article again.
_MAX_LINKS = 8


# The line model's score above which a line at the edge of the text is taken for the page's own.
_NAVIGATION_SCORE = 0.9


def _looks_like_navigation(line: str) -> bool:
    """A line that does not read as prose and that the line model scores as boilerplate: at the
    top of a text, above its first paragraph, that is the page, not the story (below the last
    one, articles end in lists and credits the model cannot tell from the page's)."""
    return (
        not is_prose(line)
        and not (word_count(line) >= 12 and _SENTENCE_INSIDE.search(line))
        and boilerplate_probability(line) >= _NAVIGATION_SCORE
    )


# A sentence that ends inside a line and another that starts after it: a line of twelve words or
# more with one reads as prose, however it ends ("… All opinions are mine alone. #ad").
_SENTENCE_INSIDE = re.compile(r"\w{2}[.!?][\"'”’)]*\s+[“\"‘']?[A-Z]")


# The line model's score from which a short line below the article may head a block of links.
_LABEL_SCORE = 0.5


def _label_shaped(
    line: str, paragraphs: list[str], number: int, vocabulary: set[str] | None
) -> bool:
    """Below the article's last paragraph, a line the model reads as the page's rather than the
    story's may head a block ("More in Sport", "Elsewhere on the site"), whatever its wording,
    when the two lines under it are not mostly the article's words: an unknown label is weaker
    evidence than a known one, and the article's own list of earlier coverage talks about it."""
    below = paragraphs[number + 1 : number + 3]
    return boilerplate_probability(line) >= _LABEL_SCORE and not any(
        _mostly_own_words(p, vocabulary, share=_OTHER_STORY_SHARE) for p in below
    )


# Under an unknown label, lines about other stories share less than this with the article (a
# site's own timeline of the story, which names its subject, is the article's); one word in
# common is chance.
_OTHER_STORY_SHARE = 0.3


def _mostly_own_words(line: str, vocabulary: set[str] | None, share: float = 0.5) -> bool:
    words = _content_words(line)
    if not (vocabulary and words):
        return False
    shared = sum(w in vocabulary for w in words)
    return shared > share * len(words) and (share >= 0.5 or shared > 1)


def _names_other_stories(line: str) -> bool:
    """A short label with a word that points at other stories ("What others are reading",
    "Latest from N", "Ook interessant"): a block header, whatever its wording."""
    return word_count(line) <= 6 and bool(rules.OTHER_STORIES.search(line))


def _introduces_links(lines: list[str], number: int, reasons: list[str | None]) -> bool:
    """A short label, not a sentence, with headline-shaped lines under it: a block of links. A
    label has no figures (a date or a score is no header); neither it nor the two lines under it
    is a line of another kind (a share button, a caption, a credit: `reasons` holds the rule
    each line matched, or that it repeats and no rule was asked), and those are no dated list
    items: a sign-off over the story's credits heads no links."""
    line = lines[number]
    below = lines[number + 1 : number + 3]
    return (  # cheapest tests first: every line of a text is asked
        reasons[number] in (None, _REPEATED)
        and len(below) == 2
        and line.count(" ") < 8
        and not any(c.isdigit() for c in line)
        and not rules.PROSE_END.search(line)
        and word_count(line) <= 8
        and all(_headline_shaped(p, sentences=True) and not _DATED_ITEM.match(p) for p in below)
        and all(_no_rule(lines, n, reasons) for n in range(number, number + 3))
    )


def _no_rule(lines: list[str], number: int, reasons: list[str | None]) -> bool:
    """No rule matches the line (a repeated line was not asked yet)."""
    reason = reasons[number]
    return reason is None or (reason == _REPEATED and classify(lines[number]) is None)


def _vocabulary(paragraphs: list[str]) -> set[str]:
    """The content words of the article's prose: what its own short lines talk about."""
    return {w for p in paragraphs if is_prose(p) for w in _content_words(p)}


def _content_words(line: str) -> list[str]:
    """The words that say what a line is about: no numbers, no short or function words (two
    lines sharing "about" and "which" share no topic)."""
    return [
        w
        for w in re.findall(r"\w+", line.lower())
        if len(w) >= 4 and not w.isdigit() and w not in _FUNCTION_WORDS
    ]


_FUNCTION_WORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "another",
        "also",
        "back",
        "been",
        "before",
        "being",
        "both",
        "could",
        "does",
        "down",
        "each",
        "even",
        "from",
        "have",
        "here",
        "into",
        "just",
        "know",
        "like",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "only",
        "other",
        "over",
        "said",
        "says",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "very",
        "want",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
    ]
)


def _listed_headline(line: str, vocabulary: set[str] | None, *, inside: bool) -> bool:
    """A line under a "Related" header that is another story's headline: headline-shaped and,
    `inside` the article, not mostly its own words (a list in the article after an inserted
    block, such as tour dates, talks about the article). A sentence of twenty words at most will
    do; `inside` the article, where its own short lines and lists go on after the block, a
    headline has four words or more, and it is no sentence when there are no article words to
    tell it from the article's own (an extractor's output)."""
    sentences = not inside or vocabulary is not None
    if not _headline_shaped(line, sentences=sentences) or _DATED_ITEM.match(line):
        return False
    if inside and word_count(line) < 4:
        return False
    if vocabulary is None or not inside:  # related stories share the article's topic
        return True
    return not _mostly_own_words(line, vocabulary)


# "July 22 – Cuyahoga Falls, OH @ …", "12/3: …": a dated item of the article's own list.
_DATED_ITEM = re.compile(
    rf"^(?:{rules.MONTH}\s\d{{1,2}}\b|\d{{1,2}}[./]\d{{1,2}}\b)", re.IGNORECASE
)


def _headline_shaped(line: str, *, sentences: bool = False) -> bool:
    """How the headlines under a "Related" header look: three to thirty words, capitalised, mostly
    letters (not a table row), not a sentence, a numbered item or a label introducing a list."""
    letters = sum(map(str.isalpha, line))
    ending = re.search(r"(?<![.])[.:;,]$", line.rstrip("\"'”’)"))
    return (
        3 <= word_count(line) <= (20 if ending else 30)
        and (line[0].isupper() or line[0].isdigit())
        and letters >= 0.6 * len(line.replace(" ", ""))
        and not (ending and not (sentences and line.rstrip().endswith(".")))
        and not re.match(r"\d+[.)]\s|[A-Z]\s?:", line)
    )


def _lead_in(
    line: str, headline: str, after_headline: bool, extracted: bool, result: Filtered
) -> str | None:
    """Lines above the first paragraph: a repeated headline and the standfirst under it, a
    byline, and a section label ("US", "World News") when nothing of the article came yet (an
    unsigned credit such as "Staff Reports" is the article's own)."""
    if headline and same_headline(line, headline):
        return "repeated headline"
    if after_headline and not rules.PROSE_END.search(line) and word_count(line) <= 40:
        return "standfirst"
    byline = rules.BYLINE.match(rules.DATE_PREFIX.sub("", line))
    if byline:
        result.bylines += byline_names(byline.group(1))
        return "byline"
    if extracted or result.paragraphs or word_count(line) > 3 or re.search(r"[,\d“\"'‘]", line):
        return None
    if rules.COLLECTIVE_CREDIT.match(line):
        return None
    return None if rules.PROSE_END.search(line) else _SECTION_LABEL


_SECTION_LABEL = "section label"
_NAVIGATION = "navigation-shaped"


def _dateline(lines: list[str], number: int) -> bool:
    """A short line right above the first paragraph, a place in capitals ("BAAR, SWITZERLAND",
    "OTTAWA —") or names the prose uses: the article's dateline, though the page's lines above it
    are not the article's."""
    line = lines[number]
    return (
        word_count(line) <= 4
        and number + 1 < len(lines)
        and is_prose(lines[number + 1])
        and (bool(_PLACE_IN_CAPITALS.fullmatch(line)) or _named_in_article(line, lines))
    )


_PLACE_IN_CAPITALS = re.compile(r"[A-Z][A-Z.' ]+(?:,[A-Z.' ]+|\s*[—–-])")


def _named_in_article(line: str, paragraphs: list[str]) -> bool:
    """Every word of a short line is a name the article's prose writes with a capital inside a
    sentence: a dateline ("Pittsburgh", "OTTAWA —") is the article's; a section label ("World
    News", "Health") names one of the sections every newspaper has, or a topic that the prose,
    if it names it, writes in lower case."""
    words = [w.capitalize() for w in re.findall(r"[^\W\d_]{2,}", line)]
    if all(word.lower() in rules.SECTION_WORDS for word in words):
        return False  # a section's name, whatever the story names
    prose = [p for p in paragraphs if is_prose(p)]
    return bool(words) and all(
        any(re.search(rf"(?<![.!?\"“])\s{re.escape(word)}\b", p) for p in prose) for word in words
    )


def same_headline(line: str, headline: str) -> bool:
    """The headline as the body repeats it: equal, one a large part of the other (a site name
    or a kicker added), or nearly the same words (the page title and the h1 differ slightly)."""
    text = _squash(line)
    if not text or not headline:
        return False
    if text == headline:
        return True
    short, long = sorted((text, headline), key=len)
    if short in long and len(short) >= 0.6 * len(long):
        return True
    words, wanted = set(text.split()), set(headline.split())
    return min(len(words), len(wanted)) >= 4 and len(words & wanted) / len(words | wanted) >= 0.75


_BYLINE_ROLES = {
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "contributor",
    "columnist",
    "bureau",
    "chief",
    "senior",
    "special",
    "freelance",
    "photographer",
    "producer",
}


def byline_names(byline: str) -> list[str]:
    """ "Jane Roe, Staff Writer and Li Wei" → ["Jane Roe", "Li Wei"]."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", byline.removeprefix("By ").strip())
    return [
        part
        for part in parts
        if part and not any(word.lower() in _BYLINE_ROLES for word in part.split())
    ]


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()
