"""What a run did, in the three places people look: the CLI, the `runs` table and the Prefect UI.

One RunSummary feeds all three, so the artifact on a flow run and its `runs` row always agree.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from prefect.artifacts import create_table_artifact

from warehouse.schemas import RUNS, SCHEMA_VERSION

# Counted by every run, so a run that loaded nothing says 0 rather than leaving the key out.
COUNTED = (
    "files",
    "files_already_loaded",
    "duplicate_files",
    "articles",
    "duplicates",
    "rejects",
    "entity_mentions",
    "quotes",
)


@dataclass
class RunSummary:
    """What a run did; printed by the CLI, stored in `runs`, published as an artifact."""

    run_id: str
    flow: str
    drop_id: str
    source: str
    status: str = "completed"
    counts: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(COUNTED, 0)))
    rejects: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    message: str = ""
    snapshot_id: int | None = None
    # The steps being timed now, with when they started: a `runs` row written inside the
    # commit counts the commit's work so far in its step (run_row).
    running: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return (end - self.started_at).total_seconds()

    def fail(self, error: BaseException) -> None:
        """Mark the run failed with the first error that stopped it."""
        if self.status != "failed":
            self.status = "failed"
            self.message = (
                f"{type(error).__name__}: {error}"
                if isinstance(error, Exception)
                else f"interrupted ({type(error).__name__})"  # Ctrl-C, SIGTERM
            )
        self.finished_at = self.finished_at or datetime.now(UTC)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> RunSummary:
        """A `runs` row read back as the summary that wrote it (for output after the fact)."""
        counts = dict(row.get("counts") or {})
        rejects = {k.removeprefix("rejects:"): v for k, v in counts.items() if ":" in k}
        tables = {k: v for k, v in counts.items() if ":" not in k}
        return cls(
            run_id=row["run_id"],
            flow=row["flow"],
            drop_id=row.get("drop_id") or "",
            source=row.get("source") or "",
            status=row["status"],
            counts=Counter(dict.fromkeys(COUNTED, 0) | tables),
            rejects=Counter(rejects),
            timings=defaultdict(float, row.get("timings") or {}),
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            message=row.get("message") or "",
        )

    def timer(self, step: str) -> _Timer:
        """`with summary.timer("nlp"):` adds the block's wall time to the step."""
        return _Timer(self, step)

    def timings_now(self) -> dict[str, float]:
        """Seconds per step, the steps still being timed counted up to now."""
        now = time.perf_counter()
        timings = dict(self.timings)
        for step, started in self.running.items():
            timings[step] = timings.get(step, 0.0) + now - started
        return timings

    def table(self) -> list[dict[str, Any]]:
        """Counts per table, rejects by reason, seconds per step: one row each."""
        rows: list[dict[str, Any]] = [
            {"kind": "count", "name": name, "value": value}
            for name, value in sorted(self.counts.items())
        ]
        rows += [
            {"kind": "reject reason", "name": reason, "value": n}
            for reason, n in self.rejects.most_common()
        ]
        rows += [
            {"kind": "seconds", "name": step, "value": round(seconds, 3)}
            for step, seconds in self.timings.items()
        ]
        return rows


class _Timer:
    def __init__(self, summary: RunSummary, step: str) -> None:
        self.summary, self.step = summary, step

    def __enter__(self) -> None:
        self.t0 = self.summary.running[self.step] = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.summary.running.pop(self.step, None)
        self.summary.timings[self.step] += time.perf_counter() - self.t0


def run_row(summary: RunSummary) -> pa.Table:
    """The run's `runs` row; rejects are counted as `rejects:<reason>` next to the table counts.
    Built inside the commit, its timings and end count the commit's work (all but the final
    write of the catalog)."""
    counts = dict(summary.counts) | {f"rejects:{k}": v for k, v in summary.rejects.items()}
    return pa.Table.from_pylist(
        [
            {
                "run_id": summary.run_id,
                "flow": summary.flow,
                "drop_id": summary.drop_id or None,
                "source": summary.source,
                "started_at": summary.started_at,
                "finished_at": summary.finished_at or datetime.now(UTC),
                "status": summary.status,
                "counts": list(counts.items()),
                "timings": list(summary.timings_now().items()),
                "schema_version": SCHEMA_VERSION,
                "message": summary.message or None,
                "snapshot_id": summary.snapshot_id,
            }
        ],
        schema=RUNS,
    )


def publish(summary: RunSummary) -> None:
    """A table artifact on the flow run, keyed by drop so the UI lists each drop's history."""
    slug = "".join(c if c.isalnum() else "-" for c in (summary.drop_id or "unknown").lower())
    description = f"newsflow {summary.flow} run {summary.run_id}: {summary.status}"
    if summary.message:
        description += f" ({summary.message})"
    create_table_artifact(summary.table(), key=f"drop-{slug}"[:100], description=description)
