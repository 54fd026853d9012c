"""A drop holding every kind of bad input: the run completes, each bad file is a reject with a
reason, each good file loads, and values from articles never reach SQL as text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from warehouse.store import Store

pytestmark = pytest.mark.usefixtures("prefect_server")

BODY = (
    "The harbour commission voted on Tuesday to delay the dredging plan until spring. "
    "“We need another season of data before we dig,” commission chair Ines Moreau said."
)
SQL_TITLE = "Robert'); DROP TABLE articles;-- \"quoted\" O'Brien"


def _write(drop: Path, name: str, data: bytes) -> None:
    (drop / name).write_bytes(data)


@pytest.fixture(scope="module")
def bad_drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    drop = tmp_path_factory.mktemp("bad-drop")
    text = f"Harbour dredging delayed\n\n{BODY}"
    _write(drop, "good.txt", text.encode())
    _write(drop, "empty.txt", b"")
    _write(drop, "garbage.txt", bytes(range(256)) * 64)
    _write(
        drop,
        "cp1252.txt",
        f"Caf\xe9 owners object\n\n{BODY} Caf\xe9 owners were not asked.".encode(
            "cp1252", "replace"
        ),
    )
    _write(
        drop,
        "utf16.txt",
        f"Second look at the quay\n\n{BODY} A second vote follows.".encode("utf-16"),
    )
    _write(drop, "truncated.txt.gz", gzip.compress(text.encode())[:40])
    _write(
        drop,
        "no-article.html",
        b"<html><body><nav><a href='/'>Home</a></nav><footer>Contact us</footer></body></html>",
    )
    _write(drop, "missing.json", json.dumps({"title": "Only a title"}).encode())
    _write(drop, "wrong-type.json", json.dumps({"title": ["a", "list"], "body": BODY}).encode())
    _write(
        drop,
        "lines.jsonl",
        "\n".join(
            [
                json.dumps({"title": "One", "text": BODY + " One."}),
                "{not json",
                json.dumps({"title": "Two", "text": BODY + " Two."}),
            ]
        ).encode(),
    )
    _write(
        drop,
        "sql.json",
        json.dumps(
            {
                "title": SQL_TITLE,
                "url": "https://example.org/x'; --",
                "body": BODY + " Nul\u0000 byte and 'quotes' and \"more\".",
            }
        ).encode(),
    )
    _write(
        drop,
        "french.txt",
        "Le port reste fermé\n\nLes dockers du port bloquent les quais pour le troisième jour consécutif, a annoncé le syndicat lundi matin.".encode(),
    )
    _write(
        drop,
        "run-on.txt",
        ("No breaks here " + "and the council kept talking about the harbour " * 400).encode(),
    )
    _write(drop, "huge-article.txt", ("Huge\n\n" + "word " * 1_100_000).encode())
    with open(drop / "big.txt", "wb") as sparse:
        sparse.truncate(200_000_000)  # 200 MB on paper, nothing on disk
    _write(drop, "scan.pdf", b"%PDF-1.4 binary")
    return drop


@pytest.fixture(scope="module")
def loaded(bad_drop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.process_drop import process_drop

    home = tmp_path_factory.mktemp("home")
    summary = process_drop(str(bad_drop), home=str(home))
    assert summary.status == "completed"
    return home


def test_every_bad_file_is_a_reject_with_its_reason(loaded: Path) -> None:
    con = Store(loaded).connect()
    rejects = {(p, r) for p, r in con.execute("SELECT path, reason FROM rejects").fetchall()}
    assert rejects == {
        ("empty.txt", "empty file"),
        ("garbage.txt", "binary content"),
        ("truncated.txt.gz", "corrupt gzip"),
        ("no-article.html", "no article text"),
        ("missing.json", "no article text"),
        ("wrong-type.json", "wrong field type"),
        ("lines.jsonl", "invalid JSON line"),
        ("huge-article.txt", "article too long"),
        ("big.txt", "file too large"),
        ("scan.pdf", "unsupported format"),
    }
    details = dict(con.execute("SELECT path, detail FROM rejects").fetchall())
    assert "NEWSFLOW_MAX_FILE_BYTES" in details["big.txt"]
    assert "NEWSFLOW_MAX_ARTICLE_CHARS" in details["huge-article.txt"]


def test_every_good_file_loads(loaded: Path) -> None:
    con = Store(loaded).connect()
    files = dict(con.execute("SELECT path, status FROM files").fetchall())
    for name in (
        "good.txt",
        "cp1252.txt",
        "utf16.txt",
        "lines.jsonl",
        "sql.json",
        "french.txt",
        "run-on.txt",
    ):
        assert files[name] == "loaded", name
    languages = dict(con.execute("SELECT source_file, language FROM articles").fetchall())
    assert languages["french.txt"] == "fr"
    (headline,) = con.execute(
        "SELECT headline FROM articles WHERE source_file = 'cp1252.txt'"
    ).fetchone()
    assert headline == "Café owners object"


def test_values_from_articles_never_become_sql(loaded: Path) -> None:
    con = Store(loaded).connect()
    (title, url, text) = con.execute(
        "SELECT headline, url, text FROM articles WHERE source_file = 'sql.json'"
    ).fetchone()
    assert title == SQL_TITLE
    assert url == "https://example.org/x'; --"
    assert "\x00" not in text and "'quotes'" in text
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] >= 7


def test_a_reject_for_a_limit_loads_once_the_limit_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limit refuses what it must (a busy machine makes the clean time limit strike too);
    raised, the refused article must still be loadable: the drop is "already loaded" and the
    same file in a new drop a duplicate, so only --retry-rejects reads it again."""
    from flows.process_drop import process_drop

    drop, home = tmp_path / "drop", tmp_path / "home"
    drop.mkdir()
    text = " ".join(
        f"The quay works entered week {i} with crews on the north wall." for i in range(30)
    )
    _write(drop, "long.json", json.dumps({"title": "Quay works", "text": text}).encode())
    lines = [json.dumps({"title": "One", "text": BODY + " One."}), "{not json"]
    _write(drop, "lines.jsonl", "\n".join(lines).encode())
    monkeypatch.setenv("NEWSFLOW_MAX_ARTICLE_CHARS", "1000")
    first = process_drop(str(drop), home=str(home))
    assert first.counts["articles"] == 1
    assert first.rejects == {"article too long": 1, "invalid JSON line": 1}
    with Store(home).connect() as con:
        (detail,) = con.execute(
            "SELECT detail FROM rejects WHERE reason = 'article too long'"
        ).fetchone()
    assert f"`newsflow run {drop} --retry-rejects`" in detail

    monkeypatch.delenv("NEWSFLOW_MAX_ARTICLE_CHARS")
    assert process_drop(str(drop), home=str(home)).counts["files_already_loaded"] == 2
    retry = process_drop(str(drop), home=str(home), retry_rejects=True)
    assert retry.counts["files_retried"] == 1 and retry.counts["articles"] == 1
    assert retry.counts["rejects"] == 0  # the bad JSON line was recorded the first time
    with Store(home).connect() as con:
        assert con.execute("SELECT count(*) FROM current_articles").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM rejects").fetchone() == (2,)
    again = process_drop(str(drop), home=str(home), retry_rejects=True)
    assert again.counts["files_retried"] == 0 and again.counts["articles"] == 0
