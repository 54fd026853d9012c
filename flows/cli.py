"""`newsflow`: run a drop, serve and trigger the deployments, query the warehouse.

Prefect is imported only inside the commands that need it, after `configure()` has pointed it at
the right home: its settings are read once, at import.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.local_server import DEFAULT_PORT
from flows.settings import configure

app = typer.Typer(
    help="newsflow: news article drops in, a DuckDB warehouse of who said what out.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

HomeOption = Annotated[
    str | None, typer.Option("--home", help="Warehouse home (default $NEWSFLOW_HOME or ./data).")
]


class _Bar:
    """The CLI's progress sink: files read, articles processed."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("files", total=None, articles=0)
        self.articles = 0

    def total(self, files: int) -> None:
        self.progress.update(self.task, total=files)

    def advance(self, files: int, articles: int) -> None:
        self.articles += articles
        self.progress.update(self.task, advance=files, articles=self.articles)


@app.command()
def run(
    path: Annotated[Path, typer.Argument(help="A drop: a folder, a single file or an archive.")],
    home: HomeOption = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Articles per batch (default 200).")
    ] = None,
    n_process: Annotated[
        int | None,
        typer.Option(help="Processes (or local Dask workers) for the spaCy pass (default: cores)."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    verbose: Annotated[bool, typer.Option(help="Show Prefect's logs.")] = False,
    task_runner: Annotated[
        str, typer.Option(help="Where NLP batches run: thread (this machine) or dask.")
    ] = "thread",
    dask_address: Annotated[
        str | None,
        typer.Option(help="Scheduler of an existing Dask cluster (default: a local cluster)."),
    ] = None,
) -> None:
    """Process one drop through the process-drop flow and print a summary."""
    home_path = configure(home, quiet=not verbose)
    if not path.exists():
        errors.print(f"[red]error:[/] {path} does not exist; give a folder, file or archive.")
        raise typer.Exit(2)
    import os

    from flows.drops import loaded
    from tasks.ingest import scan
    from warehouse.store import Store

    # Nothing new is said at once: no flow run, no Prefect API to start for it.
    entries, store = scan(path), Store(home_path)
    if entries and store.catalog.exists() and loaded(path, entries, store):
        console.print(f"nothing to do: the {len(entries)} file(s) of {path} are already loaded")
        return

    # The home's Prefect server (when it has to start) and the spaCy workers start now and load
    # while Prefect is imported below; the flow waits for the server only.
    from flows.startup import begin

    server = begin(home_path, entries, n_process, model, task_runner)
    if server.started:
        errors.print(f"starting the home's Prefect server ({server.started.ui_url}) …")

    from flows import progress as progress_hooks
    from flows.process_drop import process_drop
    from flows.runners import RUNNERS, flow_with_runner
    from warehouse.store import WarehouseBusy

    if task_runner not in RUNNERS:
        errors.print(f"[red]error:[/] --task-runner must be one of {', '.join(RUNNERS)}")
        raise typer.Exit(2)
    workers = n_process or os.cpu_count() or 1
    flow = flow_with_runner(process_drop, task_runner, dask_address, workers)
    on_dask = task_runner == "dask"

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[articles]} articles"),
        TimeElapsedColumn(),
    )
    try:
        with server, Progress(*columns, console=errors, transient=True) as bar:
            progress_hooks.attach(_Bar(bar))
            summary = flow(
                str(path),
                home=home,
                batch_size=batch_size,
                # On Dask the workers are the processes: each parses its batches itself.
                n_process=1 if on_dask else n_process,
                model=model,
                lock_wait_seconds=0,
                batches_in_flight=2 * workers if on_dask else None,
            )
    except WarehouseBusy as error:
        errors.print(f"[red]busy:[/] {error}")
        raise typer.Exit(3) from None
    except Exception as error:
        errors.print(f"[red]run failed:[/] {type(error).__name__}: {error}")
        raise typer.Exit(1) from None
    finally:
        progress_hooks.attach(None)
    _print_summary(summary)
    for line in server.describe(summary.run_id):
        console.print(line, soft_wrap=True)


def _print_summary(summary: Any) -> None:
    counts = summary.counts
    table = Table(title=f"drop {summary.drop_id}", show_header=False, title_justify="left")
    table.add_row("articles loaded", str(counts["articles"]))
    table.add_row("duplicates (already loaded)", str(counts["duplicates"]))
    table.add_row(
        "files",
        f"{counts['files']} ({counts['files_already_loaded']} already loaded, "
        f"{counts['duplicate_files']} duplicate)",
    )
    rejects = ", ".join(f"{k}: {v}" for k, v in summary.rejects.most_common()) or "none"
    table.add_row("rejects", f"{counts['rejects']} ({rejects})")
    table.add_row("entity mentions", str(counts["entity_mentions"]))
    table.add_row("quotes", str(counts["quotes"]))
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({steps})")
    console.print(table)
    if counts["rejects"]:
        console.print(
            'see them with: newsflow sql "SELECT path, record, reason, detail FROM rejects"'
        )


@app.command()
def serve(
    home: HomeOption = None,
    poll_seconds: Annotated[
        int | None,
        typer.Option(help="Look for new drops this often (default $NEWSFLOW_POLL_SECONDS or 300)."),
    ] = None,
    nightly: Annotated[
        str | None,
        typer.Option(help="Cron of the nightly run (default $NEWSFLOW_NIGHTLY or '0 2 * * *')."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="Timezone of the nightly cron (default $NEWSFLOW_TIMEZONE or UTC)."),
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server and UI.")
    ] = DEFAULT_PORT,
) -> None:
    """Serve the scheduled and on-demand deployments (and a local Prefect server) until Ctrl-C.

    Prefect logs at INFO here: its runs' logs are what the UI shows.
    """
    home_path = configure(home)
    # Ctrl-C is how serving stops, even when a script started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from flows import serve as serving
    from flows.local_server import ServerError

    try:
        schedules = serving.Schedules.resolve(poll_seconds, nightly, timezone)
        serving.serve(
            home_path, schedules, port, announce=lambda text: console.print(text, soft_wrap=True)
        )
    except (ServerError, ValueError) as error:
        errors.print(f"[red]cannot serve:[/] {error}")
        raise typer.Exit(1) from None
    console.print("stopped serving")


@app.command()
def trigger(
    drop: Annotated[
        Path | None,
        typer.Argument(help="Load this drop now; without it, look in the incoming folder now."),
    ] = None,
    home: HomeOption = None,
    wait: Annotated[bool, typer.Option(help="Wait for the run to finish.")] = False,
) -> None:
    """Start a run on the server `newsflow serve` (or PREFECT_API_URL) runs."""
    home_path = configure(home, quiet=True)
    if drop is not None and not drop.exists():
        errors.print(f"[red]error:[/] {drop} does not exist; give a folder, file or archive.")
        raise typer.Exit(2)
    from flows import serve as serving
    from flows.local_server import ServerError

    try:
        run, ui = serving.trigger(home_path, drop, wait)
    except ServerError as error:
        errors.print(f"[red]cannot trigger:[/] {error}")
        raise typer.Exit(1) from None
    state = run.state.name if run.state else "Scheduled"
    console.print(f"flow run {run.name} ({run.id}): {state}", soft_wrap=True)
    console.print(f"watch it at {ui}/runs/flow-run/{run.id}", soft_wrap=True)
    if wait and not (run.state and run.state.is_completed()):
        raise typer.Exit(1)


server_app = typer.Typer(
    help="The home's background Prefect server, which `newsflow run` starts and reuses.",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")


@server_app.command("status")
def server_status(home: HomeOption = None) -> None:
    """Whether the home's Prefect server runs, where its UI is, and when it stops by itself."""
    configure(home, quiet=True)
    from flows import server as background

    state = background.status(background.prefect_home())
    if state.server is None:
        console.print("no background Prefect server runs for this home; `newsflow run` starts one")
        return
    minutes = state.server.idle_seconds / 60
    use = (
        "in use by a run"
        if state.in_use
        else f"idle for {state.idle_for / 60:.0f} of {minutes:.0f} minutes, then it stops"
    )
    console.print(f"Prefect UI: {state.server.ui_url}   (API {state.server.api_url})")
    console.print(f"supervisor pid {state.server.pid}; {use}")


@server_app.command("stop")
def server_stop(home: HomeOption = None) -> None:
    """Stop the home's Prefect server now (it also stops by itself once idle)."""
    configure(home, quiet=True)
    from flows import server as background

    try:
        stopped = background.stop(background.prefect_home())
    except background.ServerBusy as error:
        errors.print(f"[red]not stopped:[/] {error}")
        raise typer.Exit(1) from None
    console.print(f"stopped {stopped.ui_url}" if stopped else "no background Prefect server ran")


FORMATS = ("table", "csv", "json")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL over the views: articles, quotes, entities, …")],
    home: HomeOption = None,
    output: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    limit: Annotated[int, typer.Option(help="Rows to print in table format.")] = 50,
) -> None:
    """Run a query on the warehouse without taking any lock a load needs."""
    if output not in FORMATS:
        errors.print(f"[red]error:[/] --format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    import duckdb

    from warehouse.store import Store

    store = Store(configure(home))
    try:
        with store.connect() as con:
            result = con.execute(query)
            columns = [d[0] for d in result.description or []]
            rows = result.fetchall()
    except duckdb.Error as error:
        errors.print(f"[red]query failed:[/] {error}")
        raise typer.Exit(1) from None
    _print_rows(columns, rows, output, limit)


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], output: str, limit: int) -> None:
    if output == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
    elif output == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows[:limit]:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        if len(rows) > limit:
            console.print(f"… {len(rows) - limit} more rows (use --limit or --format csv)")


@app.command()
def show(home: HomeOption = None) -> None:
    """What the warehouse holds: articles, top entities, quotes with their speakers."""
    from warehouse.examples import SHOW_QUERIES
    from warehouse.store import Store

    store = Store(configure(home))
    with store.connect() as con:
        for title, query in SHOW_QUERIES:
            result = con.execute(query)
            columns = [d[0] for d in result.description or []]
            console.rule(title)
            _print_rows(columns, result.fetchall(), "table", 200)


eval_app = typer.Typer(help="Score the pipeline's steps on annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

GoldArgument = Annotated[Path, typer.Argument(help="Annotated articles, one JSON object per line.")]
PredictionsOption = Annotated[
    Path, typer.Option("--predictions", help="Where to write the predictions (JSON lines).")
]


@eval_app.command("quotes")
def eval_quotes(
    gold: GoldArgument,
    predictions: PredictionsOption = Path("quotes.predictions.jsonl"),
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write a per-article error breakdown here.")
    ] = None,
) -> None:
    """Quote spans and speakers: P/R/F1 at overlap 0.3 and 0.8, speaker and verb accuracy."""
    from flows.evaluate import predict_quotes, read_jsonl, write_jsonl
    from tasks.scoring import score_quotes

    docs = read_jsonl(gold)
    predicted = predict_quotes(docs, model)
    write_jsonl(predicted, predictions)
    scores = score_quotes(docs, predicted)
    table = Table("threshold", "precision", "recall", "F1", "TP", "FP", "FN", title=str(gold))
    for threshold, result in sorted(scores.by_threshold.items()):
        m = result.micro
        table.add_row(
            f"> {threshold}",
            f"{m.precision:.3f}",
            f"{m.recall:.3f}",
            f"{m.f1:.3f}",
            str(m.tp),
            str(m.fp),
            str(m.fn),
        )
    console.print(table)
    console.print(
        f"speaker accuracy {scores.speaker_accuracy:.3f}   verb accuracy {scores.verb_accuracy:.3f}"
        f"   ({len(docs)} articles; predictions in {predictions})"
    )
    if errors_out is not None:
        errors_out.write_text(scores.by_threshold[0.3].breakdown())


@eval_app.command("people")
def eval_people(
    gold: GoldArgument,
    predictions: PredictionsOption = Path("people.predictions.jsonl"),
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
) -> None:
    """People named in each article (run on `text_raw`): P/R/F1 against the gold lists."""
    from flows.evaluate import predict_people, read_jsonl, write_jsonl
    from tasks.scoring import score_people

    docs = read_jsonl(gold)
    predicted = predict_people(docs, model)
    write_jsonl(predicted, predictions)
    m = score_people(docs, predicted).micro
    console.print(
        f"people: precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}  "
        f"(TP {m.tp}, FP {m.fp}, FN {m.fn}; {len(docs)} articles; predictions in {predictions})"
    )


@app.command()
def bench(
    corpus: Annotated[
        list[Path], typer.Argument(help="Folders or files of .txt / .jsonl articles.")
    ],
    articles: Annotated[int, typer.Option(help="Articles in the generated drop.")] = 2000,
    n_process: Annotated[
        int | None, typer.Option(help="Processes for both phases (default: all cores).")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Articles per batch.")] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    home: Annotated[
        Path | None, typer.Option(help="Warehouse to load into (default: a fresh temporary one).")
    ] = None,
    cold: Annotated[
        bool, typer.Option(help="Time a run that must start the home's Prefect server too.")
    ] = False,
) -> None:
    """Wall clock of `newsflow run` against bare `nlp.pipe` on the same distinct texts."""
    import os
    import tempfile

    from flows import server as background
    from flows.bench import Phase, bare_pipe, build_drop, corpus_texts, distinct_texts, flow_run

    processes = n_process or os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    home_path = configure(home or work / "home", quiet=True)
    texts = distinct_texts([t for source in corpus for t in corpus_texts(source)], articles)
    build_drop(texts, work / "drop")
    console.print(f"{articles} distinct articles in {work / 'drop'}; {processes} process(es)")
    bare = bare_pipe(texts, model, processes)
    console.print(f"bare nlp.pipe: {bare.seconds:.1f}s (model loaded)")
    server = None
    if not cold:  # a home that ran recently: its server is up
        started = time.perf_counter()
        with background.lease(home_path) as held:
            server = held.started or background.running(background.prefect_home())
        if held.started:
            console.print(f"home's Prefect server started in {time.perf_counter() - started:.1f}s")
    options = ["--n-process", str(processes)]
    options += ["--batch-size", str(batch_size)] if batch_size else []
    options += ["--model", model] if model else []
    try:
        done = flow_run(work / "drop", home_path, options, server.pid if server else None)
    finally:
        if home is None:  # the temporary home's server goes with it
            background.stop(background.prefect_home())
    seconds = (done.run["finished_at"] - done.run["started_at"]).total_seconds()
    counts, timings = dict(done.run["counts"]), dict(done.run["timings"])
    loaded = counts["articles"]
    table = Table("phase", "seconds", "articles/s", "tokens/s", "peak RSS")
    for phase in (
        bare,
        Phase("newsflow run (command)", done.wall, loaded, bare.tokens, done.peak_rss),
        Phase("  of which the flow", seconds, loaded, bare.tokens, done.peak_rss),
    ):
        table.add_row(
            phase.name,
            f"{phase.seconds:.1f}",
            f"{phase.articles_per_second:.1f}",
            f"{phase.tokens_per_second:,.0f}",
            f"{phase.peak_rss / 2**20:,.0f} MiB",
        )
    console.print(table)
    console.print(
        f"ratio to bare nlp.pipe: command {bare.seconds / done.wall:.2f}, "
        f"flow {bare.seconds / seconds:.2f}   (outside the flow: {done.wall - seconds:.1f}s of "
        "interpreter, imports, server, workers' model load and exit)"
    )
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
    console.print(f"time per step: {steps}")


@app.command("bench-sql")
def bench_sql(
    articles: Annotated[int, typer.Option(help="Articles in the scaled warehouse.")] = 100_000,
    source: HomeOption = None,
    target: Annotated[
        Path | None, typer.Option(help="Where to build it (default: a temporary folder).")
    ] = None,
) -> None:
    """Time the example queries on a warehouse scaled up from the one at --home."""
    import tempfile

    from flows.bench import scale_warehouse, time_queries
    from warehouse.examples import EXAMPLES, SHOW
    from warehouse.store import Store

    built = target or Path(tempfile.mkdtemp(prefix="newsflow-bench-sql-"))
    count = scale_warehouse(Store(configure(source)), Store(built), articles)
    table = Table("query", "best of 3", title=f"{count:,} articles in {built}")
    for name, seconds in time_queries(Store(built), (*SHOW, *EXAMPLES)):
        table.add_row(name, f"{seconds * 1000:,.0f} ms")
    console.print(table)


PAGES_HELP = "Folder of <id>.html.gz pages; a ground-truth.json beside it is used to score."


@eval_app.command("clean")
def eval_clean(
    html_dir: Annotated[Path, typer.Argument(help=PAGES_HELP)],
    predictions: Annotated[
        Path, typer.Option("--predictions", help="Where to write the predictions (benchmark JSON).")
    ] = Path("clean.predictions.json"),
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write per-page scores, worst first, here.")
    ] = None,
) -> None:
    """Clean a folder of pages as a drop would; benchmark F1 when its answers are beside it."""
    from flows.evaluate_clean import benchmark_predictions, clean_folder, milliseconds, read_json
    from tasks.scoring import score_bodies

    if not html_dir.is_dir():
        errors.print(
            f"[red]error:[/] {html_dir} is not a folder; give the folder of .html.gz pages."
        )
        raise typer.Exit(2)
    truth_file = html_dir.parent / "ground-truth.json"
    truth = read_json(truth_file) if truth_file.exists() else {}
    pages = clean_folder(html_dir, {k: v.get("url") for k, v in truth.items()})
    if not pages:
        errors.print(f"[red]error:[/] no .html.gz or .html pages in {html_dir}.")
        raise typer.Exit(2)
    output = benchmark_predictions(pages)
    predictions.write_text(json.dumps(output, ensure_ascii=False, indent=1), encoding="utf-8")
    typical, slow = milliseconds(pages.values())
    rejected = sum(p.article is None for p in pages.values())
    console.print(
        f"{len(pages)} pages cleaned ({rejected} without article text); clean time per page: "
        f"median {typical:.0f} ms, 95th percentile {slow:.0f} ms; predictions in {predictions}"
    )
    gold = {k: v["articleBody"] for k, v in truth.items() if k in pages}
    if not gold:
        console.print(f"no {truth_file} with these pages: nothing to score against")
        return
    bodies = {k: v["articleBody"] for k, v in output.items()}
    languages_file = html_dir.parent / "lang_guess.json"
    languages = read_json(languages_file) if languages_file.exists() else {}
    table = Table("pages", "n", "precision", "recall", "F1", "exact", title=str(html_dir))
    english = {k: v for k, v in gold.items() if languages.get(k) == "en"}
    for label, subset in (("all", gold), ("English", english)):
        if subset:
            s = score_bodies(subset, bodies)
            row = (s.precision, s.recall, s.f1, s.accuracy)
            table.add_row(label, str(len(subset)), *(f"{x:.4f}" for x in row))
    console.print(table)
    if errors_out is not None:
        pages_scored = score_bodies(gold, bodies).pages
        worst = sorted(pages_scored.items(), key=lambda kv: kv[1].fp + kv[1].fn, reverse=True)
        errors_out.write_text(
            "".join(f"{k}\tfp {v.fp:.3f}\tfn {v.fn:.3f}\n" for k, v in worst), encoding="utf-8"
        )


SEGMENTS = Path("../shared/data/clean/trafilatura_eval")


@eval_app.command("clean-segments")
def eval_clean_segments(
    data_dir: Annotated[
        Path, typer.Argument(help="The trafilatura_eval folder (annotations.jsonl and html/).")
    ] = SEGMENTS,
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Write newsflow's output here (JSON).")
    ] = None,
) -> None:
    """Must-keep/must-drop segments and title/author/date, newsflow next to trafilatura."""
    from flows.evaluate_clean import (
        FIELDS,
        metadata_accuracy,
        newsflow_run,
        read_annotations,
        trafilatura_run,
    )
    from tasks.scoring import score_segments

    if not (data_dir / "annotations.jsonl").exists():
        errors.print(
            f"[red]error:[/] no annotations.jsonl in {data_dir}; give the trafilatura_eval folder."
        )
        raise typer.Exit(2)
    annotations = read_annotations(data_dir)
    english = [a for a in annotations if a.get("lang_guess") == "en"]
    runs = {"newsflow": newsflow_run(data_dir, annotations)}
    runs["trafilatura"] = trafilatura_run(data_dir, annotations)
    body = Table("system", "pages", "n", "precision", "recall", "F1", "accuracy", title="body")
    for name, run in runs.items():
        for label, subset in (("all", annotations), ("English", english)):
            s = score_segments(subset, run.texts)
            m = s.micro
            row = (m.precision, m.recall, m.f1, s.accuracy)
            body.add_row(name, label, str(len(subset)), *(f"{x:.4f}" for x in row))
    console.print(body)
    meta = Table("field", "pages", "n", *runs, title="metadata accuracy")
    for field in FIELDS:
        for label, subset in (("all", annotations), ("English", english)):
            scores = [metadata_accuracy(subset, run, field) for run in runs.values()]
            meta.add_row(field, label, str(scores[0][1]), *(f"{a:.3f}" for a, _ in scores))
    console.print(meta)
    if predictions is not None:
        nf = runs["newsflow"]
        output = {k: {"text": nf.texts[k], **nf.metadata[k]} for k in nf.texts}
        predictions.write_text(json.dumps(output, ensure_ascii=False, default=str), "utf-8")


GOLD_BODIES = Path("../shared/data/clean/scrapinghub_aeb/ground-truth.json")


@eval_app.command("text-drops")
def eval_text_drops(
    gold: Annotated[
        Path, typer.Argument(help="Gold bodies: a ground-truth.json of the scrapinghub benchmark.")
    ] = GOLD_BODIES,
    seed: Annotated[int, typer.Option(help="Seed of the generator: same seed, same test set.")] = 7,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write every missed line here.")
    ] = None,
) -> None:
    """Boilerplate inserted into gold bodies, cleaned as .txt drops: lines removed and kept."""
    from flows.evaluate_clean import read_json
    from flows.text_drops import score, test_set

    if not gold.exists():
        errors.print(f"[red]error:[/] {gold} not found; give the benchmark's ground-truth.json.")
        raise typer.Exit(2)
    languages_file = gold.parent / "lang_guess.json"
    languages = read_json(languages_file) if languages_file.exists() else None
    bodies = {k: v["articleBody"] for k, v in read_json(gold).items()}
    documents = test_set(bodies, seed, languages)
    tally = score(documents)
    table = Table("inserted line", "lines", "removed", "share", title=f"{len(documents)} documents")
    for kind, count in sorted(tally.inserted.items()):
        table.add_row(
            kind, str(count), str(tally.removed[kind]), f"{tally.removed[kind] / count:.3f}"
        )
    total = sum(tally.inserted.values())
    table.add_row(
        "all boilerplate",
        str(total),
        str(sum(tally.removed.values())),
        f"{tally.removed_share:.3f}",
    )
    console.print(table)
    console.print(
        f"body lines kept: {tally.body_kept} of {tally.body_lines} ({tally.kept_share:.4f}); "
        f"notes kept aside in articles.notes: {tally.notes_kept} of {tally.notes}"
    )
    if errors_out is not None:
        errors_out.write_text("\n".join(tally.misses) + "\n", encoding="utf-8")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
