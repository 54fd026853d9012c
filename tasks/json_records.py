"""JSON and JSONL documents to raw records, bounded whatever the document holds.

A list of articles is read one item at a time and each item is measured before it is built: its
values are counted and its nesting followed by a scan of its tokens, and one deeper or larger
than an article could be is refused without building it. So what reading a document costs
depends on its largest plausible record, not on what a hostile file packs into it (nine
megabytes of three million empty objects took 3.8 GB as one list). A broken item costs that
item; a broken list, the items after the break.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from tasks.records import RawRecord, Reject

# Scrapers disagree on field names; the first alias present wins. The same names serve JSON
# records and the front matter of text files (trafilatura writes `sitename` and `hostname`).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "guid"),
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "authors": ("authors", "author", "byline"),
    "published": ("published", "published_at", "date", "publish_date", "pubdate"),
    "outlet": ("outlet", "source", "site", "site_name", "publisher", "sitename", "hostname"),
    "text": ("text", "body", "content", "article", "articleBody"),
    "html": ("html", "raw_html"),
}

# An article object nests three levels at most (a list of authors of objects with names) and
# holds tens of values: these bounds leave room for any scraper's extra fields while keeping what
# one record can cost to parse under a few megabytes.
MAX_JSON_DEPTH = 64
MAX_RECORD_VALUES = 10_000


# Tokens enough to find where a JSON value ends and to count its values and depth without
# building it: a string, an opening or closing bracket, a bare word (number, true, null), or a
# quote that opens a string never closed. Commas and colons are skipped.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|[^\s\[\]{},:"]+|"')
_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()


class _BadJSON(Exception):
    """A JSON value that is not read: why, and where (an offset into the text)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def _json_value(text: str, start: int) -> tuple[Any, int]:
    """The JSON value at `start` and where it ends, refusing a value nested deeper than
    MAX_JSON_DEPTH or holding more than MAX_RECORD_VALUES values before building any of it:
    three million empty objects in nine megabytes would otherwise take gigabytes."""
    if text.startswith(("[", "{"), start):
        depth = values = 0
        for token in _JSON_TOKEN.finditer(text, start):
            mark = token.group()
            if mark in ("]", "}"):
                depth -= 1
                if depth == 0:
                    break
                continue
            if mark == '"':
                break  # a string never closed: the decoder below says where
            if mark in ("[", "{"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise _BadJSON(f"nested more than {MAX_JSON_DEPTH} levels deep", start)
            values += 1
            if values > MAX_RECORD_VALUES:
                raise _BadJSON(
                    f"more than {MAX_RECORD_VALUES:,} values in one record (an article has tens)",
                    start,
                )
    try:
        return _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise _BadJSON(error.msg, error.pos) from None
    except ValueError:  # int() refuses numbers of more than sys.get_int_max_str_digits()
        raise _BadJSON(
            f"a number of more than {sys.get_int_max_str_digits():,} digits", start
        ) from None


def _value_end(text: str, start: int) -> int | None:
    """Where the value at `start` ends, found without building it, so that the items after a
    refused one are still read; None when it never ends."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text, start):
        mark = token.group()
        if mark == '"':
            return None
        depth += 1 if mark in ("[", "{") else -1 if mark in ("]", "}") else 0
        if depth <= 0:
            return token.end() if depth == 0 else None
    return None


def _too_many(path: str, max_records: int, record: str) -> Reject:
    return Reject(
        path,
        "too many records",
        f"the file holds more than {max_records:,} records; the rest of it is not read "
        "(split the file or raise NEWSFLOW_MAX_RECORDS)",
        record,
    )


def _skip_space(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()  # type: ignore[union-attr]


def read_json(path: str, text: str, max_records: int) -> Iterator[RawRecord | Reject]:
    """One article object, or a list of them read one item at a time: the list is never built,
    and a broken item costs that item (a broken list, the items after the break)."""
    start = _skip_space(text, 0)
    if not text.startswith("[", start):
        try:
            value, end = _json_value(text, start)
            if text[end:].strip():
                raise _BadJSON("Extra data", _skip_space(text, end))
        except _BadJSON as error:
            yield Reject(path, "invalid JSON", f"{error}: {_where(text, error.position)}")
            return
        yield _from_object(path, None, value)
        return
    position = _skip_space(text, start + 1)
    index = 0
    while not text.startswith("]", position):
        if index == max_records:
            yield _too_many(path, max_records, str(index))
            return
        try:
            value, end = _json_value(text, position)
        except _BadJSON as error:
            where = f"{error}: {_where(text, error.position)}"
            found = _value_end(text, position)
            if found is None:
                yield Reject(path, "invalid JSON", f"{where}; the items after it are not read")
                return
            yield Reject(path, "invalid JSON", where, str(index))
            end = found
        else:
            yield _from_object(path, str(index), value)
        position = _skip_space(text, end)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
            index += 1
        elif not text.startswith("]", position):
            yield Reject(
                path,
                "invalid JSON",
                f"expected ',' or ']': {_where(text, position)}; the items after it are not read",
            )
            return
    if text[position + 1 :].strip():
        where = _where(text, _skip_space(text, position + 1))
        yield Reject(path, "invalid JSON", f"Extra data: {where}")


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    return f"line {line} column {position - text.rfind(chr(10), 0, position)}"


def read_jsonl(path: str, text: str, max_records: int) -> Iterator[RawRecord | Reject]:
    """One article object per line; lines are found one at a time, never split all at once."""
    count = 0
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        record = f"line {number}"
        if count == max_records:
            yield _too_many(path, max_records, record)
            return
        count += 1
        try:
            item, end = _json_value(line, _skip_space(line, 0))
            if line[end:].strip():
                raise _BadJSON("Extra data", _skip_space(line, end))
        except _BadJSON as error:
            yield Reject(path, "invalid JSON line", f"{error}: column {error.position + 1}", record)
            continue
        yield _from_object(path, record, item)


def _lines(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


def _from_object(path: str, record: str | None, item: Any) -> RawRecord | Reject:
    if not isinstance(item, dict):
        return Reject(
            path,
            "not an article object",
            f"expected a JSON object, got {type(item).__name__}",
            record,
        )
    fields: dict[str, Any] = {}
    for name, aliases in FIELD_ALIASES.items():
        fields[name] = next((item[a] for a in aliases if item.get(a) not in (None, "", [])), None)
    problems = [
        f"'{name}' should be text, got {type(value).__name__}"
        for name, value in fields.items()
        if value is not None and name != "authors" and not isinstance(value, str | int | float)
    ]
    authors = _authors(fields["authors"])
    if authors is None:
        problems.append(
            f"'authors' should be text or a list of names, got {fields['authors']!r:.60}"
        )
    if problems:
        return Reject(path, "wrong field type", "; ".join(problems), record)
    if fields["text"] is None and fields["html"] is None:
        return Reject(
            path,
            "no article text",
            "the record has none of the fields text, body, content, article or html",
            record,
        )
    scalar = {k: (str(v) if v is not None else None) for k, v in fields.items() if k != "authors"}
    is_html = scalar["text"] is None
    return RawRecord(
        path=path,
        record=scalar["id"] or record,
        format="html" if is_html else "text",
        body=scalar["html"] if is_html else scalar["text"],
        id=scalar["id"],
        url=scalar["url"],
        title=scalar["title"],
        authors=authors,
        published=scalar["published"],
        outlet=scalar["outlet"],
    )


def _authors(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, list) and all(
        isinstance(v, dict) and isinstance(v.get("name"), str) for v in value
    ):
        return tuple(v["name"] for v in value)
    return None
