"""The `newsflow` console script. It imports nothing but the standard library before it knows
where the command runs: a `newsflow run` goes to the home's warm runner when one is up
(flows/runtime/warm/), every other command runs here."""


def main() -> None:
    import sys

    from flows.runtime import interrupt

    interrupt.guard(sys.argv)  # Ctrl-C and SIGTERM from the first instruction of a run
    from flows.runtime.warm.client import run_warm_if_up

    entry = run_warm_if_up()
    from flows.cli.app import main as run_here

    run_here(entry)
