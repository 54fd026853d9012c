"""The commands over the warehouse: query it (`sql`, `show`, `snapshots`), check it (`doctor`),
change it (`forget`, `maintain`, `migrate`, `gender`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.table import Table
from typer.core import TyperCommand

from flows.cli.home import (
    CatalogOption,
    DataPathOption,
    HomeOption,
    exclusive,
    existing_store,
    locate,
    reader,
    unreachable,
)
from flows.cli.output import (
    COMMAND_AGAIN,
    FORMATS,
    MORE_SHOW,
    busy,
    console,
    errors,
    fail,
    print_rows,
)
from flows.settings import configure, home_dir, store_for

commands = typer.Typer()


class _QueryCommand(TyperCommand):
    """`newsflow sql "-- a comment\nSELECT …"`: an argument that starts with `-` but holds
    whitespace is SQL, not an option (every example query opens with a `--` comment)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        texts = [a for a in args[:end] if a.startswith("-") and any(c.isspace() for c in a)]
        if texts:
            kept = [a for a in args[:end] if a not in texts]
            args = [*kept, "--", *texts, *args[end + 1 :]]
        return super().parse_args(ctx, args)


@commands.command(cls=_QueryCommand)
def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            help="SQL over the views (articles, quotes, entities, …), a .sql file, or - for stdin."
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the SQL from this file.")
    ] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    output: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    limit: Annotated[
        int, typer.Option(min=0, help="Rows to print as a table (0: all); csv and json print all.")
    ] = 50,
    at: Annotated[
        str | None,
        typer.Option(help="Answer as the warehouse was at this snapshot id or timestamp."),
    ] = None,
    allow_files: Annotated[
        bool,
        typer.Option(
            "--allow-files",
            help="Let the query read and write files (read_csv, COPY … TO): any file this user "
            "may, the warehouse's own included.",
        ),
    ] = False,
) -> None:
    """Run SQL on the warehouse without taking any lock a load needs.

    It only reads: statements that change data, ATTACH and COPY are refused, and a query reaches
    no file but the warehouse's own (unless --allow-files). Several statements run in order; in
    table format each result is printed, in csv and json only the last statement's (so the
    output stays one table).
    """
    if output not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}", 2)
    text = _query_text(query, file)
    locate(home, catalog, data_path)
    import duckdb

    from warehouse import readonly

    store = store_for(home)
    try:
        with reader(home, at) as con:
            if not allow_files:  # before parsing: IMPORT DATABASE reads files as it is parsed
                readonly.confine(con, store.location)
            statements = con.extract_statements(text)
            if not statements:
                raise fail("the query holds no SQL statement (only comments or blanks)", 2)
            readonly.check(statements, allow_files)
            results = []
            for statement in statements:
                result = con.execute(statement)
                if result.description:
                    columns = [d[0] for d in result.description]
                    results.append((columns, result.fetchall()))
    except readonly.Refused as refused:
        raise fail(str(refused), 2) from None
    except duckdb.PermissionException as error:
        reason = str(error).splitlines()[0].removeprefix("Permission Error: ")
        raise fail(
            f"newsflow sql reads only the warehouse's own files: {reason}; give --allow-files to "
            "read or write other files"
        ) from None
    except duckdb.Error as error:
        failure = unreachable(error, store)
        raise (failure or fail(f"query failed: {error}")) from None
    if output != "table":
        results = results[-1:]
    for columns, rows in results:
        print_rows(columns, rows, output, limit)


def _query_text(query: str | None, file: Path | None) -> str:
    """The SQL of `newsflow sql`: the argument, a .sql file (argument or --file), or stdin."""
    if query is not None and file is not None:
        raise fail("give the SQL as an argument or with --file, not both", 2)
    if query == "-":
        text = sys.stdin.read()
    elif file is not None or (query and query.endswith(".sql") and query.split() == [query]):
        path = file or Path(str(query))
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise fail(f"cannot read {path}: {error.strerror or error}", 2) from None
    else:
        text = query or ""
    if not text.strip():
        raise fail(
            'no SQL given: newsflow sql "SELECT …", newsflow sql query.sql, or newsflow sql - '
            "< query.sql",
            2,
        )
    return text


# Characters of a headline or a quote `show` prints: the first rows of each, at a glance
# (`newsflow sql` prints them whole, and CSV or JSON always does).
SHOW_CUT = 60


@commands.command()
def show(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows per section.")] = 10,
) -> None:
    """What the warehouse holds: counts, then the first rows of articles, top entities, quotes."""
    from warehouse.examples import SHOW_QUERIES

    locate(home, catalog, data_path)
    with reader(home) as con:
        (articles, quotes, mentions, rejects, runs) = con.execute(
            "SELECT (SELECT count(*) FROM current_articles), (SELECT count(*) FROM latest_quotes), "
            "(SELECT coalesce(sum(mentions), 0) FROM entities), (SELECT count(*) FROM rejects), "
            "(SELECT count(*) FROM runs WHERE status = 'completed')"
        ).fetchone()
        console().print(
            f"{articles} articles, {quotes} quotes, {mentions} entity mentions, {rejects} "
            f"rejects, from {runs} completed runs in {home_dir(home)}"
        )
        for title, query in SHOW_QUERIES:
            result = con.execute(query)
            columns = [d[0] for d in result.description or []]
            console().rule(title)
            print_rows(columns, result.fetchall(), "table", limit, MORE_SHOW, cut=SHOW_CUT)


@commands.command()
def snapshots(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    limit: Annotated[int, typer.Option(help="Newest snapshots to list.")] = 50,
) -> None:
    """The warehouse's snapshots, newest first: cite one, query it with `sql --at ID`."""
    locate(home, catalog, data_path)
    with reader(home) as con:
        # Narrow enough for 80 columns with every id whole (its articles are the one count that
        # fits beside them): a run's commit message only repeats its run and drop,
        # the time is the one `--at` takes (this machine's zone), and a run id's first 8
        # characters find it in `runs`. Maintenance commits have no message: their changes say
        # what they did (merge adjacent, rewrite delete).
        result = con.execute(
            "SELECT s.snapshot_id AS snapshot, "
            "strftime(s.snapshot_time, '%Y-%m-%d %H:%M:%S') AS time, "
            "coalesce(r.drop_id, s.commit_message, "
            "replace(array_to_string(map_keys(s.changes), ', '), '_', ' ')) AS \"drop, or what\", "
            "r.counts['articles'] AS articles, "
            "left(r.run_id, 8) AS run "
            "FROM snapshots() s LEFT JOIN runs r ON r.snapshot_id = s.snapshot_id "
            "ORDER BY s.snapshot_id DESC LIMIT $n",
            {"n": limit},
        )
        columns = [d[0] for d in result.description or []]
        print_rows(columns, result.fetchall(), "table", limit)


@commands.command()
def doctor(
    home: HomeOption = None, catalog: CatalogOption = None, data_path: DataPathOption = None
) -> None:
    """Where the catalog and the data files live, and whether this machine can reach and write
    them: one line per check, exit 1 on a problem."""
    from warehouse.doctor import diagnose

    locate(home, catalog, data_path)
    store = store_for(home)
    console().print(f"home     {store.home}", soft_wrap=True)
    console().print(f"catalog  {store.location.describe_catalog()}", soft_wrap=True)
    console().print(f"data     {store.location.describe_data()}", soft_wrap=True)
    checks = diagnose(store)
    for check in checks:
        console().print(
            ("[green]ok[/]       " if check.ok else "[red]problem[/]  ") + check.line,
            soft_wrap=True,
        )
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


@commands.command()
def forget(
    reason: Annotated[str, typer.Option(help="Why (kept in `takedowns`; say who asked).")],
    url: Annotated[str | None, typer.Option(help="Every version of the story at this URL.")] = None,
    article_id: Annotated[str | None, typer.Option(help="Every version of this story.")] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Every story of this outlet, and any that comes later.")
    ] = None,
    drop: Annotated[str | None, typer.Option(help="Every story loaded from this drop id.")] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
) -> None:
    """Forget articles (a takedown): every version, their mentions and quotes, in one commit.

    Run `newsflow maintain --purge` afterwards so that no older snapshot or file keeps them.
    """
    named = {"url": url, "article_id": article_id, "outlet": outlet, "drop": drop}
    given = {k: v for k, v in named.items() if v}
    if len(given) != 1:
        errors().print("[red]error:[/] give exactly one of --url, --article-id, --outlet, --drop")
        raise typer.Exit(2)
    ((kind, value),) = given.items()
    locate(home, catalog, data_path)
    from warehouse.takedowns import forget as forget_articles

    with exclusive(home) as store:
        counts = forget_articles(store, kind, value, reason)
    if not counts["stories"]:
        # Kept all the same (warehouse.takedowns.forget): a story it names may come later.
        console().print(
            f"nothing loaded matches {kind} {value!r}: check it if you expected a match"
            + (
                ""
                if kind == "drop"
                else "; the takedown is kept, so such a story that comes later is refused"
            )
        )
        return
    console().print(
        f"forgot {counts['stories']} stories ({counts['articles']} versions, "
        f"{counts['entity_mentions']} mentions, {counts['quotes']} quotes) by {kind} {value!r}; "
        "run `newsflow maintain --purge` to remove them from older snapshots and files"
    )


@commands.command()
def maintain(
    keep_days: Annotated[
        float, typer.Option(help="Keep snapshots this many days for `sql --at`.")
    ] = 30,
    purge: Annotated[
        bool, typer.Option(help="Keep no history: nothing forgotten survives in any file.")
    ] = False,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
) -> None:
    """Merge small files, expire old snapshots, delete files no snapshot needs."""
    from warehouse.maintenance import maintain as run_maintenance

    locate(home, catalog, data_path)
    with exclusive(home) as store:
        report = run_maintenance(store, keep_days, purge)
    _print_maintenance(report)


@commands.command()
def migrate(
    home: HomeOption = None, catalog: CatalogOption = None, data_path: DataPathOption = None
) -> None:
    """Move the home's warehouse into the configured lake, in one snapshot: a local lakehouse into
    a PostgreSQL catalog / S3 data path, or a Parquet store (before the lakehouse)."""
    import duckdb

    from warehouse.lake import Location
    from warehouse.migrate import copy_lake, lake_counts
    from warehouse.migrate import migrate as convert
    from warehouse.ownership import DataPathTaken
    from warehouse.store import Store, WarehouseBusy

    locate(home, catalog, data_path)
    store = store_for(configure(home))
    local = Location.of(store.home)
    try:
        if store.legacy():
            with store.write_lock():
                before, after = convert(store)
            note = "the old Parquet folder is kept as warehouse.v2-migrated; delete it when done"
        elif store.location != local and local.exists() and not store.exists():
            before = lake_counts(Store(store.home, at=local))
            with store.write_lock():
                after = copy_lake(local, store)
            note = (
                f"the local lakehouse in {store.home} is kept as it was; its older snapshots "
                "are not copied"
            )
        else:
            state = "already holds a lakehouse" if store.exists() else "holds no warehouse"
            raise fail(f"{store.location.describe_catalog()} {state}; nothing to migrate")
    except WarehouseBusy as error:
        raise busy(error, COMMAND_AGAIN) from None
    except (duckdb.Error, DataPathTaken) as error:
        raise (unreachable(error, store) or error) from None
    table = Table("table", "rows before", "rows after", title=f"migrated {store.home}")
    for name in before:
        table.add_row(name, f"{before[name]:,}", f"{after[name]:,}")
    console().print(table)
    console().print(note)


def _print_maintenance(report: Any) -> None:
    table = Table("table", "files before", "files after", title="maintenance")
    for name in sorted(report.files_before):
        table.add_row(name, str(report.files_before[name]), str(report.files_after.get(name, 0)))
    console().print(table)
    console().print(
        f"{sum(report.files_before.values())} → {sum(report.files_after.values())} files, "
        f"{report.bytes_before / 1e6:,.1f} → {report.bytes_after / 1e6:,.1f} MB; "
        f"{report.snapshots_expired} snapshots expired"
        + ("; cache cleared" if report.cache_cleared else "")
    )
    if report.unknown_kept:
        console().print(
            f"{report.unknown_kept} data files in the data path are not this warehouse's (they "
            "were there before it marked the path as its own): left in place"
        )


gender_app = typer.Typer(
    help="Overrides of a person's gender: they win over the estimate, in every article.",
    no_args_is_help=True,
)
commands.add_typer(gender_app, name="gender")


class GenderChoice(StrEnum):
    """warehouse.gender_overrides.GENDERS, known here for the CLI's own check."""

    female = "female"
    male = "male"
    unknown = "unknown"


PersonArgument = Annotated[
    str, typer.Argument(help="The person's name as the warehouse writes it, or its entity key.")
]


def _person_key(name: str) -> str:
    """An entity key as given (`person:…`), else the key the pipeline gives this name."""
    from tasks.entities import entity_key

    return name if name.startswith("person:") else entity_key(name, "person")


# How alike (Jaro-Winkler) a name of the warehouse must be to one it lacks to be suggested:
# "Jordan Ellis" for "Jordan Elis" is 0.98, another person of the same first name about 0.8.
CLOSE_NAME = 0.9


@gender_app.command("set")
def gender_set(
    name: PersonArgument,
    gender: GenderChoice,
    home: HomeOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Store it although the warehouse has nobody by this name (yet): it applies "
            "to the articles that bring them.",
        ),
    ] = False,
) -> None:
    """Say this person's gender: it wins over the estimate in every article, loaded or to come.

    `unknown` keeps them out of the female/male counts. One commit of the lake. A name the
    warehouse lacks is refused, with the close names it has (a misspelt override would
    otherwise wait for a person who never comes): --force stores it anyway.
    """
    from warehouse.gender_overrides import set_override

    key = _person_key(name)
    with exclusive(home) as store:
        with store.connect() as con:
            found = con.execute(
                "SELECT articles FROM entities WHERE entity_key = $k", {"k": key}
            ).fetchone()
            close = [] if found else _close_people(con, name)
        if not found and not force:
            suggestion = (
                "; close names it has: " + ", ".join(f"{n} ({a} articles)" for n, a in close)
                if close
                else ""
            )
            raise fail(
                f"the warehouse has nobody named {name!r}{suggestion}. Give the name as the "
                'warehouse writes it (`newsflow sql "SELECT name FROM entities"`), or add '
                "--force to store it for articles to come"
            )
        set_override(store, key, name, gender.value)
    where = f"in {found[0]} articles" if found else "not in the warehouse yet"
    console().print(f"{key} ({where}): {gender.value}, overriding the estimate")


def _close_people(con: Any, name: str) -> list[tuple[str, int]]:
    """The people of the warehouse whose names are closest to `name`, most articles first."""
    return con.execute(
        "SELECT name, articles FROM entities WHERE label = 'person' "
        "AND jaro_winkler_similarity(lower(name), lower($n)) >= $close "
        "ORDER BY jaro_winkler_similarity(lower(name), lower($n)) DESC, articles DESC LIMIT 3",
        {"n": name.removeprefix("person:"), "close": CLOSE_NAME},
    ).fetchall()


@gender_app.command("unset")
def gender_unset(name: PersonArgument, home: HomeOption = None) -> None:
    """Remove this person's override: the estimate counts again."""
    from warehouse.gender_overrides import unset_override

    key = _person_key(name)
    with exclusive(home) as store:
        removed = unset_override(store, key)
    console().print(f"{key}: override removed" if removed else f"{key} had no override")


@gender_app.command("list")
def gender_list(home: HomeOption = None) -> None:
    """Every override, with the articles the person is in."""
    from warehouse.gender_overrides import overrides

    rows = overrides(existing_store(home))
    columns = ["entity_key", "name", "gender", "set_at", "articles"]
    print_rows(columns, [tuple(r[c] for c in columns) for r in rows], "table", 0)
