"""An article's text as HTML with a quote and its speaker marked where their offsets say."""

from __future__ import annotations

import html
from typing import Any


def highlighted(quote: dict[str, Any]) -> str:
    """The article text (a `figures.quote_in_article` row), escaped, with the quote in
    <mark class="quote"> and the speaker's words in <mark class="speaker">; a speaker span that
    overlaps the quote is left unmarked rather than cut in two."""
    text: str = quote["text"]
    spans = [(quote["start_char"], quote["end_char"], "quote")]
    speaker = (quote.get("speaker_start"), quote.get("speaker_end"))
    if None not in speaker:
        start, end = speaker
        if end <= spans[0][0] or start >= spans[0][1]:
            spans.append((start, end, "speaker"))
    parts, at = [], 0
    for start, end, kind in sorted(spans):
        parts.append(html.escape(text[at:start]))
        parts.append(f'<mark class="{kind}">{html.escape(text[start:end])}</mark>')
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


STYLE = """<style>
.article-text {white-space: pre-wrap; line-height: 1.6; max-width: 46em}
.article-text mark.quote {background: #ffe08a; padding: 0 .1em}
.article-text mark.speaker {background: #9fd3ff; padding: 0 .1em}
</style>"""
