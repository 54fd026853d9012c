"""newsflow's flows. Python code that runs them calls `flows.configure(home)` once, before
anything imports Prefect (Prefect reads its settings at import): see docs/python.md."""

from flows.settings import configure

__all__ = ["configure"]
