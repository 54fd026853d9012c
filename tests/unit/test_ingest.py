"""Ingest: every supported format parses, and every kind of bad file becomes a reject."""

from __future__ import annotations

import errno
import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from tasks.ingest import Limits, decode, drop_id_for, parse_document, read_file, scan
from tasks.records import RawRecord, Reject

ARTICLE = "Council Approves New Bus Routes\n\nThe city council approved three new bus routes on Tuesday.\n\n“This is a good day,” Mayor Ruth Okafor said."


def _read(tmp_path: Path, name: str, data: bytes) -> list[RawRecord | Reject]:
    path = tmp_path / name
    path.write_bytes(data)
    (entry,) = scan(path)
    return list(read_file(entry))


def test_txt_first_line_is_headline(tmp_path: Path) -> None:
    (record,) = _read(tmp_path, "a.txt", ARTICLE.encode())
    assert isinstance(record, RawRecord)
    assert record.title == "Council Approves New Bus Routes"
    assert record.body.startswith("The city council approved")
    assert record.format == "text"


def test_json_field_aliases(tmp_path: Path) -> None:
    item = {
        "headline": "H",
        "byline": ["Ana Diaz", "Li Wei"],
        "published_at": "2026-11-20T09:00:00-05:00",
        "source": "Wire",
        "body": "Text of the story.",
        "link": "https://example.org/a",
    }
    (record,) = _read(tmp_path, "a.json", json.dumps(item).encode())
    assert isinstance(record, RawRecord)
    assert (record.title, record.authors, record.outlet) == ("H", ("Ana Diaz", "Li Wei"), "Wire")
    assert record.url == "https://example.org/a"
    assert record.published == "2026-11-20T09:00:00-05:00"


def test_jsonl_html_record_and_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "A", "text": "Body one."}),
        "<html>503 Service Unavailable</html>",
        json.dumps({"title": "B", "html": "<html><body><p>Body two.</p></body></html>"}),
    ]
    records = _read(tmp_path, "a.jsonl", "\n".join(lines).encode())
    assert [type(r).__name__ for r in records] == ["RawRecord", "Reject", "RawRecord"]
    assert records[1].reason == "invalid JSON line" and records[1].record == "line 2"
    assert records[2].format == "html"


def test_gzip_of_each_format(tmp_path: Path) -> None:
    (record,) = _read(tmp_path, "a.txt.gz", gzip.compress(ARTICLE.encode()))
    assert isinstance(record, RawRecord) and record.title.startswith("Council")


def test_archives_are_read_member_by_member(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("one.txt", ARTICLE)
        archive.writestr("two.json", json.dumps({"title": "T", "body": "B b b."}))
        archive.writestr("../escape.txt", ARTICLE)
        archive.writestr("inner.zip", b"PK")
    records = _read(tmp_path, "drop.zip", buffer.getvalue())
    paths = {r.path: r for r in records}
    assert isinstance(paths["drop.zip!one.txt"], RawRecord)
    assert isinstance(paths["drop.zip!two.json"], RawRecord)
    assert paths["drop.zip!../escape.txt"].reason == "unsafe archive member"
    assert paths["drop.zip!inner.zip"].reason == "nested archive"


def test_tar_gz_rejects_links(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = ARTICLE.encode()
        info = tarfile.TarInfo("story.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("passwd.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    records = _read(tmp_path, "drop.tar.gz", buffer.getvalue())
    kinds = {r.path: type(r).__name__ for r in records}
    assert kinds == {"drop.tar.gz!passwd.txt": "Reject", "drop.tar.gz!story.txt": "RawRecord"}


def test_bad_files_become_rejects(tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "empty file"),
        "cut.json": (b'{"title": "A", "body": "unterminated', "invalid JSON"),
        "fake.txt.gz": (b"plain text, not gzip", "corrupt gzip"),
        "scan.pdf": (b"%PDF-1.4 junk", "unsupported format"),
        "garbage.txt": (bytes(range(256)) * 8, "binary content"),
        "list.json": (b'[{"title": "A"}]', "no article text"),
        "types.json": (b'{"title": {"x": 1}, "body": "B"}', "wrong field type"),
    }
    for name, (data, reason) in cases.items():
        (reject,) = _read(tmp_path, name, data)
        assert isinstance(reject, Reject), name
        assert reject.reason == reason, name
        assert reject.detail, name


def test_size_limit_is_a_reject(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(ARTICLE * 100)
    (entry,) = scan(path)
    (reject,) = read_file(entry, Limits(max_file_bytes=1000))
    assert isinstance(reject, Reject) and reject.reason == "file too large"
    assert "NEWSFLOW_MAX_FILE_BYTES" in reject.detail


def test_a_file_we_may_not_read_is_a_reject_but_a_flaky_disk_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    (entry,) = scan(path)

    def refuse(_self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    (reject,) = read_file(entry)
    assert isinstance(reject, Reject) and reject.reason == "unreadable file"

    def flaky(_self: Path) -> bytes:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(Path, "read_bytes", flaky)
    with pytest.raises(OSError, match="Input/output error"):
        list(read_file(entry))


def test_decode_handles_encodings() -> None:
    assert decode("Café “quote”".encode("utf-16")) == "Café “quote”"
    assert decode("Café".encode("cp1252")) == "Café"
    assert decode(b"\xef\xbb\xbfBOM text") == "BOM text"
    assert decode(b"\x00\x01\x02binary") is None


def test_drop_id_changes_with_content(tmp_path: Path) -> None:
    drop = tmp_path / "drop-1"
    drop.mkdir()
    (drop / "a.txt").write_text(ARTICLE)
    (drop / ".hidden").write_text("x")
    (drop / "_SUCCESS").write_text("")
    first = drop_id_for(drop, scan(drop))
    assert [e.path for e in scan(drop)] == ["a.txt"]
    assert first == drop_id_for(drop, scan(drop))
    (drop / "a.txt").write_text(ARTICLE + " More.")
    assert drop_id_for(drop, scan(drop)) != first
    assert first.startswith("drop-1-")


def test_parse_document_never_raises_on_random_bytes() -> None:
    for blob in (b"\xff\xfe\x00", b"{", b"\x1f\x8b\x08", b"[1, 2]", b"null"):
        for name in ("x.json", "x.jsonl", "x.txt", "x.html", "x.json.gz"):
            for item in parse_document(name, blob, Limits()):
                assert isinstance(item, RawRecord | Reject)


def test_zip_bombs_and_member_floods_are_refused(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"0" * 5_000_000)
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb.getvalue())
    (entry,) = scan(path)
    assert entry.bytes < 50_000
    (reject,) = read_file(entry, Limits(max_unpacked_bytes=1_000_000))
    assert isinstance(reject, Reject) and reject.reason == "archive too large"

    flood = io.BytesIO()
    with zipfile.ZipFile(flood, "w") as archive:
        for i in range(50):
            archive.writestr(f"{i}.txt", ARTICLE)
    path = tmp_path / "flood.zip"
    path.write_bytes(flood.getvalue())
    (entry,) = scan(path)
    (reject,) = read_file(entry, Limits(max_archive_members=10))
    assert isinstance(reject, Reject) and "50 members" in reject.detail


def test_absolute_member_paths_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("/etc/cron.d/evil.txt", ARTICLE)
    records = _read(tmp_path, "abs.zip", buffer.getvalue())
    assert [r.reason for r in records if isinstance(r, Reject)] == ["unsafe archive member"]
