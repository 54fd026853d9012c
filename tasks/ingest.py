"""Ingest: list a drop's files, fingerprint them, and parse each format into raw records.

Nothing here raises on bad input. A file or record that cannot be read becomes a Reject with a
reason a person can act on, and reading goes on with the rest of the drop.

Every reader is bounded in bytes, in count and in depth (Limits, and the JSON bounds below), and
yields one record at a time, so what a run holds in memory does not grow with what a hostile or
broken file claims to hold: a gzip stops at the size of a document, an archive at its members
and its unpacked size, a JSON document at its records and at each record's values and nesting.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from tasks.json_records import FIELD_ALIASES, read_json, read_jsonl
from tasks.records import FileEntry, RawRecord, Reject
from tasks.transient import is_transient

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
MARKERS = {"_SUCCESS", "_DONE"}


@dataclass(frozen=True)
class Limits:
    """Caps that keep one hostile or broken file from stalling or exhausting a run."""

    max_file_bytes: int = 100_000_000  # a file, and each document unpacked from a gzip or archive
    max_unpacked_bytes: int = 500_000_000  # all that one archive unpacks to
    max_archive_members: int = 10_000  # entries of one archive, folders included
    max_records: int = 100_000  # records of one document (a JSON list's items, JSONL lines)
    max_record_chars: int = 5_000_000  # one page or text before cleaning


# --------------------------------------------------------------------------------------------
# Listing a drop
# --------------------------------------------------------------------------------------------

_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# A file is opened without following a link put in its place since it was listed, and without
# waiting on a FIFO put there: what is read is the regular file the listing saw.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def _open_regular(path: str) -> io.BufferedReader:
    descriptor = os.open(path, _OPEN_FLAGS)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise IsADirectoryError(f"{path} is not a regular file")
    return open(descriptor, "rb")


def sha256_file(path: str) -> tuple[str, int]:
    """The file's sha256 and its size in bytes."""
    digest = hashlib.sha256()
    size = 0
    with _open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def display_name(name: str) -> str:
    """A name as the warehouse records it: a name whose bytes are not UTF-8 (listed by the OS
    with surrogate escapes, which no UTF-8 column can hold) keeps its bytes as `\\xe9` escapes."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def scan(drop: Path) -> list[FileEntry]:
    """Every input file of a drop, sorted by path so batches are the same on every run.

    Hidden files and folders and completion markers are not input. A link is read only when it
    leads to a regular file inside the drop (a drop must not read /etc/passwd for whoever put a
    link to it there); links that lead out of it or nowhere, links to folders, FIFOs, sockets and
    devices become entries that are refused, so each is a reject with its reason.
    """
    root = drop.resolve()
    if not root.is_dir():
        return [_entry(root, root.name, root)]
    entries = []

    def unlistable(error: OSError) -> None:
        if is_transient(error):
            raise error
        where = os.path.relpath(error.filename or root, root)
        entries.append(_refused(where, "unreadable folder", str(error)))

    for folder, folders, files in os.walk(root, onerror=unlistable):
        base = Path(folder)
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in [f for f in folders if (base / f).is_symlink()]:
            folders.remove(name)
            entries.append(
                _refused(
                    (base / name).relative_to(root).as_posix(),
                    "link to a folder",
                    "links to folders are not followed; put the files themselves in the drop",
                )
            )
        for name in files:
            if name.startswith(".") or name in MARKERS:
                continue
            path = base / name
            entries.append(_entry(path, path.relative_to(root).as_posix(), root))
    return sorted(entries, key=lambda e: PurePosixPath(e.path).parts)


def _entry(path: Path, relative: str, root: Path) -> FileEntry:
    """The entry of one listed name: a regular file, or a refused one that says why not."""
    target = path
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            return _refused(
                relative, "dangling link", f"links to {os.readlink(path)}, which is gone"
            )
        if target != root and root not in target.parents:
            return _refused(
                relative,
                "link out of the drop",
                f"links to {display_name(str(target))}, outside the drop; links are followed "
                "only to files inside it",
            )
    mode = target.lstat().st_mode
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a file"
        )
        return _refused(relative, "not a regular file", f"{kind}, which holds no article")
    sha256, size = sha256_file(str(target))
    return FileEntry(display_name(relative), str(target), sha256, size)


def _refused(relative: str, reason: str, detail: str) -> FileEntry:
    """An entry that is not read: no bytes, the hash of no bytes, and why."""
    return FileEntry(display_name(relative), "", _EMPTY_SHA256, 0, (reason, detail))


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


# --------------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------------


def read_file(entry: FileEntry, limits: Limits = Limits()) -> Iterator[RawRecord | Reject]:
    """Raw records of one file, or rejects saying why a file or record was refused.

    A transient I/O error is raised, not rejected: a reject is recorded with the file's hash and
    never read again, and a flaky share must not cost a file for good. Any other error, one this
    module did not foresee included, becomes a reject of the file: the rest of the drop loads.
    """
    if entry.refused:
        yield Reject(entry.path, *entry.refused)
        return
    if entry.bytes > limits.max_file_bytes:
        yield Reject(
            entry.path,
            "file too large",
            f"{entry.bytes:,} bytes is over the {limits.max_file_bytes:,}-byte limit; "
            "split the file or raise NEWSFLOW_MAX_FILE_BYTES",
        )
        return
    try:
        if entry.path.lower().endswith(ARCHIVE_SUFFIXES):
            yield from _read_archive(entry, limits)
            return
        try:
            with _open_regular(entry.absolute) as handle:
                data = handle.read(limits.max_file_bytes + 1)
        except OSError as error:
            if is_transient(error):
                raise
            yield Reject(entry.path, "unreadable file", str(error))
            return
        yield from parse_document(entry.path, data, limits)
    except Exception as error:
        if is_transient(error):
            raise
        yield Reject(
            entry.path,
            "unreadable file",
            f"reading stopped at an error newsflow did not foresee ({type(error).__name__}: "
            f"{error}); records before it were read. Please report it with the file",
        )


def parse_document(path: str, data: bytes, limits: Limits) -> Iterator[RawRecord | Reject]:
    """Parse one document (possibly gzip-compressed) by its file name."""
    name = path.lower()
    if name.endswith(".gz"):
        try:
            data = _gunzip(data, limits.max_file_bytes)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            yield Reject(path, "corrupt gzip", f"cannot decompress: {error}")
            return
        except _TooLarge as error:
            yield Reject(path, "file too large", f"{error} (NEWSFLOW_MAX_FILE_BYTES)")
            return
        name = name.removesuffix(".gz")
    yield from _parse_plain(path, name, data, limits)


def _parse_plain(path: str, name: str, data: bytes, limits: Limits) -> Iterator[RawRecord | Reject]:
    """Parse an uncompressed document; `name` is its lower-cased name without `.gz`."""
    if not name.endswith(DOCUMENT_SUFFIXES):
        yield Reject(
            path,
            "unsupported format",
            "expected .txt, .html, .htm, .json or .jsonl (optionally .gz), or a .zip/.tar.gz "
            "archive of those",
        )
        return
    single = name.endswith((".txt", ".html", ".htm"))
    if single and len(data) > 4 * limits.max_record_chars:  # more characters than that, surely
        yield _too_long(path, None, len(data), "bytes", name, limits)
        return
    if not data.strip():
        yield Reject(path, "empty file", "the file holds no text")
        return
    text = decode(data)
    del data  # a document is held once, as text
    if text is None:
        yield Reject(path, "binary content", "the file is not text in any known encoding")
        return
    if not text.strip():
        yield Reject(path, "empty file", "the file holds only spaces")
        return
    if name.endswith(".txt"):
        items: Iterable[RawRecord | Reject] = [_from_text(path, text)]
    elif name.endswith((".html", ".htm")):
        items = [RawRecord(path=path, record=None, format="html", body=text)]
    elif name.endswith(".jsonl"):
        items = read_jsonl(path, text, limits.max_records)
    else:
        items = read_json(path, text, limits.max_records)
    for item in items:
        if isinstance(item, RawRecord) and len(item.body) > limits.max_record_chars:
            yield _too_long(path, item.record, len(item.body), "characters", item.format, limits)
        else:
            yield _valid_text(item) if isinstance(item, RawRecord) else item


def _too_long(
    path: str, record: str | None, size: int, unit: str, kind: str, limits: Limits
) -> Reject:
    """A page or a text too long to clean: an article has a million characters at most
    (NEWSFLOW_MAX_ARTICLE_CHARS), and cleaning costs time and memory with every line."""
    limit = f"over the {limits.max_record_chars:,}-character limit (NEWSFLOW_MAX_RECORD_CHARS)"
    if kind.endswith(("html", ".htm")):
        return Reject(path, "page too large", f"{size:,} {unit} of HTML, {limit}", record)
    return Reject(
        path,
        "article too long",
        f"{size:,} {unit} of text before cleaning, {limit}; an article has at most "
        "NEWSFLOW_MAX_ARTICLE_CHARS",
        record,
    )


class _TooLarge(Exception):
    pass


def _gunzip(data: bytes, cap: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(cap + 1)
    if len(out) > cap:
        raise _TooLarge(f"decompresses to more than {cap:,} bytes")
    return out


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def decode(data: bytes) -> str | None:
    """Text from bytes: BOMs first, a declared HTML charset next, then UTF-8, then cp1252.

    UTF-8 with a few bytes that are not UTF-8 stays UTF-8: when the valid multi-byte characters
    outnumber the invalid bytes, those bytes are kept as surrogate escapes, which `_valid_text`
    replaces and notes per record. Decoding the whole file as cp1252 instead would turn every
    accented letter of it into two wrong ones. Returns None for binary data (NUL bytes or many
    control characters), which is not an article in any encoding.
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
            if codec != "utf-8":
                continue
            text = data.decode("utf-8", "surrogateescape")
            # Each valid multi-byte character is one character for several bytes.
            if len(data) - len(text) < _count_surrogates(text):
                continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
        return None if controls > 0.05 * min(len(text), 4096) else text
    return data.decode("latin-1")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _count_surrogates(text: str) -> int:
    return sum(1 for _ in _SURROGATE.finditer(text))


def _valid_text(record: RawRecord) -> RawRecord:
    """The record with every half of a surrogate pair (a byte that was not UTF-8, or a JSON
    escape such as "\\ud800") replaced by U+FFFD, and a note saying how many. Such a character
    cannot be written as UTF-8, so it would fail the load; dropping the article would lose it for
    one byte."""
    texts = [record.body, record.title, record.id, record.url, record.published, record.outlet]
    if not any(t and _SURROGATE.search(t) for t in (*texts, *record.authors)):
        return record
    replaced = sum(_count_surrogates(t) for t in (*texts, *record.authors) if t)

    def valid(text: str | None) -> str | None:
        return _SURROGATE.sub("\ufffd", text) if text else text

    return replace(
        record,
        body=valid(record.body) or "",
        title=valid(record.title),
        id=valid(record.id),
        url=valid(record.url),
        published=valid(record.published),
        outlet=valid(record.outlet),
        authors=tuple(valid(a) or "" for a in record.authors),
        notes=(
            *record.notes,
            f"{replaced} invalid character{'s' if replaced > 1 else ''} (not UTF-8) "
            "replaced by \ufffd",
        ),
    )


_MAX_HEADLINE_WORDS = 40
# What str.splitlines splits on, so that a text's lines are the same as they always were. Lines
# are joined with "\n" by translate, which builds the text at once: a substitution per line
# builds a piece per line, gigabytes for a hundred megabytes of one-letter lines.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_TO_NEWLINE = str.maketrans(dict.fromkeys("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"))


def _lines_joined(text: str) -> str:
    return text.replace("\r\n", "\n").translate(_TO_NEWLINE)


_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n((?:[^\n]*\n){0,60}?)(?:---|\.\.\.)[ \t]*(?:\r?\n|$)")
_FRONT_MATTER_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)\s*")


def _from_text(path: str, text: str) -> RawRecord | Reject:
    """A scraped page's text: front matter if any, then the headline line, then the body.

    The front matter is the block trafilatura writes (`--with-metadata`) and static-site tools
    read: `---`, `key: value` lines (the keys of JSON records: url, id, title, author, date,
    outlet or sitename, ...), `---`. With a `title` the whole text after it is the body; without
    one the first line is the headline, as in a text without front matter.
    """
    text = text.strip()
    fields: dict[str, str] = {}
    matter = _FRONT_MATTER.match(text)
    if matter:
        fields = _front_matter(matter.group(1))
        text = text[matter.end() :].strip()
    if fields.get("title"):
        title, body = fields["title"], _lines_joined(text)
    else:
        first = _LINE_BREAK.search(text)
        title = (text if first is None else text[: first.start()]).strip()
        body = "" if first is None else _lines_joined(text[first.end() :]).strip()
        if not body and len(title.split()) > _MAX_HEADLINE_WORDS:
            title, body = "", title  # no headline line
    if not body:
        return Reject(path, "no article text", "only one line; expected a headline then the body")
    return RawRecord(
        path=path,
        record=None,
        format="text",
        body=body,
        id=fields.get("id"),
        url=fields.get("url"),
        title=title or None,
        authors=(fields["authors"],) if fields.get("authors") else (),
        published=fields.get("published"),
        outlet=fields.get("outlet"),
    )


def _front_matter(block: str) -> dict[str, str]:
    """The fields of a front matter block, by the names JSON records use (FIELD_ALIASES).

    Values are plain or double-quoted (trafilatura quotes a value the way JSON does when it
    holds a colon or starts with a mark); lists and other YAML are not needed and are skipped.
    """
    found: dict[str, str] = {}
    for line in block.splitlines():
        match = _FRONT_MATTER_LINE.fullmatch(line)
        if not match or not match.group(2):
            continue
        key, value = match.group(1).lower(), match.group(2)
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value.strip('"')
        elif value.startswith("'") and value.endswith("'") and len(value) > 1:
            value = value[1:-1].replace("''", "'")
        if isinstance(value, str) and value:
            found.setdefault(key, value)
    return {
        name: next(found[a] for a in aliases if a in found)
        for name, aliases in FIELD_ALIASES.items()
        if any(a in found for a in aliases)
    }


# --------------------------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------------------------


def _read_archive(entry: FileEntry, limits: Limits) -> Iterator[RawRecord | Reject]:
    """Members of a zip or tar archive, refusing anything that could escape or explode.

    Members are read one at a time, and all they unpack to counts towards the archive's limit,
    the contents of gzip members included."""
    unpacked = 0
    try:
        members = (
            _zip_members(entry, limits)
            if entry.path.lower().endswith(".zip")
            else _tar_members(entry, limits)
        )
        for name, data in members:
            inner = f"{entry.path}!{display_name(name)}"
            plain = name.lower()
            if isinstance(data, tuple):
                yield Reject(inner, *data)
                continue
            if plain.endswith((*ARCHIVE_SUFFIXES, ".tar")):
                yield Reject(
                    inner,
                    "nested archive",
                    "archives inside archives are not read; unpack it first",
                )
                continue
            unpacked += len(data)
            _check_totals(0, unpacked, limits)
            if plain.endswith(".gz"):
                room = limits.max_unpacked_bytes - unpacked
                try:
                    data = _gunzip(data, min(limits.max_file_bytes, room))
                except (OSError, EOFError) as error:
                    yield Reject(inner, "corrupt gzip", f"cannot decompress: {error}")
                    continue
                except _TooLarge as error:
                    if room < limits.max_file_bytes:
                        _check_totals(0, limits.max_unpacked_bytes + 1, limits)
                    yield Reject(inner, "file too large", f"{error} (NEWSFLOW_MAX_FILE_BYTES)")
                    continue
                unpacked += len(data)
                plain = plain.removesuffix(".gz")
            yield from _parse_plain(inner, plain, data, limits)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
        if is_transient(error):
            raise
        yield Reject(entry.path, "corrupt archive", str(error))
    except _TooLarge as error:
        yield Reject(entry.path, "archive too large", str(error))


# Why a member is not read: a reason and its detail.
_Refusal = tuple[str, str]


def _unsafe(name: str) -> _Refusal | None:
    """Why a member name is unsafe, or None when it stays inside the archive."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        return "unsafe archive member", f"absolute path {display_name(name)!r}"
    if ".." in path.parts:
        return "unsafe archive member", f"path {display_name(name)!r} leaves the archive"
    return None


def _too_large(limits: Limits) -> _Refusal:
    return (
        "file too large",
        f"over the {limits.max_file_bytes:,}-byte file limit (NEWSFLOW_MAX_FILE_BYTES)",
    )


# Bytes of a zip's central directory per member allowed before reading it: a member's record is
# 46 bytes and its name, and ZipFile keeps an object of some 400 bytes for each.
_DIRECTORY_BYTES_PER_MEMBER = 1024
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def _zip_members(entry: FileEntry, limits: Limits) -> Iterator[tuple[str, bytes | _Refusal]]:
    with _open_regular(entry.absolute) as handle:
        # ZipFile reads the whole central directory into objects when it opens: its size, from
        # the end record, is checked first (zipfile has no public way to read that record).
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
        if end is None:
            raise zipfile.BadZipFile("File is not a zip file")
        listed = end[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
        directory = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
        _check_totals(listed, 0, limits)
        if directory > limits.max_archive_members * _DIRECTORY_BYTES_PER_MEMBER:
            raise _TooLarge(
                f"a member list of {directory:,} bytes, more than "
                f"{limits.max_archive_members:,} members could need"
            )
        with zipfile.ZipFile(handle) as archive:
            everything = archive.infolist()
            _check_totals(len(everything), 0, limits)  # folders count: they cost as much
            infos = [i for i in everything if not i.is_dir()]
            _check_totals(0, sum(i.file_size for i in infos), limits)
            for info in sorted(infos, key=lambda i: i.filename):
                problem = _unsafe(info.filename) or _zip_problem(info)
                if problem:
                    yield info.filename, problem
                    continue
                try:
                    with archive.open(info) as stream:
                        data = stream.read(limits.max_file_bytes + 1)
                except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
                    if is_transient(error):
                        raise
                    yield info.filename, ("unreadable archive member", f"cannot unpack: {error}")
                    continue
                # A zip's directory can lie about sizes: what came out is what counts.
                too_large = len(data) > limits.max_file_bytes
                yield info.filename, _too_large(limits) if too_large else data


def _zip_problem(info: zipfile.ZipInfo) -> _Refusal | None:
    """Why a zip member cannot be read, said before trying to."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "unsafe archive member", f"symbolic link {display_name(info.filename)!r}"
    if info.flag_bits & 0x1:
        return (
            "unreadable archive member",
            "encrypted; newsflow has no password for it (put the file in unencrypted)",
        )
    if info.compress_type not in _ZIP_METHODS:
        return (
            "unreadable archive member",
            f"compressed with method {info.compress_type}, which cannot be unpacked here "
            "(deflate, bzip2 and lzma can)",
        )
    return None


def _tar_members(entry: FileEntry, limits: Limits) -> Iterator[tuple[str, bytes | _Refusal]]:
    with (
        _open_regular(entry.absolute) as handle,
        tarfile.open(fileobj=handle, mode="r:*") as archive,
    ):
        # Headers are read one at a time up to the limits (getmembers() would read them all
        # first, keeping an object for each: two million folders took 1.6 GB).
        infos: list[tarfile.TarInfo] = []
        size = 0
        while (info := archive.next()) is not None:
            infos.append(info)
            size += info.size if info.isfile() else 0
            _check_totals(len(infos), size, limits)  # folders count: they cost as much
        for info in sorted((i for i in infos if not i.isdir()), key=lambda m: m.name):
            problem = _unsafe(info.name)
            if problem is None and not info.isfile():
                name = display_name(info.name)
                problem = "unsafe archive member", f"{name!r} is a link or device, not a file"
            if problem is None and info.size > limits.max_file_bytes:
                problem = _too_large(limits)
            if problem:
                yield info.name, problem
                continue
            stream = archive.extractfile(info)
            yield info.name, stream.read() if stream else b""


def _check_totals(count: int, size: int, limits: Limits) -> None:
    if count > limits.max_archive_members:
        raise _TooLarge(
            f"{count:,} members, over the limit of {limits.max_archive_members:,} "
            "(folders count; NEWSFLOW_MAX_ARCHIVE_MEMBERS)"
        )
    if size > limits.max_unpacked_bytes:
        raise _TooLarge(
            f"unpacks to {size:,} bytes, over the limit of {limits.max_unpacked_bytes:,} "
            "(NEWSFLOW_MAX_UNPACKED_BYTES)"
        )
