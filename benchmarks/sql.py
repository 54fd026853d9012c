"""`newsflow bench-sql`: the example queries on a warehouse of years, built through the real load.

A year of nightly drops cannot be produced by the NLP in a benchmark's time, so the rows are
synthetic: articles with mentions drawn from a long-tailed population of people, organisations
and places (a few are quoted often, most once), quotes by people, a share of updated stories.
Texts are words drawn with Zipf's law from a vocabulary of 40,000 (so some 5-word runs recur in
many articles, as "said in a statement" does), and a tenth of each night's new stories are wire
copies of another of the night's, with its speakers and quotes and a new ending, so the load's
story and quote clustering has work of a real night's kind.
They go through the same staging, commit and marts as a real run, one commit per "night", then
`maintain`. Each query is then timed in a fresh process, as a user's `newsflow sql` would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tasks.syndication import Syndication, quote_print, story_print, words
from warehouse.examples import query
from warehouse.maintenance import maintain
from warehouse.schemas import QUOTE_PRINTS, RUN_TABLES, SCHEMA_VERSION, STORY_PRINTS
from warehouse.store import Store

QUERIES = (
    "articles",
    "top_entities",
    "quotes",
    "top_speakers",
    "who_quotes_whom",
    "co_occurrence",
    "women_among_sources",
    "women_among_people",
    "top_speakers_original",
    "women_among_sources_original",
    "repeated_quotes",
    "wire_copies",
)
SENTENCES, SENTENCE_CHARS, MENTIONS, QUOTES = 20, 40, 44, 5
VOCABULARY = 40_000


def _word(i: int) -> str:
    """The i-th word of the vocabulary: i written in base 26 with the letters a-z."""
    letters = chr(97 + i % 26)
    while i >= 26:
        i = i // 26 - 1
        letters = chr(97 + i % 26) + letters
    return letters


WORDS = np.array([_word(i) for i in range(VOCABULARY)])
COPIES = 0.1  # of a night's new stories: wire copies of another story of the night
VERBS = np.array(["said", "told", "added", "says", "noted", "warned"])
LABELS = ("person", "org", "place")


@dataclass
class Population:
    """Entity names by label, drawn from with a Zipf law so a few are everywhere."""

    names: dict[str, np.ndarray]

    @classmethod
    def make(cls, rng: np.random.Generator, articles: int) -> Population:
        size = max(1_000, articles // 2)
        first = [f"F{i:04d}" for i in range(1_000)]
        return cls(
            {
                "person": np.array([f"{first[i % 1000]} L{i // 1000:05d}" for i in range(size)]),
                "org": np.array([f"Org {i:06d}" for i in range(size // 4)]),
                "place": np.array([f"Place {i:05d}" for i in range(size // 10)]),
            }
        )

    def draw(self, rng: np.random.Generator, label: str, n: int) -> np.ndarray:
        pool = self.names[label]
        return pool[(rng.zipf(1.2, n) - 1) % len(pool)]


def _batch(
    rng: np.random.Generator, people: Population, night: int, n: int, updates: list[str]
) -> dict[str, pa.Table]:
    """One night's rows, in the warehouse's schemas (ids are unique per night)."""
    run_id = f"bench-{night:04d}-{uuid.uuid4().hex[:8]}"
    drop = f"night-{night:04d}"
    day = datetime(2026, 1, 1, 2, tzinfo=UTC) + timedelta(days=night)
    ids = [f"{drop}-{i:05d}" for i in range(n)]
    versions = [1] * n
    for k, old in enumerate(updates):  # new versions of older stories
        ids[k], versions[k] = old, 2
    chars = SENTENCES * SENTENCE_CHARS
    words = WORDS[(rng.zipf(1.1, (n, chars // 4)) - 1) % VOCABULARY]
    texts = [" ".join(row)[:chars] for row in words]
    copies = _copies(rng, len(updates), n)
    for copy, original in copies.items():  # the original's text, its last tenth rewritten
        texts[copy] = texts[original][: chars * 9 // 10] + texts[copy][chars * 9 // 10 :]
    articles = pa.table(
        {
            "article_id": ids,
            "version": pa.array(versions, pa.int32()),
            "content_hash": [uuid.uuid4().hex for _ in range(n)],
            "drop_id": [drop] * n,
            "source_file": [f"{i}.json" for i in ids],
            "url": [f"https://news.example/{i}" for i in ids],
            "outlet": [f"Outlet {int(o)}" for o in rng.integers(0, 40, n)],
            "headline": [t[:60] for t in texts],
            "published_at": [day - timedelta(minutes=int(m)) for m in rng.integers(0, 1440, n)],
            "language": ["en"] * n,
            "text": texts,
            "word_count": pa.array([len(t.split()) for t in texts], pa.int32()),
            "ingested_at": [day] * n,
            "run_id": [run_id] * n,
        }
    )
    labels = rng.choice(LABELS, n * MENTIONS, p=[0.5, 0.3, 0.2])
    names = np.empty(n * MENTIONS, dtype=object)
    for label in LABELS:
        mask = labels == label
        names[mask] = people.draw(rng, label, int(mask.sum()))
    genders = _genders(labels, names)
    sentence = rng.integers(0, SENTENCES, n * MENTIONS)
    start = sentence * SENTENCE_CHARS + rng.integers(0, SENTENCE_CHARS - 10, n * MENTIONS)
    owner = np.repeat(np.arange(n), MENTIONS)
    mention_article = [ids[i] for i in owner]
    mention_version = [versions[i] for i in owner]
    mentions = pa.table(
        {
            "article_id": mention_article,
            "version": pa.array(mention_version, pa.int32()),
            "mention_id": [
                f"{a}-{s}-{k}" for k, (a, s) in enumerate(zip(mention_article, start, strict=True))
            ],
            "entity_key": [
                f"{lab}:{name.lower()}" for lab, name in zip(labels, names, strict=True)
            ],
            "name": names.tolist(),
            "text": names.tolist(),
            "label": labels.tolist(),
            "start_char": pa.array(start, pa.int32()),
            "end_char": pa.array(start + 8, pa.int32()),
            "sentence": pa.array(sentence, pa.int32()),
            "gender": genders,
            "gender_source": [None if g in (None, "unknown") else "name" for g in genders],
            "run_id": [run_id] * (n * MENTIONS),
        }
    )
    speakers = people.draw(rng, "person", n * QUOTES)
    q_sentence = rng.integers(0, SENTENCES, n * QUOTES)
    for copy, original in copies.items():  # a copy quotes whom its original quotes
        mine, theirs = (
            slice(copy * QUOTES, (copy + 1) * QUOTES),
            slice(original * QUOTES, (original + 1) * QUOTES),
        )
        speakers[mine], q_sentence[mine] = speakers[theirs], q_sentence[theirs]
    q_owner = np.repeat(np.arange(n), QUOTES)
    quotes = pa.table(
        {
            # Per version, as the load's quote ids are: an update's quotes are not its first's.
            "quote_id": [f"{ids[i]}-{versions[i]}-q{k}" for k, i in enumerate(q_owner)],
            "article_id": [ids[i] for i in q_owner],
            "version": pa.array([versions[i] for i in q_owner], pa.int32()),
            "text": [
                texts[i][s * SENTENCE_CHARS : (s + 1) * SENTENCE_CHARS]
                for i, s in zip(q_owner, q_sentence, strict=True)
            ],
            "start_char": pa.array(q_sentence * SENTENCE_CHARS, pa.int32()),
            "end_char": pa.array((q_sentence + 1) * SENTENCE_CHARS, pa.int32()),
            "kind": rng.choice(["direct", "indirect", "mixed"], n * QUOTES).tolist(),
            "speaker_name": speakers.tolist(),
            "speaker_entity_key": [f"person:{s.lower()}" for s in speakers],
            "verb": VERBS[rng.integers(0, len(VERBS), n * QUOTES)].tolist(),
            "confidence": pa.array(np.full(n * QUOTES, 0.9), pa.float32()),
            "rule": ["bench"] * (n * QUOTES),
            "run_id": [run_id] * (n * QUOTES),
        }
    )
    files = pa.table(
        {
            "drop_id": [drop] * n,
            "path": [f"{i}.json" for i in ids],
            "sha256": [uuid.uuid4().hex for _ in range(n)],
            "bytes": pa.array(np.full(n, 3_000), pa.int64()),
            "status": ["loaded"] * n,
            "records": pa.array(np.ones(n), pa.int32()),
            "run_id": [run_id] * n,
        }
    )
    run = {
        "run_id": run_id,
        "flow": "bench-sql",
        "drop_id": drop,
        "source": drop,
        "started_at": day,
        "finished_at": day,
        "status": "completed",
        "counts": [("articles", n), ("entity_mentions", n * MENTIONS), ("quotes", n * QUOTES)],
        "schema_version": SCHEMA_VERSION,
    }
    tables = {"articles": articles, "entity_mentions": mentions, "quotes": quotes, "files": files}
    out = {name: _conform(rows, RUN_TABLES[name]) for name, rows in tables.items()}
    out["runs"] = pa.Table.from_pylist([run], schema=RUN_TABLES["runs"])
    return out | _prints(out)


def _copies(rng: np.random.Generator, updates: int, n: int) -> dict[int, int]:
    """The night's wire copies: COPIES of its new stories, each of an earlier one of the night."""
    count = int((n - updates) * COPIES)
    copies = rng.choice(np.arange(updates + 1, n), size=min(count, n - updates - 1), replace=False)
    return {int(c): int(rng.integers(updates, c)) for c in copies}


def _prints(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The fingerprints a run stages beside its rows (tasks/load.py makes them from articles)."""
    articles, quotes = tables["articles"], tables["quotes"]
    stories = [story_print(t) for t in articles["text"].to_pylist()]
    texts = quotes["text"].to_pylist()
    return {
        "story_prints": pa.table(
            {
                "article_id": articles["article_id"],
                "version": articles["version"],
                "shingles": pa.array([p.shingles for p in stories], pa.int32()),
                "sample": pa.array([list(p.sample) for p in stories], pa.list_(pa.uint32())),
            },
            schema=STORY_PRINTS,
        ),
        "quote_prints": pa.table(
            {
                "quote_id": quotes["quote_id"],
                "article_id": quotes["article_id"],
                "version": quotes["version"],
                "speaker_entity_key": quotes["speaker_entity_key"],
                "words": pa.array([len(words(t)) for t in texts], pa.int32()),
                "prints": pa.array([list(quote_print(t)) for t in texts], pa.list_(pa.uint32())),
            },
            schema=QUOTE_PRINTS,
        ),
    }


def _genders(labels: np.ndarray, names: np.ndarray) -> list[str | None]:
    """People's gender by their first name, as a name statistic would call it: a quarter of
    first names women's, one in ten undecided, the rest men's; None for other labels."""
    calls: list[str | None] = []
    for label, name in zip(labels, names, strict=True):
        first = int(name[1:5]) if label == "person" else -1
        calls.append(
            None
            if first < 0
            else "female"
            if first % 4 == 0
            else "unknown"
            if first % 10 == 1
            else "male"
        )
    return calls


def _conform(rows: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table in the schema's column order, missing columns as NULL."""
    return pa.table(
        [
            rows[f.name].cast(f.type)
            if f.name in rows.column_names
            else pa.nulls(len(rows), f.type)
            for f in schema
        ],
        schema=schema,
    )


@dataclass
class Built:
    """What building took: each night's commit, and the weekly maintenance runs."""

    commits: list[float]
    maintenance: list[float]


STAGED = ("articles", "entity_mentions", "quotes", "files", "story_prints", "quote_prints")
MAINTAIN_EVERY = 7  # nights: `newsflow serve` runs `maintain` weekly (deployments/prefect.yaml)


def build(home: Path, articles: int, runs: int, progress: Any = None, seed: int = 7) -> Built:
    """Load `runs` synthetic nights of `articles / runs` articles each, maintaining weekly.

    Each night is drawn from its own seed, so a build stopped half-way resumes where it ended:
    a warehouse of years takes hours to build on a small machine.
    """
    store = Store(home)
    store.init()
    people = Population.make(np.random.default_rng(seed), articles)
    per_run = max(1, articles // runs)
    with store.connect() as con:
        (done,) = con.execute("SELECT count(*) FROM runs WHERE flow = 'bench-sql'").fetchone()  # type: ignore[misc]
    built = Built([], [])
    for night in range(done, runs):
        rng = np.random.default_rng([seed, night])
        tables = _batch(rng, people, night, per_run, _updated(night, per_run))
        run_id = tables["runs"]["run_id"][0].as_py()
        for name in STAGED:
            store.stage(run_id, name, tables[name], "00000")
        started = time.perf_counter()
        store.commit(
            run_id,
            tables["runs"],
            f"bench-sql night {night}",
            {"flow": "bench-sql"},
            Syndication(),
        )
        built.commits.append(time.perf_counter() - started)
        if (night + 1) % MAINTAIN_EVERY == 0 or night + 1 == runs:
            started = time.perf_counter()
            maintain(store)
            built.maintenance.append(time.perf_counter() - started)
        if progress is not None:
            progress(night + 1)
    return built


def _updated(night: int, per_run: int) -> list[str]:
    """2% of a night's stories are new versions of stories of the week before, each story once.

    Story i of night m is updated on night m + 1 + i % 350 when i % 350 < 7.
    """
    return [
        f"night-{night - d:04d}-{i:05d}"
        for d in range(1, 8)
        if night - d >= 0
        for i in range(d - 1, per_run, 350)
    ]


_TIMER = """
import json, resource, sys, time
from pathlib import Path
from warehouse.store import Store
con = Store(Path(sys.argv[1])).connect()
con.execute("SET enable_progress_bar = false")  # a query over 2 s would draw one on stdout
started = time.perf_counter()
con.execute(sys.stdin.read()).fetchall()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def time_query(home: Path, sql: str, repeat: int = 3) -> dict[str, float]:
    """Best of `repeat` runs, each in a fresh process: the query's seconds and the peak RSS."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", _TIMER, str(home)],
            input=sql,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout)
        if not best or result["seconds"] < best["seconds"]:
            best = result
    return best


def measure(home: Path, articles: int, runs: int) -> dict[str, Any]:
    """The JSON `bench-sql --json` prints: files per table, bytes, and each query's figures."""
    from warehouse.maintenance import data_files  # the same count `maintain` reports

    store = Store(home)
    with store.connect() as con:
        files, size = data_files(con)
    return {
        "articles": articles,
        "runs": runs,
        "files": files,
        "bytes": size,
        "queries": {name: time_query(home, query(name)) for name in QUERIES},
    }
