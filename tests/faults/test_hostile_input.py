"""A drop built to break the reader: links out of it, special files, odd names, JSON that
nests, overflows or holds half a character, archives it cannot unpack, text in scripts without
spaces. `newsflow run` exits 0, each hostile file or record is a reject with its reason, nothing
outside the drop is read, and every good article loads under the name its file has.

Issue 33, defects 3 (links), 5 (one file failed the whole drop), 11 (CJK, one bad byte) and 12
(a `!` in a name, special files skipped in silence).
"""

from __future__ import annotations

import io
import json
import os
import socket
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import newsflow
from warehouse.store import Store

BODY = (
    "The harbour commission voted on Tuesday to delay the dredging plan until spring. "
    "“We need another season of data before we dig,” commission chair Ines Moreau said."
)
SECRET = "Quarry Lane Secret Memo\n\n" + BODY.replace("harbour", "quarry") + " Not for the drop."
# Written for this test: a made-up story in Chinese and one in Japanese.
CHINESE = (
    "港口委员会推迟疏浚计划\n\n"
    "港口委员会星期二投票决定，将疏浚计划推迟到明年春天。"
    "委员会主席莫罗说，我们需要再收集一季的数据，然后才能开工。"
)
JAPANESE = (
    "港湾委員会、しゅんせつ計画を延期\n\n"
    "港湾委員会は火曜日、しゅんせつ計画を来年の春まで延期することを決めた。"
    "委員長は「工事の前に、もう一季節分のデータが必要だ」と述べた。"
)


def _zip_member_patched(
    name: str, text: str, *, flags: int = 0, method: int | None = None
) -> bytes:
    """A one-member zip whose headers claim encryption (`flags`) or another compression
    `method`: what zipfile itself cannot write."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    data = bytearray(buffer.getvalue())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 6] |= flags
    data[central + 8] |= flags
    if method is not None:
        data[local + 8 : local + 10] = method.to_bytes(2, "little")
        data[central + 10 : central + 12] = method.to_bytes(2, "little")
    return bytes(data)


def _tar_with_odd_name() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(
        fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT, errors="surrogateescape"
    ) as archive:
        data = f"Ferry timetable changes\n\n{BODY} The ferry runs later.".encode()
        info = tarfile.TarInfo("horaire-\udce9t\udce9.txt")  # the bytes of a Latin-1 name
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside.txt"
    outside.write_text(SECRET)
    drop = base / "drop"
    drop.mkdir()

    def write(name: str | bytes, data: bytes | str) -> None:
        path = os.path.join(os.fsencode(drop), os.fsencode(name))
        with open(path, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)

    write("good.txt", f"Harbour dredging delayed\n\n{BODY}")
    write("breaking!news.txt", f"Council meets at dawn\n\n{BODY} The council met at dawn.")
    write(b"caf\xe9-owners.txt", f"Cafe owners object\n\n{BODY} Cafe owners were not asked.")
    (drop / "passwd.txt").symlink_to("/etc/passwd")
    (drop / "memo.txt").symlink_to(outside)
    (drop / "gone.txt").symlink_to(base / "nothing-here.txt")
    (drop / "etc").symlink_to("/etc")
    os.mkfifo(drop / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(drop / "socket.txt"))
    write("deep.json", "[" * 5000 + "]" * 5000)
    write("number.json", '{"title": "Digits", "text": "' + BODY + '", "count": ' + "9" * 5000 + "}")
    write("nbsp.txt", "\u00a0".encode())
    write("half.json", json.dumps({"title": "Half a character", "text": BODY + " \ud800 end."}))
    write("oops.json", json.dumps({"url": "http://[oops", "title": "Odd URL", "text": BODY}))
    accented = json.dumps(
        {"title": "Déjà vu at the café", "text": BODY + " Déjà vu, said the café's owner. naïve"},
        ensure_ascii=False,
    ).encode()
    write("one-bad-byte.json", accented.replace("naïve".encode(), b"na\xffve"))
    write("zh.txt", CHINESE)
    write("ja.txt", JAPANESE)
    write("locked.zip", _zip_member_patched("locked.txt", f"Locked\n\n{BODY}", flags=0x1))
    write("aes.zip", _zip_member_patched("aes.txt", f"Strong\n\n{BODY}", method=99))
    write("bundle.tar.gz", _tar_with_odd_name())
    return drop


@pytest.fixture(scope="module")
def loaded(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    result = newsflow("run", str(hostile), home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_every_hostile_file_or_record_is_a_reject_with_its_reason(loaded: Path) -> None:
    con = Store(loaded).connect()
    rejects = {(p, r) for p, r in con.execute("SELECT path, reason FROM rejects").fetchall()}
    assert rejects == {
        ("passwd.txt", "link out of the drop"),
        ("memo.txt", "link out of the drop"),
        ("gone.txt", "dangling link"),
        ("etc", "link to a folder"),
        ("pipe.txt", "not a regular file"),
        ("socket.txt", "not a regular file"),
        ("deep.json", "invalid JSON"),
        ("number.json", "invalid JSON"),
        ("nbsp.txt", "empty file"),
        ("locked.zip!locked.txt", "unreadable archive member"),
        ("aes.zip!aes.txt", "unreadable archive member"),
    }
    details = dict(con.execute("SELECT path, detail FROM rejects").fetchall())
    assert "nested more than" in details["deep.json"]
    assert "digits" in details["number.json"]
    assert "encrypted" in details["locked.zip!locked.txt"]
    assert "compressed with method 99" in details["aes.zip!aes.txt"]


def test_nothing_outside_the_drop_is_read(loaded: Path) -> None:
    con = Store(loaded).connect()
    texts = " ".join(t for (t,) in con.execute("SELECT text FROM articles").fetchall())
    assert "quarry" not in texts and "root:" not in texts


def test_every_good_file_loads_under_its_own_name(loaded: Path) -> None:
    con = Store(loaded).connect()
    files = dict(con.execute("SELECT path, status FROM files").fetchall())
    for name in (
        "good.txt",
        "breaking!news.txt",
        "caf\\xe9-owners.txt",
        "half.json",
        "oops.json",
        "one-bad-byte.json",
        "zh.txt",
        "ja.txt",
        "bundle.tar.gz",
    ):
        assert files[name] == "loaded", name
    sources = {s for (s,) in con.execute("SELECT source_file FROM articles").fetchall()}
    assert "bundle.tar.gz!horaire-\\xe9t\\xe9.txt" in sources
    (url,) = con.execute("SELECT url FROM articles WHERE source_file = 'oops.json'").fetchone()
    assert url == "http://[oops"


def test_invalid_characters_are_replaced_and_said_never_mojibake(loaded: Path) -> None:
    con = Store(loaded).connect()
    notes = dict(con.execute("SELECT source_file, notes FROM articles").fetchall())
    assert notes["half.json"] == ["1 invalid character (not UTF-8) replaced by \ufffd"]
    assert notes["one-bad-byte.json"] == ["1 invalid character (not UTF-8) replaced by \ufffd"]
    (headline, text) = con.execute(
        "SELECT headline, text FROM articles WHERE source_file = 'one-bad-byte.json'"
    ).fetchone()
    assert headline == "Déjà vu at the café" and "na\ufffdve" in text and "Ã" not in text


def test_chinese_and_japanese_articles_load_with_their_words_counted(loaded: Path) -> None:
    con = Store(loaded).connect()
    rows = con.execute(
        "SELECT source_file, language, word_count FROM articles WHERE source_file IN "
        "('zh.txt', 'ja.txt') ORDER BY 1"
    ).fetchall()
    assert [(s, lang) for s, lang, _ in rows] == [("ja.txt", "ja"), ("zh.txt", "zh")]
    assert all(words > 40 for _, _, words in rows)
