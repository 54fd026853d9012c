"""`newsflow`: run a drop, query the warehouse, show what it holds.

Prefect is imported only inside the commands that need it, after `configure()` has pointed it at
the right home: its settings are read once, at import.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

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
        int | None, typer.Option(help="Processes for the spaCy pass (default 1).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    verbose: Annotated[bool, typer.Option(help="Show Prefect's logs.")] = False,
) -> None:
    """Process one drop through the process-drop flow and print a summary."""
    configure(home, quiet=not verbose)
    if not path.exists():
        errors.print(f"[red]error:[/] {path} does not exist; give a folder, file or archive.")
        raise typer.Exit(2)
    from flows import progress as progress_hooks
    from flows.process_drop import process_drop
    from warehouse.store import WarehouseBusy

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[articles]} articles"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=errors, transient=True) as bar:
            progress_hooks.attach(_Bar(bar))
            summary = process_drop(
                str(path), home=home, batch_size=batch_size, n_process=n_process, model=model
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
