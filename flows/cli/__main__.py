"""`python -m flows.cli`: the `newsflow` command without the warm runner's client."""

from flows.cli.app import main

main()
