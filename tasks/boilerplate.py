"""The line filter: what scrapers leave around an article, recognised one paragraph at a time.

HTML extractors work on the DOM; text drops have no DOM, only lines. Each rule here is a pattern
that real drops carry (captions, link lists, comment prompts, share lines, credits, timestamps)
and that never reads as article prose. Notes that belong to the article (editor's notes,
corrections, update markers) are kept, as metadata rather than text, because they are not what
the article says but they are what a reader must know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_AGENCIES = (
    r"Reuters|AP|AFP|Getty(?: Images)?|Associated Press|Bloomberg|EPA|Shutterstock|iStock"
    r"|Canadian Press|The Canadian Press|CP|PA|Xinhua|Sipa|Alamy|NurPhoto|Pool|File|Handout"
)
# "(Khalid al Mousily/Reuters)", "(Photo: Jane Doe/AP)", "(AP Photo/Jane Doe)", "Getty Images"
_CREDIT_TAIL = re.compile(
    rf"\((?:(?:Photo|Image|Picture|Credit|File photo)s?:?\s*)?[^()]{{0,80}}"
    rf"(?:/\s*(?:{_AGENCIES})[^()]*|(?:{_AGENCIES}) Photo[^()]*|Photo[^()]*/[^()]*)\)\s*\.?$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^(?:(?:Photo|Photograph|Image|Picture|Credit|Caption|Pictured|File photo|Video|Watch)"
    r"(?: credit)?\s*[:|]|Open this photo in gallery\b)",
    re.IGNORECASE,
)
# "(Kali Madej/ Dixon Hall)", "( Andrew Wallace / Toronto Star )", "Adrian Wyld / The Canadian
# Press Andrew Scheer follows …": a photographer's credit anywhere in a line marks a caption.
_CREDIT_ANYWHERE = re.compile(
    r"\(\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}\s*/\s*[A-Z][^()/]{1,40}\)"
    r"|^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*/\s*(?:The )?(?:Canadian Press|Associated Press|"
    r"Reuters|AFP|Getty Images|Bloomberg|Toronto Star|CBC)\b"
)
# "Annabelle Liang, The Associated Press", "Rachel Gilmore, Power Play producer": a byline line.
_BYLINE_LINE = re.compile(
    r"^(?!By )[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3},\s*(?:The )?[\w.'’ -]{0,40}?"
    r"\b(?:Press|Reuters|AFP|Bloomberg|producer|reporter|correspondent|writer|editor|News|Staff)\b"
    r"[\w.'’ -]{0,20}$"
)
# "Tom Vernon has the latest.", "Adam MacVicar has more (Jan. 6, 2019)": a video's lead-in.
_VIDEO_LEAD = re.compile(
    r"^.{0,160}\b(?:has|have) (?:more|the latest|the story|details)\b[^.!?]{0,40}[.!?)]?$"
    r"|^As [A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3} reports\b"
)
# "… on Friday. AP Photo/Erin Kowalski", "… on Sunday. (Getty Images)": a credit closing a caption.
_CREDIT_END = re.compile(
    rf"(?:\b(?:{_AGENCIES}) Photo\s*/\s*[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{0,3}}|\((?:{_AGENCIES})\)|\bGetty Images)\s*\.?$"
)
_CREDIT_LINE = re.compile(
    rf"^(?:[^.!?]{{0,80}}(?:/|\bvia\b)\s*)?(?:{_AGENCIES})(?: Photo| Images)?(?:/[^.!?]{{0,60}})?$"
    rf"|^(?:AP|AFP|Reuters) Photo\b.{{0,80}}$",
    re.IGNORECASE,
)

# Headers of blocks whose following lines are other stories' headlines.
_LINK_BLOCK = re.compile(
    r"^(?:Articles? You May Like|Related(?: Articles?| Stories| Coverage| Content| Links| News)?"
    r"|Read (?:More|Next|Also)|More (?:from|on|in|News|Stories)\b.*|You (?:May|Might) Also Like"
    r"|Recommended(?: for You| Stories| Reading)?|Trending(?: Now| Stories)?|Most (?:Read|Popular|Viewed)"
    r"|Also (?:Read|on|See)\b.*|See Also|Popular (?:Stories|Now)|Top Stories|Latest (?:News|Stories)"
    r"|What to Read Next|Further Reading|In Other News|Editor'?s Picks|Don'?t Miss)\s*:?\s*$",
    re.IGNORECASE,
)
# One-line link teasers: "Read more: Some other story", "RELATED: …".
LINK_TEASER = re.compile(
    r"^(?:Read (?:more|next|also)|Related|See also|Also read|More|Watch(?: below| more| now| live)?"
    r"|Listen|Click here)\s*[:|»>-]\s*\S",
    re.IGNORECASE,
)
_PROMPTS = re.compile(
    r"^(?:Leave a (?:Comment|Reply)\b.*|Your email address will not be published.*"
    r"|Required fields are marked.*|Join the (?:conversation|discussion)\b.*|Comments?\s*(?:\(\d+\))?"
    r"|\d+ Comments?|(?:Add|Post|Show|View|Load|Hide) (?:a |all |the )?comments?\b.*"
    r"|Comment on this (?:story|article)\b.*|Sign in to comment\b.*|Log in to comment\b.*"
    r"|Conversations are opinions of our readers.*|Commenting (?:is|has been) (?:closed|disabled).*"
    r"|We welcome your comments.*|No Links Allowed.*)$",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"^(?:Share(?: this| on| via)?\b.{0,60}|Tweet|Email|Print|Pin(?: it)?|Copy link|Facebook|Twitter|X"
    r"|LinkedIn|WhatsApp|Reddit|Flipboard|Advertisement|ADVERTISEMENT|Sponsored(?: Content)?"
    r"|Story continues below(?: advertisement)?|Article continues below.*|Skip (?:to|Advertisement).*"
    r"|Subscribe\b.{0,120}|Sign up\b.{0,120}|Follow (?:us|me|@)\b.{0,80}|Get (?:our|the) .{0,60}newsletter.*"
    r"|Newsletter sign-up.*|Back to top|Top of page|Next (?:article|story)\b.*|Previous (?:article|story)\b.*"
    r"|(?:Copyright|©|\(c\)).{0,120}|All rights reserved.*|Terms of (?:Use|Service)|Privacy Policy"
    r"|Cookie (?:Policy|Settings)|Contact us|About us|Home(?:\s*[|›>/].*)?)$",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(
    r"^\(?(?:.{0,80}\bcontributed (?:to )?(?:this )?(?:report|reporting|story)\b.{0,40}"
    r"|(?:Additional )?Reporting by\b.{0,200}|Writing by\b.{0,120}|Editing by\b.{0,120}"
    r"|Compiled by\b.{0,120}|With (?:files|reporting) from\b.{0,120})\)?\.?$",
)
_TIMESTAMP = re.compile(
    r"^(?:(?:Updated|Published|Posted|Last updated|Modified|First published)(?: on| at)?:?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s*)?"
    r"(?:(?:\d{1,2}\s)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*\d{0,2},?\s*\d{0,4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})?[,\s]*(?:at\s*)?"
    r"(?:\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?\s*$"
    r"|^\d+ (?:minutes?|hours?|days?) ago$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*)"
    r"(?:\s*[,|–—-]\s*.{0,60})?$"
)
NOTE = re.compile(
    r"^(?:\[?(?:Editor['’]?s? ?Note|Correction|Clarification|Update|Updated|Editor['’]s Update)\]?\s*[:.\]-]"
    r"|\[(?:Updated|Update|Corrected)[^\]]*\]"
    r"|This (?:article|story|post) (?:has been|was) (?:updated|corrected|amended)\b)",
    re.IGNORECASE,
)
UPDATED_MARK = re.compile(r"\s*\[(?:Updated|Update|Corrected)[^\]]*\]\s*", re.IGNORECASE)
_PROSE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class Filtered:
    """The body lines kept, the article's own notes, and what was dropped (for debugging)."""

    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)


def is_prose(line: str) -> bool:
    """A sentence-shaped paragraph: long enough and ending like a sentence."""
    return len(line.split()) >= 12 and bool(_PROSE_END.search(line))


def classify(line: str) -> str | None:
    """The boilerplate rule a single line matches, or None when it may be article text."""
    stripped = line.strip()
    if (
        _CAPTION_START.match(stripped)
        or _CREDIT_TAIL.search(stripped)
        or _CREDIT_END.search(stripped)
        or _CREDIT_ANYWHERE.search(stripped)
        or _CREDIT_LINE.match(stripped)
    ):
        return "caption"
    if _PROMPTS.match(stripped):
        return "comment prompt"
    if _SOCIAL.match(stripped):
        return "share or navigation"
    if _CONTRIBUTED.match(stripped) or _BYLINE_LINE.match(stripped):
        return "reporting credit"
    if _VIDEO_LEAD.match(stripped):
        return "video lead-in"
    if _TIMESTAMP.match(stripped) and any(ch.isdigit() for ch in stripped):
        return "timestamp"
    if LINK_TEASER.match(stripped) and not is_prose(stripped):
        return "link teaser"
    return None


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the lines of a text that are boilerplate.

    The steps after cleaning use it on text that never went through the filter (evaluation
    corpora, or lines the filter keeps because they sit inside the article): a caption or a link
    teaser names no one in the story and quotes no one.
    """
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        if line.strip() and (classify(line) or LINK_TEASER.match(line.strip())):
            spans.append((match.start(), match.end()))
    return spans


def filter_lines(paragraphs: list[str], headline: str | None = None) -> Filtered:
    """Drop boilerplate paragraphs; keep notes aside; stop link lists at the next real paragraph."""
    result = Filtered(paragraphs=[])
    in_link_block = False
    seen_prose = False
    wanted_headline = _squash(headline or "")
    for line in paragraphs:
        stripped = line.strip()
        if not stripped:
            continue
        if in_link_block:
            if is_prose(stripped) and classify(stripped) is None:
                in_link_block = False
            else:
                result.dropped.append((stripped, "link list"))
                continue
        if _LINK_BLOCK.match(stripped):
            in_link_block = True
            result.dropped.append((stripped, "link list"))
            continue
        if NOTE.match(stripped):
            result.notes.append(stripped)
            continue
        reason = classify(stripped)
        if reason is None and not seen_prose:
            reason = _lead_in(stripped, wanted_headline, result)
        if reason is not None:
            result.dropped.append((stripped, reason))
            continue
        seen_prose = seen_prose or is_prose(stripped)
        result.paragraphs.append(stripped)
    return result


def _lead_in(line: str, headline: str, result: Filtered) -> str | None:
    """Lines above the first paragraph: a repeated headline, a byline, a section label."""
    if headline and _squash(line) == headline:
        return "repeated headline"
    byline = _BYLINE.match(line)
    if byline:
        result.bylines += byline_names(byline.group(1))
        return "byline"
    words = line.split()
    if len(words) <= 4 and not _PROSE_END.search(line) and not any(c in line for c in "“\"'‘"):
        return "section label"
    return None


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
