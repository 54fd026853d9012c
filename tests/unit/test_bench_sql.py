"""`bench-sql` builds its warehouse of years in nights that can stop and resume."""

from __future__ import annotations

from pathlib import Path

from benchmarks.sql import build
from warehouse.store import Store


def test_a_build_resumes_where_it_stopped_and_updates_stories_of_the_week_before(
    tmp_path: Path,
) -> None:
    first = build(tmp_path, 300, 10)  # 30 a night, as a build stopped at night 10 of 12 would
    assert len(first.commits) == 10 and len(first.maintenance) == 2  # weekly, and at the end
    rest = build(tmp_path, 360, 12)
    assert len(rest.commits) == 2
    with Store(tmp_path).connect() as con:
        assert con.execute("SELECT count(*) FROM runs WHERE flow = 'bench-sql'").fetchone() == (12,)
        (versions,) = con.execute(
            "SELECT count(*) FROM current_articles WHERE version = 2"
        ).fetchone()  # type: ignore[misc]
        (stories,) = con.execute("SELECT count(*) FROM current_articles").fetchone()  # type: ignore[misc]
        assert 0 < versions < stories / 2
        assert (
            con.execute(
                "SELECT count(*) FROM articles GROUP BY article_id, version HAVING count(*) > 1"
            ).fetchall()
            == []
        )
