"""`python -m flows.cli`: the `newsflow` command without the warm runner's client."""

import sys

from flows.runtime import interrupt

interrupt.guard(sys.argv)  # as the console script does, before anything else is imported
from flows.cli.app import main  # noqa: E402

main()
