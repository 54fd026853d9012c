"""Who a name is does not depend on the process that resolves it (each process salts its string
hashes differently)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_who_a_lone_surname_is_does_not_change_from_one_process_to_the_next() -> None:
    """Full names sharing a surname were ordered by a set, whose order follows each process's
    hash seed: a "Bush" that comes before every full "… Bush" named a different Bush each time
    the same article was loaded."""
    names = ["Jeb Bush", "Barbara Bush", "George Bush", "Laura Bush", "Neil Bush", "Marvin Bush"]
    script = (
        "from tasks.entities import _canonical_people; "
        f"print(list(_canonical_people({names!r}).values()))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            cwd=Path(__file__).parents[2],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert seen == {f"{names}\n"}
