"""Ingest: every supported format parses, and every kind of bad file becomes a reject."""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from tasks import ingest
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

    def refuse(_path: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(ingest, "_open_regular", refuse)
    (reject,) = read_file(entry)
    assert isinstance(reject, Reject) and reject.reason == "unreadable file"

    def flaky(_path: str) -> None:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(ingest, "_open_regular", flaky)
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


def test_links_are_followed_only_to_files_inside_the_drop(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(ARTICLE)
    drop = tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    (drop / "sub" / "story.txt").write_text(ARTICLE)
    (drop / "inside.txt").symlink_to(drop / "sub" / "story.txt")
    (drop / "outside.txt").symlink_to(outside)
    (drop / "relative.txt").symlink_to("../outside.txt")
    (drop / "gone.txt").symlink_to(tmp_path / "nothing")
    (drop / "folder").symlink_to(tmp_path)
    os.mkfifo(drop / "pipe.txt")
    entries = {e.path: e for e in scan(drop)}
    assert entries["inside.txt"].refused is None
    assert entries["inside.txt"].sha256 == entries["sub/story.txt"].sha256
    assert entries["outside.txt"].refused[0] == "link out of the drop"  # type: ignore[index]
    assert entries["relative.txt"].refused[0] == "link out of the drop"  # type: ignore[index]
    assert entries["gone.txt"].refused[0] == "dangling link"  # type: ignore[index]
    assert entries["folder"].refused[0] == "link to a folder"  # type: ignore[index]
    assert entries["pipe.txt"].refused[0] == "not a regular file"  # type: ignore[index]
    (reject,) = read_file(entries["outside.txt"])
    assert isinstance(reject, Reject) and reject.reason == "link out of the drop"
    assert str(outside) in reject.detail


def test_a_name_that_is_not_utf8_is_kept_as_escapes(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    with open(os.fsencode(drop) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(ARTICLE.encode())
    (entry,) = scan(drop)
    assert entry.path == "caf\\xe9.txt"
    (record,) = read_file(entry)
    assert isinstance(record, RawRecord) and record.path == "caf\\xe9.txt"


def test_json_is_read_one_bounded_item_at_a_time() -> None:
    deep = b"[" + b"[" * 5000 + b"]" * 5000 + b', {"text": "Body."}]'
    items = list(parse_document("deep.json", deep, Limits()))
    assert [type(i).__name__ for i in items] == ["Reject", "RawRecord"]
    assert "nested more than" in items[0].detail
    digits = b'[{"text": "Body.", "n": ' + b"9" * 5000 + b'}, {"text": "Body."}]'
    items = list(parse_document("digits.json", digits, Limits()))
    assert items[0].reason == "invalid JSON" and "4,300 digits" in items[0].detail
    assert isinstance(items[1], RawRecord)
    crowded = b'{"text": "Body.", "junk": [' + b",".join([b"{}"] * 20_000) + b"]}"
    (reject,) = parse_document("crowded.json", crowded, Limits())
    assert isinstance(reject, Reject) and "values in one record" in reject.detail
    many = b"[" + b",".join([b'{"text": "Body."}'] * 30) + b"]"
    items = list(parse_document("many.json", many, Limits(max_records=10)))
    assert len(items) == 11 and items[-1].reason == "too many records"
    lines = b"\n".join([b'{"text": "Body."}'] * 30)
    items = list(parse_document("many.jsonl", lines, Limits(max_records=10)))
    assert len(items) == 11 and items[-1].record == "line 11"


def test_a_broken_json_list_keeps_the_items_before_the_break() -> None:
    items = list(parse_document("cut.json", b'[{"text": "One."}, {"text": "Tw', Limits()))
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject"]
    assert "the items after it are not read" in items[1].detail


def test_a_few_bad_bytes_do_not_make_a_utf8_file_cp1252() -> None:
    data = '{"title": "Déjà vu", "text": "Café naïve."}'.encode().replace("ï".encode(), b"\xff")
    (record,) = parse_document("a.json", data, Limits())
    assert isinstance(record, RawRecord)
    assert record.title == "Déjà vu" and record.body == "Café na\ufffdve."
    assert record.notes == ("1 invalid character (not UTF-8) replaced by \ufffd",)
    assert decode(b"Caf\xe9 \x93quoted\x94") == "Café “quoted”"  # cp1252 through and through
    (half,) = parse_document("h.json", b'{"text": "a \\ud800 b"}', Limits())
    assert isinstance(half, RawRecord) and half.body == "a \ufffd b" and half.notes


def test_text_of_only_spaces_is_an_empty_file() -> None:
    (reject,) = parse_document("nbsp.txt", "\u00a0\u3000".encode(), Limits())
    assert isinstance(reject, Reject) and reject.reason == "empty file"


def test_zip_members_that_cannot_be_unpacked_are_rejects(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("locked.txt", ARTICLE)
    data = bytearray(buffer.getvalue())
    data[data.index(b"PK\x03\x04") + 6] |= 1  # the encryption flag, in both headers
    data[data.index(b"PK\x01\x02") + 8] |= 1
    (reject,) = _read(tmp_path, "locked.zip", bytes(data))
    assert isinstance(reject, Reject) and reject.reason == "unreadable archive member"
    assert "encrypted" in reject.detail


def test_archive_folders_count_as_members(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for i in range(30):
            folder = tarfile.TarInfo(f"d{i}")
            folder.type = tarfile.DIRTYPE
            archive.addfile(folder)
    path = tmp_path / "folders.tar.gz"
    path.write_bytes(buffer.getvalue())
    (entry,) = scan(path)
    (reject,) = read_file(entry, Limits(max_archive_members=10))
    assert isinstance(reject, Reject) and reject.reason == "archive too large"
    assert "folders count" in reject.detail


def test_a_gzip_document_stops_at_the_file_limit() -> None:
    (reject,) = parse_document("lines.txt.gz", gzip.compress(b"a\n" * 600_000), Limits(1000))
    assert isinstance(reject, Reject) and reject.reason == "file too large"


def test_front_matter_gives_a_text_its_identity_outlet_and_date() -> None:
    text = (
        "---\n"
        'title: "Harbour vote: dredging delayed"\n'
        "author: Ann Lee\n"
        "url: https://herald.example/2026/11/20/dredging\n"
        "hostname: herald.example\n"
        "sitename: Harlow Herald\n"
        "date: 2026-11-20\n"
        "tags: ['harbour', 'council']\n"
        "---\n"
        "The harbour commission voted on Tuesday.\n\nA second paragraph.\n"
    )
    (record,) = parse_document("a.txt", text.encode(), Limits())
    assert isinstance(record, RawRecord)
    assert record.title == "Harbour vote: dredging delayed"
    assert record.body == "The harbour commission voted on Tuesday.\n\nA second paragraph."
    assert record.url == "https://herald.example/2026/11/20/dredging"
    assert (record.outlet, record.published, record.authors) == (
        "Harlow Herald",
        "2026-11-20",
        ("Ann Lee",),
    )
    bare = "---\nid: hh-0042\noutlet: Harlow Herald\n---\nHeadline line\n\nBody text."
    (record,) = parse_document("b.txt", bare.encode(), Limits())
    assert isinstance(record, RawRecord)
    assert (record.id, record.title, record.body) == ("hh-0042", "Headline line", "Body text.")
    (plain,) = parse_document("c.txt", b"--- not a header\nBody text here.", Limits())
    assert isinstance(plain, RawRecord) and plain.title == "--- not a header"


def test_pages_and_texts_too_long_to_clean_are_refused_before_decoding() -> None:
    limits = Limits(max_record_chars=100)
    (page,) = parse_document("big.html", b"<p>x</p>" * 20, limits)
    assert isinstance(page, Reject) and page.reason == "page too large"
    (text,) = parse_document("big.txt", b"Headline\n\n" + b"word " * 30, limits)
    assert isinstance(text, Reject) and text.reason == "article too long"
    assert "NEWSFLOW_MAX_RECORD_CHARS" in text.detail
    (huge,) = parse_document("huge.txt", b"a\n" * 1000, limits)  # refused by its bytes alone
    assert isinstance(huge, Reject) and "2,000 bytes" in huge.detail
    record = b'[{"text": "' + b"word " * 30 + b'"}, {"text": "Short body."}]'
    items = list(parse_document("a.json", record, limits))
    assert [getattr(i, "reason", "record") for i in items] == ["article too long", "record"]
    assert items[0].record == "0"
