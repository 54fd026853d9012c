"""Ingest: list a drop's files, fingerprint them, and parse each format into raw records.

Nothing here raises on bad input. A file or record that cannot be read becomes a Reject with a
reason a person can act on, and reading goes on with the rest of the drop.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import stat
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from tasks.records import FileEntry, RawRecord, Reject
from tasks.transient import is_transient

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
MARKERS = {"_SUCCESS", "_DONE"}

# Scrapers disagree on field names; the first alias present wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "guid"),
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "authors": ("authors", "author", "byline"),
    "published": ("published", "published_at", "date", "publish_date", "pubdate"),
    "outlet": ("outlet", "source", "site", "site_name", "publisher"),
    "text": ("text", "body", "content", "article", "articleBody"),
    "html": ("html", "raw_html"),
}


@dataclass(frozen=True)
class Limits:
    """Caps that keep one hostile or broken file from stalling or exhausting a run."""

    max_file_bytes: int = 100_000_000
    max_unpacked_bytes: int = 500_000_000
    max_archive_members: int = 10_000


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(drop: Path) -> list[FileEntry]:
    """Every input file of a drop, sorted by path so batches are the same on every run."""
    drop = drop.resolve()
    paths = [drop] if drop.is_file() else sorted(p for p in drop.rglob("*") if p.is_file())
    entries = []
    for path in paths:
        relative = path.name if path == drop else path.relative_to(drop).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(relative).parts):
            continue
        if path.name in MARKERS:
            continue
        entries.append(FileEntry(relative, str(path), sha256_file(path), path.stat().st_size))
    return entries


def drop_id_for(drop: Path, files: Iterable[FileEntry]) -> str:
    """Name plus content fingerprint: the same files give the same id, a changed drop a new one."""
    digest = hashlib.sha256()
    for entry in sorted(files, key=lambda e: e.path):
        digest.update(f"{entry.path}\0{entry.sha256}\n".encode())
    name = drop.resolve().name
    for suffix in (*ARCHIVE_SUFFIXES, ".gz", *DOCUMENT_SUFFIXES):
        name = name.removesuffix(suffix)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "drop"
    return f"{slug[:60]}-{digest.hexdigest()[:12]}"


def read_file(entry: FileEntry, limits: Limits = Limits()) -> Iterator[RawRecord | Reject]:
    """Raw records of one file, or rejects saying why a file or record was refused.

    A transient I/O error is raised, not rejected: a reject is recorded with the file's hash and
    never read again, and a flaky share must not cost a file for good.
    """
    if entry.bytes > limits.max_file_bytes:
        yield Reject(
            entry.path,
            "file too large",
            f"{entry.bytes:,} bytes is over the {limits.max_file_bytes:,}-byte limit; "
            "split the file or raise NEWSFLOW_MAX_FILE_BYTES",
        )
        return
    name = entry.path.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        yield from _read_archive(entry, limits)
        return
    try:
        data = Path(entry.absolute).read_bytes()
    except OSError as error:
        if is_transient(error):
            raise
        yield Reject(entry.path, "unreadable file", str(error))
        return
    yield from parse_document(entry.path, data, limits)


def parse_document(path: str, data: bytes, limits: Limits) -> Iterator[RawRecord | Reject]:
    """Parse one document (possibly gzip-compressed) by its file name."""
    name = path.lower()
    if name.endswith(".gz"):
        try:
            data = _gunzip(data, limits.max_unpacked_bytes)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            yield Reject(path, "corrupt gzip", f"cannot decompress: {error}")
            return
        except _TooLarge as error:
            yield Reject(path, "file too large", str(error))
            return
        name = name.removesuffix(".gz")
    if not name.endswith(DOCUMENT_SUFFIXES):
        yield Reject(
            path,
            "unsupported format",
            "expected .txt, .html, .htm, .json or .jsonl (optionally .gz), or a .zip/.tar.gz "
            "archive of those",
        )
        return
    if not data.strip():
        yield Reject(path, "empty file", "the file holds no text")
        return
    text = decode(data)
    if text is None:
        yield Reject(path, "binary content", "the file is not text in any known encoding")
        return
    if name.endswith(".txt"):
        yield _from_text(path, None, text)
    elif name.endswith((".html", ".htm")):
        yield RawRecord(path=path, record=None, format="html", body=text)
    elif name.endswith(".jsonl"):
        yield from _from_jsonl(path, text)
    else:
        yield from _from_json(path, text)


class _TooLarge(Exception):
    pass


def _gunzip(data: bytes, cap: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(cap + 1)
    if len(out) > cap:
        raise _TooLarge(f"decompresses to more than {cap:,} bytes")
    return out


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def decode(data: bytes) -> str | None:
    """Text from bytes: BOMs first, a declared HTML charset next, then UTF-8, then cp1252.

    Returns None for binary data (NUL bytes or many control characters), which is not an
    article in any encoding.
    """
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:4096]:
        return None
    candidates = ["utf-8"]
    declared = _CHARSET.search(data[:4096])
    if declared:
        candidates.insert(0, declared.group(1).decode("ascii").lower())
    for codec in [*candidates, "cp1252"]:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
        return None if controls > 0.05 * min(len(text), 4096) else text
    return data.decode("latin-1")


_MAX_HEADLINE_WORDS = 40


def _from_text(path: str, record: str | None, text: str) -> RawRecord | Reject:
    """A scraped page's text: the first non-empty line is the headline."""
    lines = text.strip().splitlines()
    title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
    if not body and len(title.split()) > _MAX_HEADLINE_WORDS:
        return RawRecord(path=path, record=record, format="text", body=title)  # no headline line
    if not body:
        return Reject(
            path, "no article text", "only one line; expected a headline then the body", record
        )
    return RawRecord(path=path, record=record, format="text", body=body, title=title)


def _from_json(path: str, text: str) -> Iterator[RawRecord | Reject]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield Reject(path, "invalid JSON", f"{error.msg}: line {error.lineno} column {error.colno}")
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        yield _from_object(path, str(index) if isinstance(value, list) else None, item)


def _from_jsonl(path: str, text: str) -> Iterator[RawRecord | Reject]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield Reject(path, "invalid JSON line", f"{error.msg}: column {error.colno}", record)
            continue
        yield _from_object(path, record, item)


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


def _read_archive(entry: FileEntry, limits: Limits) -> Iterator[RawRecord | Reject]:
    """Members of a zip or tar archive, refusing anything that could escape or explode."""
    try:
        members = (
            _zip_members(entry, limits)
            if entry.path.lower().endswith(".zip")
            else _tar_members(entry, limits)
        )
        for name, data in members:
            inner = f"{entry.path}!{name}"
            if isinstance(data, str):
                yield Reject(inner, "unsafe archive member", data)
            elif name.lower().endswith((*ARCHIVE_SUFFIXES, ".tar")):
                yield Reject(
                    inner,
                    "nested archive",
                    "archives inside archives are not read; unpack it first",
                )
            else:
                yield from parse_document(inner, data, limits)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
        if is_transient(error):
            raise
        yield Reject(entry.path, "corrupt archive", str(error))
    except _TooLarge as error:
        yield Reject(entry.path, "archive too large", str(error))


def _safe_member_name(name: str) -> str | None:
    """Why a member name is unsafe, or None when it stays inside the archive."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        return f"absolute path {name!r}"
    if ".." in path.parts:
        return f"path {name!r} leaves the archive"
    return None


def _zip_members(entry: FileEntry, limits: Limits) -> Iterator[tuple[str, bytes | str]]:
    with zipfile.ZipFile(entry.absolute) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_totals(len(infos), sum(i.file_size for i in infos), limits)
        unpacked = 0  # sizes in a zip's directory can lie; count what really comes out
        for info in sorted(infos, key=lambda i: i.filename):
            problem = _safe_member_name(info.filename)
            if problem is None and stat.S_ISLNK(info.external_attr >> 16):
                problem = f"symbolic link {info.filename!r}"
            if problem:
                yield info.filename, problem
                continue
            with archive.open(info) as stream:
                data = stream.read(limits.max_file_bytes + 1)
            if len(data) > limits.max_file_bytes:
                yield info.filename, f"member over the {limits.max_file_bytes:,}-byte file limit"
                continue
            unpacked += len(data)
            _check_totals(0, unpacked, limits)
            yield info.filename, data


def _tar_members(entry: FileEntry, limits: Limits) -> Iterator[tuple[str, bytes | str]]:
    with tarfile.open(entry.absolute, mode="r:*") as archive:
        infos = [m for m in archive.getmembers() if not m.isdir()]
        _check_totals(len(infos), sum(m.size for m in infos if m.isfile()), limits)
        for info in sorted(infos, key=lambda m: m.name):
            problem = _safe_member_name(info.name)
            if problem is None and not info.isfile():
                problem = f"{info.name!r} is a link or device, not a regular file"
            if problem is None and info.size > limits.max_file_bytes:
                problem = f"member over the {limits.max_file_bytes:,}-byte file limit"
            if problem:
                yield info.name, problem
                continue
            stream = archive.extractfile(info)
            yield info.name, stream.read() if stream else b""


def _check_totals(count: int, size: int, limits: Limits) -> None:
    if count > limits.max_archive_members:
        raise _TooLarge(f"{count:,} members, over the limit of {limits.max_archive_members:,}")
    if size > limits.max_unpacked_bytes:
        raise _TooLarge(
            f"unpacks to {size:,} bytes, over the limit of {limits.max_unpacked_bytes:,}"
        )
