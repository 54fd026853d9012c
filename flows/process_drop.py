"""The `process-drop` flow: one drop through ingest → clean → nlp/entities/quotes → load.

Work goes in batches: one task run per step per batch of a few hundred articles, never per
article (a task run costs milliseconds of API time; a small article's NLP costs less). Each batch
is written as soon as it is done, so memory stays flat however large the drop; nothing becomes
visible until the run's commit record is written last.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows import progress
from flows.settings import configure, env_int

configure()

from prefect import flow, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.runtime import flow_run  # noqa: E402

from tasks import clean as clean_step  # noqa: E402
from tasks import ingest, load  # noqa: E402
from tasks.analyze import analyze  # noqa: E402
from tasks.records import Analysis, Article, FileEntry, RawRecord, Reject  # noqa: E402
from warehouse.schemas import SCHEMA_VERSION  # noqa: E402
from warehouse.store import Store  # noqa: E402

FLOW_NAME = "process-drop"


def is_transient(_task: object, _task_run: object, state: object) -> bool:
    """Retry I/O trouble (a locked or briefly missing file); bad input is a reject, not retried."""
    try:
        state.result()  # type: ignore[attr-defined]
    except (OSError, TimeoutError) as error:
        return not isinstance(error, (IsADirectoryError, NotADirectoryError, PermissionError))
    except Exception:
        return False
    return False


_RETRY = {"retries": 3, "retry_delay_seconds": [1, 4, 15], "retry_condition_fn": is_transient}


@task(name="ingest: scan", cache_policy=NO_CACHE, **_RETRY)
def scan_drop(path: str) -> list[FileEntry]:
    return ingest.scan(Path(path))


@task(name="ingest: read", cache_policy=NO_CACHE, **_RETRY)
def read_files(entries: list[FileEntry], limits: ingest.Limits) -> list[RawRecord | Reject]:
    return [item for entry in entries for item in ingest.read_file(entry, limits)]


@task(name="clean", cache_policy=NO_CACHE)
def clean_records(
    records: list[RawRecord], options: clean_step.CleanOptions
) -> list[Article | Reject]:
    return [clean_step.clean(record, options) for record in records]


@task(name="nlp: entities + quotes", cache_policy=NO_CACHE)
def analyze_articles(articles: list[Article], model: str | None, n_process: int) -> list[Analysis]:
    return analyze(articles, model, n_process)


@task(name="load: write batch", cache_policy=NO_CACHE, **_RETRY)
def write_batch(home: str, day: str, name: str, tables: dict[str, object]) -> None:
    store = Store(Path(home))
    for table, rows in tables.items():
        if rows.num_rows == 0:  # type: ignore[attr-defined]
            continue
        store.write(table, rows, day=datetime.fromisoformat(day).date(), name=name)  # type: ignore[arg-type]


@dataclass
class RunSummary:
    """What a run did; printed by the CLI, stored in `runs`, published as an artifact."""

    run_id: str
    drop_id: str
    source: str
    status: str = "completed"
    counts: Counter[str] = field(default_factory=Counter)
    rejects: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    message: str = ""

    @property
    def seconds(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return (end - self.started_at).total_seconds()


class _Timer:
    def __init__(self, summary: RunSummary, step: str) -> None:
        self.summary, self.step = summary, step

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.summary.timings[self.step] += time.perf_counter() - self.t0


def _batches(entries: list[FileEntry], files: int, size: int) -> Iterator[list[FileEntry]]:
    """Group files so each read holds at most `files` files or `size` bytes (one file at least)."""
    batch: list[FileEntry] = []
    total = 0
    for entry in entries:
        if batch and (len(batch) >= files or total + entry.bytes > size):
            yield batch
            batch, total = [], 0
        batch.append(entry)
        total += entry.bytes
    if batch:
        yield batch


def _file_of(path: str) -> str:
    """The drop file a record came from ("a.zip!x.txt" came from "a.zip")."""
    return path.split("!", 1)[0]


@flow(name=FLOW_NAME, log_prints=True, validate_parameters=False)
def process_drop(
    drop: str,
    home: str | None = None,
    batch_size: int | None = None,
    n_process: int | None = None,
    model: str | None = None,
) -> RunSummary:
    """Load one drop (a folder, a file or an archive) into the warehouse under `home`."""
    home_path = configure(home)
    store = Store(home_path)
    batch_size = batch_size or env_int("NEWSFLOW_BATCH_SIZE", 200)
    n_process = n_process or env_int("NEWSFLOW_N_PROCESS", 1)
    limits = ingest.Limits(
        max_file_bytes=env_int("NEWSFLOW_MAX_FILE_BYTES", ingest.Limits.max_file_bytes)
    )
    options = clean_step.CleanOptions(
        max_article_chars=env_int(
            "NEWSFLOW_MAX_ARTICLE_CHARS", clean_step.CleanOptions.max_article_chars
        ),
        max_seconds=env_int("NEWSFLOW_MAX_CLEAN_SECONDS", 10),
    )
    source = str(Path(drop).resolve())
    if not Path(drop).exists():
        raise FileNotFoundError(f"drop {drop!r} does not exist; give a folder, file or archive")
    run_id = str(flow_run.get_id() or uuid.uuid4())
    summary = RunSummary(run_id=run_id, drop_id="", source=source)
    with store.write_lock():
        store.init()
        with _Timer(summary, "recover"):
            store.recover()
        with _Timer(summary, "ingest"):
            entries = scan_drop(source)
        summary.drop_id = ingest.drop_id_for(Path(source), entries)
        ctx = load.RunContext(run_id, summary.drop_id, summary.started_at)
        # Names are fixed per drop and run: a retried write replaces its own earlier attempt,
        # and can never replace a file that an earlier, committed run wrote.
        prefix = f"{summary.drop_id}-{run_id[:8]}"
        seen = store.seen_files([e.sha256 for e in entries])
        already = [e for e in entries if summary.drop_id in seen.get(e.sha256, set())]
        duplicate_files = [e for e in entries if e.sha256 in seen and e not in already]
        todo = [e for e in entries if e.sha256 not in seen]
        summary.counts["files"] = len(entries)
        summary.counts["files_already_loaded"] = len(already)
        summary.counts["duplicate_files"] = len(duplicate_files)
        progress.total(len(todo))

        known = load.Known()
        per_file: dict[str, Counter[str]] = defaultdict(Counter)
        day = summary.started_at.date().isoformat()
        batch_no = 0
        for file_batch in _batches(todo, files=batch_size, size=16_000_000):
            with _Timer(summary, "ingest"):
                items = read_files(file_batch, limits)
            records = [i for i in items if isinstance(i, RawRecord)]
            rejects = [i for i in items if isinstance(i, Reject)]
            for start in range(0, max(len(records), 1), batch_size):
                chunk = records[start : start + batch_size]
                with _Timer(summary, "clean"):
                    cleaned = clean_records(chunk, options) if chunk else []
                articles = [a for a in cleaned if isinstance(a, Article)]
                rejects += [r for r in cleaned if isinstance(r, Reject)]
                ids = [a.article_id for a in articles]
                versions, loaded = store.known_articles(ids, [a.content_hash for a in articles])
                known.versions.update(
                    {k: max(v, known.versions.get(k, 0)) for k, v in versions.items()}
                )
                known.hashes |= loaded
                fresh, duplicates = load.assign_versions(articles, known)
                with _Timer(summary, "nlp"):
                    analyses = analyze_articles([v.article for v in fresh], model, n_process)
                tables = {
                    "articles": load.article_rows(fresh, ctx),
                    "entity_mentions": load.mention_rows(fresh, analyses, ctx),
                    "quotes": load.quote_rows(fresh, analyses, ctx),
                    "rejects": load.reject_rows(rejects, ctx),
                }
                with _Timer(summary, "load"):
                    write_batch(str(home_path), day, f"{prefix}-{batch_no:05d}", tables)
                batch_no += 1
                for v in fresh:
                    per_file[_file_of(v.article.source_file)]["loaded"] += 1
                for a in duplicates:
                    per_file[_file_of(a.source_file)]["duplicate"] += 1
                for r in rejects:
                    per_file[_file_of(r.path)]["rejected"] += 1
                    summary.rejects[r.reason] += 1
                summary.counts["articles"] += len(fresh)
                summary.counts["duplicates"] += len(duplicates)
                summary.counts["rejects"] += len(rejects)
                summary.counts["entity_mentions"] += tables["entity_mentions"].num_rows
                summary.counts["quotes"] += tables["quotes"].num_rows
                rejects = []
            progress.advance(len(file_batch), len(records))

        files = [(e, "duplicate", 0) for e in duplicate_files]
        for entry in todo:
            outcome = per_file[entry.path]
            status = (
                "loaded"
                if outcome["loaded"]
                else "duplicate"
                if outcome["duplicate"]
                else "rejected"
            )
            files.append((entry, status, sum(outcome.values())))
        with _Timer(summary, "load"):
            # The commit: `files`, then the `runs` row that makes every row of the run visible.
            write_batch(
                str(home_path),
                day,
                f"{prefix}-files",
                {"files": load.file_rows(files, ctx)},
            )
            summary.finished_at = datetime.now(UTC)
            write_batch(str(home_path), day, f"run-{run_id}", {"runs": run_row(summary)})
            store.publish_catalog()
    _publish(summary)
    return summary


def run_row(summary: RunSummary) -> object:
    import pyarrow as pa

    from warehouse.schemas import RUNS

    counts = dict(summary.counts) | {f"rejects:{k}": v for k, v in summary.rejects.items()}
    return pa.Table.from_pylist(
        [
            {
                "run_id": summary.run_id,
                "flow": FLOW_NAME,
                "drop_id": summary.drop_id,
                "source": summary.source,
                "started_at": summary.started_at,
                "finished_at": summary.finished_at or datetime.now(UTC),
                "status": summary.status,
                "counts": list(counts.items()),
                "timings": list(summary.timings.items()),
                "schema_version": SCHEMA_VERSION,
            }
        ],
        schema=RUNS,
    )


def _publish(summary: RunSummary) -> None:
    """A markdown artifact on the flow run: counts, rejects by reason, time per step."""
    lines = [f"## Drop `{summary.drop_id}`", "", "| count | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(summary.counts.items())]
    if summary.rejects:
        lines += ["", "| reject reason | files/records |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in summary.rejects.most_common()]
    lines += ["", "| step | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in summary.timings.items()]
    key = "drop-" + "".join(c if c.isalnum() else "-" for c in summary.drop_id.lower())[:100]
    create_markdown_artifact(
        "\n".join(lines), key=key, description=f"newsflow run {summary.run_id}"
    )
