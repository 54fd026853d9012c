"""Fingerprints are the same in every process (string hashing differs between processes)."""

from __future__ import annotations

import subprocess
import sys

from tasks.syndication import story_print
from tests.unit.test_syndication import _text


def test_fingerprints_are_the_same_in_every_process() -> None:
    """Python's own hash() is salted per process; a stored fingerprint must not be."""
    text = _text(1)
    code = (
        "import sys; from tasks.syndication import story_print; "
        "print(story_print(sys.stdin.read()).sample)"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == str(story_print(text).sample)
