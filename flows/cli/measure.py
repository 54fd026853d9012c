"""`newsflow eval`, `bench` and `bench-sql`: thin over evaluation/ and benchmarks/."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from flows.cli.output import BAR, console, errors
from flows.settings import configure

if TYPE_CHECKING:
    from benchmarks.run_vs_spacy import Round

commands = typer.Typer()

eval_app = typer.Typer(help="Score the pipeline's steps on annotated data.", no_args_is_help=True)
commands.add_typer(eval_app, name="eval")

GoldArgument = Annotated[Path, typer.Argument(help="Annotated articles, one JSON object per line.")]
PredictionsOption = Annotated[
    Path, typer.Option("--predictions", help="Where to write the predictions (JSON lines).")
]


@eval_app.command("quotes")
def eval_quotes(
    gold: Annotated[
        list[Path], typer.Argument(help="Annotated sets, one JSON article per line; several.")
    ],
    predictions: PredictionsOption = Path("quotes.predictions.jsonl"),
    model: Annotated[
        str | None, typer.Option(envvar="NEWSFLOW_MODEL", help="spaCy pipeline to use.")
    ] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write a per-article error breakdown here.")
    ] = None,
) -> None:
    """Quote spans and speakers, per set: P/R/F1 at overlap 0.3 and 0.8, speaker and verb
    accuracy, recall by form (direct / mixed / indirect) and, where the gold has it, by cue_class.
    With several sets, predictions and errors go to one file per set (the set's name added)."""
    from evaluation.predict import predict_quotes, read_jsonl, write_jsonl
    from evaluation.scoring import SPEAKER_THRESHOLD, quote_form, recall_by, score_quotes

    for path in gold:
        docs = read_jsonl(path)
        predicted = predict_quotes(docs, model)
        out = predictions if len(gold) == 1 else _per_set(predictions, path)
        write_jsonl(predicted, out)
        scores = score_quotes(docs, predicted)
        table = Table("threshold", "precision", "recall", "F1", "TP", "FP", "FN", title=str(path))
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
        console().print(table)
        console().print(
            f"speaker accuracy {scores.speaker_accuracy:.3f}   verb accuracy "
            f"{scores.verb_accuracy:.3f}   ({len(docs)} articles; predictions in {out})"
        )
        at = scores.by_threshold[SPEAKER_THRESHOLD]
        for label, category in (("form", quote_form), ("cue_class", _cue_class)):
            found = recall_by(docs, at, category)
            if found:
                cells = "  ".join(f"{k} {f / t:.3f} ({f}/{t})" for k, (f, t) in found.items())
                console().print(f"recall by {label} (> {SPEAKER_THRESHOLD}): {cells}")
        if errors_out is not None:
            target = errors_out if len(gold) == 1 else _per_set(errors_out, path)
            target.write_text(at.breakdown())


def _cue_class(quote: dict[str, Any]) -> str | None:
    return quote.get("cue_class")


def _per_set(base: Path, gold: Path) -> Path:
    """`q.jsonl` for set `polnear_dev.jsonl` -> `q.polnear_dev.jsonl`."""
    return base.with_name(f"{base.stem}.{gold.stem}{base.suffix}")


@eval_app.command("people")
def eval_people(
    gold: GoldArgument,
    predictions: PredictionsOption = Path("people.predictions.jsonl"),
    model: Annotated[
        str | None, typer.Option(envvar="NEWSFLOW_MODEL", help="spaCy pipeline to use.")
    ] = None,
    errors_out: Annotated[
        Path | None,
        typer.Option("--errors", help="Write every error, with its class, here (JSON lines)."),
    ] = None,
) -> None:
    """People named in each article (run on `text_raw`) and their gender: P/R/F1 against the
    gold lists, per gender class, the share of women among sources, and the errors by class."""
    from dataclasses import asdict

    from evaluation.people_errors import classify_all, tally
    from evaluation.predict import predict_people, read_jsonl, write_jsonl
    from evaluation.scoring import female_share, score_gender, score_people

    docs = read_jsonl(gold)
    predicted = predict_people(docs, model)
    write_jsonl(predicted, predictions)
    m = score_people(docs, predicted).micro
    console().print(
        f"people: precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}  "
        f"(TP {m.tp}, FP {m.fp}, FN {m.fn}; {len(docs)} articles; predictions in {predictions})"
    )
    table = Table("class", "precision", "recall", "F1", "TP", "FP", "FN", title="gender")
    for field, scores in score_gender(docs, predicted).items():
        g = scores.micro
        scored = (g.precision, g.recall, g.f1)
        table.add_row(field, *(f"{v:.3f}" for v in scored), str(g.tp), str(g.fp), str(g.fn))
    console().print(table)
    console().print(
        f"women among sources: predicted {female_share(predicted):.1%}, "
        f"gold {female_share(docs):.1%}"
    )
    errors_found = classify_all(docs, predicted)
    by_class = Table("error", "class", "count", title="errors by class")
    for kind, causes in tally(errors_found).items():
        for cause, count in causes.most_common():
            by_class.add_row(kind, cause, str(count))
    console().print(by_class)
    if errors_out is not None:
        write_jsonl([asdict(e) for e in errors_found], errors_out)


@commands.command()
def bench(
    corpus: Annotated[
        list[Path], typer.Argument(help="Folders or files of .txt / .jsonl articles.")
    ],
    articles: Annotated[int, typer.Option(min=1, help="Articles in the generated drop.")] = 2000,
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            help="Rounds of bare nlp.pipe and the command, alternating which goes first; the "
            "ratio is the median of the rounds'.",
        ),
    ] = 1,
    n_process: Annotated[
        int | None, typer.Option(help="Processes for both phases (default: all cores).")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Articles per batch.")] = None,
    model: Annotated[
        str | None, typer.Option(envvar="NEWSFLOW_MODEL", help="spaCy pipeline to use.")
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Warehouse to load into (default: a fresh temporary one each round)."),
    ] = None,
    cold: Annotated[
        bool, typer.Option(help="Time a run that must start the home's Prefect server too.")
    ] = False,
) -> None:
    """Wall clock of `newsflow run` against bare `nlp.pipe` on the same distinct texts.

    The run is measured in a process tree of its own, with no warm runner (a run forked from
    one would not count the imports and the model's load, nor the runner's memory). Each round's
    command loads into a warehouse of its own: a second load of the same drop would be skipped."""
    import tempfile

    from benchmarks.run_vs_spacy import Setup, bench_round, build_drop, corpus_texts, distinct_texts
    from flows.runtime import server as background
    from flows.runtime.warm.client import ON

    if home is not None and rounds > 1:
        errors().print(
            "[red]error:[/] --home takes one round's load (a second load of the same drop is "
            "skipped as already loaded); leave --home out to bench several rounds."
        )
        raise typer.Exit(2)
    os.environ.pop(ON, None)  # no runner beside the home's server, should this start it
    processes = n_process or os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    homes = [home] if home else [work / f"home-{number + 1}" for number in range(rounds)]
    texts = distinct_texts([t for source in corpus for t in corpus_texts(source)], articles)
    build_drop(texts, work / "drop")
    console().print(
        f"{articles} distinct articles in {work / 'drop'}; {processes} process(es); "
        f"{rounds} round(s); no warm runner"
    )
    options = ["--n-process", str(processes)]
    options += ["--batch-size", str(batch_size)] if batch_size else []
    options += ["--model", model] if model else []
    setup = Setup(work / "drop", texts, model, processes, options, cold)
    done = []
    try:
        # The first home's Prefect home is every round's (configure keeps it): one server.
        for number, round_home in enumerate(homes):
            round_home = configure(round_home, quiet=True)
            done.append(bench_round(number, round_home, setup, console().print))
    finally:
        if home is None:  # the temporary homes' server goes with them
            background.stop(background.prefect_home())
    _bench_report(done)


def _bench_report(rounds: list[Round]) -> None:
    import statistics

    table = Table(
        "round",
        "first",
        "bare nlp.pipe",
        "newsflow run",
        "of which the flow",
        "ratio",
        "flow's ratio",
        "CPU ratio",
        "peak RSS of the run",
    )
    for number, done in enumerate(rounds, 1):
        table.add_row(
            str(number),
            "bare" if done.bare_first else "run",
            f"{done.bare.seconds:,.1f}s",
            f"{done.command.wall:,.1f}s",
            f"{done.flow_seconds:,.1f}s",
            f"{done.ratio:.2f}",
            f"{done.flow_ratio:.2f}",
            f"{done.cpu_ratio:.2f}",
            f"{done.command.memory.total / 2**20:,.0f} MiB",
        )
    console().print(table)
    median = statistics.median
    bare = median(r.bare.seconds for r in rounds)
    wall = median(r.command.wall for r in rounds)
    loaded = rounds[-1].command.run["counts"]["articles"]
    console().print(
        f"ratio to bare nlp.pipe{f' (median of {len(rounds)})' if len(rounds) > 1 else ''}: "
        f"command {median(r.ratio for r in rounds):.2f}, "
        f"flow {median(r.flow_ratio for r in rounds):.2f}   (outside the flow: "
        f"{median(r.command.wall - r.flow_seconds for r in rounds):.1f}s of interpreter, imports, "
        "server, workers' model load and exit)"
    )
    console().print(
        f"bare nlp.pipe {rounds[0].bare.tokens / bare:,.0f} tokens/s, "
        f"{rounds[0].bare.articles / bare:.1f} articles/s, peak RSS "
        f"{max(r.bare.peak_rss for r in rounds) / 2**20:,.0f} MiB; newsflow run "
        f"{loaded / wall:.1f} articles/s"
    )
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in dict(rounds[-1].command.run["timings"]).items())
    console().print(f"time per step (round {len(rounds)}): {steps}")
    cpu = ", ".join(
        f"round {n}: bare {r.bare.cpu:,.0f}s, the command {r.command.cpu:,.0f}s, the server "
        f"{r.command.server_cpu:,.0f}s"
        for n, r in enumerate(rounds, 1)
    )
    console().print(f"CPU (bare: its process and workers; the command: its process tree): {cpu}")
    highest = max(rounds, key=lambda r: r.command.memory.total)
    console().print(f"peak RSS of the run by process: {highest.command.parts()}")
    quarters = ", ".join(f"{peak / 2**20:,.0f}" for peak in highest.command.memory.by_part())
    console().print(
        f"peak RSS of the run in each quarter of its time: {quarters} MiB (memory that does not "
        "grow with the drop peaks alike from the second on; the first holds start-up)"
    )


@commands.command("bench-sql")
def bench_sql(
    articles: Annotated[
        int, typer.Option(min=1, help="Articles in the synthetic warehouse.")
    ] = 100_000,
    runs: Annotated[int, typer.Option(min=1, help="Nightly commits to spread them over.")] = 30,
    home: Annotated[
        Path | None,
        typer.Option(
            help="Where to build it (default: a temporary folder); a partly built one resumes."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Build a warehouse of R nightly loads through the real load path, then time the queries."""
    import tempfile

    from benchmarks.sql import QUERIES, build, measure

    if articles < runs:
        errors().print(
            f"[red]error:[/] {articles} articles cannot spread over {runs} nightly loads; give "
            "--articles at least --runs"
        )
        raise typer.Exit(2)
    built = home or Path(tempfile.mkdtemp(prefix="newsflow-bench-sql-"))
    with Progress(*BAR, console=errors(), transient=True) as bar:
        task = bar.add_task("nightly loads", total=runs, articles=0)
        done = build(
            built,
            articles,
            runs,
            lambda n: bar.update(task, completed=n, articles=n * (articles // runs)),
        )
    if done.commits:
        commits = sorted(done.commits)
        errors().print(
            f"built {built}: {len(commits)} commits, median {commits[len(commits) // 2]:.2f}s, "
            f"last {done.commits[-1]:.2f}s, slowest {commits[-1]:.2f}s; "
            f"{len(done.maintenance)} weekly maintenance runs, {sum(done.maintenance):.0f}s"
        )
    figures = measure(built, articles, runs)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table("query", "best of 3", "peak memory", title=f"{articles:,} articles, {runs} runs")
    for name in QUERIES:
        q = figures["queries"][name]
        table.add_row(name, f"{q['seconds'] * 1000:,.0f} ms", f"{q['peak_mb']:,.0f} MB")
    console().print(table)
    files = ", ".join(f"{t} {n}" for t, n in sorted(figures["files"].items()))
    console().print(f"files per table: {files}; {figures['bytes'] / 1e6:,.0f} MB in {built}")


@commands.command("bench-dashboard")
def bench_dashboard(
    home: Annotated[
        Path, typer.Option(help="The warehouse to measure (e.g. one `bench-sql --home` built).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Time each dashboard page's queries (first call and best of 3) and each page's first
    render in a new session (in the app's own process, through Streamlit's AppTest)."""
    import subprocess

    from flows.cli.look import add_dashboard_marts
    from warehouse.store import Store, WarehouseMissing

    try:
        Store(home).check()
    except WarehouseMissing as error:
        errors().print(f"[red]error:[/] {error}")
        raise typer.Exit(1) from None
    add_dashboard_marts(Store(home), errors())  # as `newsflow dashboard` does before it serves
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.dashboard", str(home.resolve())],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    if as_json:
        sys.stdout.write(done.stdout)
        return
    figures = json.loads(done.stdout)
    table = Table("page", "query", "first", "best of 3", title=f"dashboard on {home}")
    for page, calls in figures["queries"].items():
        for name, t in calls.items():
            table.add_row(page, name, f"{t['first'] * 1000:,.0f} ms", f"{t['best'] * 1000:,.0f} ms")
    console().print(table)
    renders = ", ".join(f"{page} {s:.2f} s" for page, s in figures["renders"].items())
    console().print(f"first render of each page (new session, caches empty): {renders}")


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
    from evaluation.clean_pages import benchmark_predictions, clean_folder, milliseconds, read_json
    from evaluation.scoring import score_bodies

    if not html_dir.is_dir():
        errors().print(
            f"[red]error:[/] {html_dir} is not a folder; give the folder of .html.gz pages."
        )
        raise typer.Exit(2)
    truth_file = html_dir.parent / "ground-truth.json"
    truth = read_json(truth_file) if truth_file.exists() else {}
    pages = clean_folder(html_dir, {k: v.get("url") for k, v in truth.items()})
    if not pages:
        errors().print(f"[red]error:[/] no .html.gz or .html pages in {html_dir}.")
        raise typer.Exit(2)
    output = benchmark_predictions(pages)
    predictions.write_text(json.dumps(output, ensure_ascii=False, indent=1), encoding="utf-8")
    typical, slow = milliseconds(pages.values())
    rejected = sum(p.article is None for p in pages.values())
    console().print(
        f"{len(pages)} pages cleaned ({rejected} without article text); clean time per page: "
        f"median {typical:.0f} ms, 95th percentile {slow:.0f} ms; predictions in {predictions}"
    )
    gold = {k: v["articleBody"] for k, v in truth.items() if k in pages}
    if not gold:
        console().print(f"no {truth_file} with these pages: nothing to score against")
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
    console().print(table)
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
    from evaluation.clean_pages import (
        FIELDS,
        metadata_accuracy,
        newsflow_run,
        read_annotations,
        trafilatura_run,
    )
    from evaluation.scoring import score_segments

    if not (data_dir / "annotations.jsonl").exists():
        errors().print(
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
    console().print(body)
    meta = Table("field", "pages", "n", *runs, title="metadata accuracy")
    for field in FIELDS:
        for label, subset in (("all", annotations), ("English", english)):
            scores = [metadata_accuracy(subset, run, field) for run in runs.values()]
            meta.add_row(field, label, str(scores[0][1]), *(f"{a:.3f}" for a, _ in scores))
    console().print(meta)
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
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Template set (TOML, see evaluation/templates/); the first set if none.",
        ),
    ] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write every missed line here.")
    ] = None,
) -> None:
    """Boilerplate inserted into gold bodies, cleaned as .txt drops: lines removed and kept."""
    from evaluation.clean_pages import read_json
    from evaluation.text_drops import FIRST_SET, read_templates, score, test_set

    if not gold.exists():
        errors().print(f"[red]error:[/] {gold} not found; give the benchmark's ground-truth.json.")
        raise typer.Exit(2)
    languages_file = gold.parent / "lang_guess.json"
    languages = read_json(languages_file) if languages_file.exists() else None
    bodies = {k: v["articleBody"] for k, v in read_json(gold).items()}
    template_set = read_templates(templates or FIRST_SET)
    documents = test_set(bodies, seed, languages, template_set)
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
    console().print(table)
    console().print(
        f"body lines kept: {tally.body_kept} of {tally.body_lines} ({tally.kept_share:.4f}); "
        f"notes kept aside in articles.notes: {tally.notes_kept} of {tally.notes}"
    )
    if errors_out is not None:
        errors_out.write_text("\n".join(tally.misses) + "\n", encoding="utf-8")


SCRAPED_PAGES = Path("../shared/data/clean/scrapinghub_aeb/html")


@eval_app.command("scraped")
def eval_scraped(
    pages: Annotated[
        Path, typer.Argument(help="A folder of HTML pages (.html or .html.gz) with gold bodies.")
    ] = SCRAPED_PAGES,
    gold: Annotated[
        Path, typer.Argument(help="Their gold bodies: a ground-truth.json of the benchmark.")
    ] = GOLD_BODIES,
    part: Annotated[
        str,
        typer.Option(
            help="Which pages: all, train (those the body-span model learnt from) or held-out."
        ),
    ] = "all",
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write every lost paragraph and kept line here.")
    ] = None,
) -> None:
    """Real pages saved as scraper text in six ways, through the text path: the share of the gold
    paragraphs kept (of those the scraped text holds) and of the other lines removed, by place."""
    from evaluation.clean_pages import read_json
    from evaluation.scraped import PLACES, read_pages, score_renderings, select

    if part not in ("all", "train", "held-out"):
        errors().print(f"[red]error:[/] --part {part}: give all, train or held-out.")
        raise typer.Exit(2)
    for path, what in ((pages, "a folder of pages"), (gold, "the ground-truth.json")):
        if not path.exists():
            errors().print(f"[red]error:[/] {path} not found; give {what}.")
            raise typer.Exit(2)
    bodies = {k: v["articleBody"] for k, v in read_json(gold).items()}
    html = read_pages(pages)
    chosen = {n: html[n] for n in select(html, part) if n in bodies}
    scores = score_renderings(chosen, bodies)
    table = Table(
        "rendering",
        "pages",
        "body kept",
        "non-body removed",
        *(f"removed {p}" for p in PLACES),
        title=f"{len(chosen)} pages ({part})",
    )
    for rendering, score in scores.items():
        table.add_row(
            rendering,
            str(score.pages),
            f"{score.kept_share:.3f}",
            f"{score.removed_share:.3f}",
            *(f"{score.removed_at(p):.3f}" for p in PLACES),
        )
    console().print(table)
    if errors_out is not None:
        misses = [f"{r}\t{m}" for r, s in scores.items() for m in s.misses]
        errors_out.write_text("\n".join(misses) + "\n", encoding="utf-8")


QUOTE_SETS = Path("../shared/data/quotes")


@eval_app.command("syndication")
def eval_syndication(
    sets: Annotated[
        list[Path] | None,
        typer.Argument(help="Annotated article sets (JSON lines); polnear_train and polnear_dev."),
    ] = None,
    part: Annotated[
        str, typer.Option(help="Which part of the sets: dev (two thirds) or check (a third).")
    ] = "dev",
    seed: Annotated[int, typer.Option(help="Seed of the generator: same seed, same drop.")] = 1,
    stories: Annotated[int, typer.Option(min=1, help="Stories in the generated drop.")] = 300,
    home: Annotated[
        Path | None,
        typer.Option(help="Load into this (new) home and keep it (default: temporary)."),
    ] = None,
) -> None:
    """Wire copies generated from real articles, loaded night by night with `newsflow run`:
    pairwise precision and recall of the story and quote clusters."""
    import shutil
    import tempfile

    from evaluation.syndication import (
        generate,
        load_nights,
        measure,
        part_of,
        read_sources,
        stop_server,
        write_nights,
    )

    if part not in ("dev", "check"):
        errors().print(f"[red]error:[/] --part {part!r}: give dev or check.")
        raise typer.Exit(2)
    paths = sets or [
        QUOTE_SETS / "polnear_train" / "polnear_train.jsonl",
        QUOTE_SETS / "polnear_dev" / "polnear_dev.jsonl",
    ]
    missing = [p for p in paths if not p.exists()]
    if missing:
        errors().print(f"[red]error:[/] {missing[0]} not found; give the annotated sets.")
        raise typer.Exit(2)
    if home is not None and home.exists():
        errors().print(f"[red]error:[/] {home} exists; give a new folder for --home.")
        raise typer.Exit(2)
    sources = [s for s in read_sources(paths) if part_of(s.doc_id) == part]
    drop = generate(sources, seed, stories)
    work = Path(tempfile.mkdtemp(prefix="newsflow-syndication-"))
    target = home or work / "home"
    try:
        nights = write_nights(drop, work / "drop")
        console().print(
            f"{len(drop.copies)} articles of {len(drop.sources)} stories ({part} part, seed "
            f"{seed}) in {len(nights)} nightly drops; loading them into {target}"
        )
        try:
            load_nights(nights, target)
        finally:
            stop_server(target)
        result = measure(drop, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = Table("clusters", "precision", "recall", "pairs found", "true pairs", "items")
    for name, scores in (("stories", result.stories), ("quotes", result.quotes)):
        table.add_row(
            name,
            f"{scores.precision:.4f}",
            f"{scores.recall:.4f}",
            str(scores.predicted_pairs),
            str(scores.true_pairs),
            str(scores.items),
        )
    console().print(table)
    console().print(
        f"{result.articles} current articles, {result.copies} of them later copies of a story; "
        f"{result.cross_source_quotations} quotations found in two source articles or more"
    )
