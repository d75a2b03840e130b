"""The ``maillage`` command line: a thin shell over loaders, stores and analytics."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from loaders.problems import InvalidInput
from queries.store import GraphQuery, Progress, Store, StoreError

APP_FILE = Path(__file__).resolve().parents[1] / "app.py"


class Output(StrEnum):
    """How read commands print their rows."""

    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    """File formats ``export`` writes."""

    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    graphml = "graphml"


class Audience(StrEnum):
    """Who the output is for: each sees only what is at or below its level."""

    public = "public"
    members = "members"
    private = "private"


cli = typer.Typer(
    name="maillage",
    help="Maillage: explore and grow the alliance graph of the social and solidarity economy.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """Options given before the command."""

    db: str | None = None
    neo4j: str | None = None
    output: Output = Output.table


settings = Settings()


@cli.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(help="Embedded store file [env MAILLAGE_DB; default maillage.db]"),
    ] = None,
    neo4j: Annotated[
        str | None,
        typer.Option(
            help="Neo4j URI (bolt://..., neo4j+s://...) instead of the embedded store "
            "[env NEO4J_URI; NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE]"
        ),
    ] = None,
    output: Annotated[
        Output, typer.Option("--format", help="How read commands print rows")
    ] = Output.table,
) -> None:
    """Maillage: explore and grow the alliance graph of the social and solidarity economy.

    Example: maillage --db ecosystem.db load data/demo && maillage --db ecosystem.db info
    """
    settings.db, settings.neo4j, settings.output = db, neo4j, output


@contextmanager
def opened_store() -> Iterator[Store]:
    """The store the global options name; store errors end the command with status 1."""
    from queries.connect import open_store

    try:
        store = open_store(db=settings.db, neo4j_uri=settings.neo4j)
    except StoreError as error:
        fail(str(error), status=1)
    try:
        yield store
    except StoreError as error:
        fail(str(error), status=1)
    finally:
        store.close()


def fail(message: str, *, status: int) -> typer.Exit:
    """Print ``message`` on standard error and end with ``status``."""
    typer.echo(message, err=True)
    raise typer.Exit(status)


def emit(rows: pd.DataFrame, output: Output | None = None) -> None:
    """Print rows as a table, CSV or JSON records."""
    output = output or settings.output
    if output is Output.csv:
        sys.stdout.write(rows.to_csv(index=False))
    elif output is Output.json:
        records = json.loads(rows.to_json(orient="records", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    elif rows.empty:
        typer.echo("(none)")
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            typer.echo(rows.to_string(index=False))


@contextmanager
def progress_bar(label: str) -> Iterator[Progress | None]:
    """A progress bar on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as RichProgress

    with RichProgress(transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@cli.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Workbook folders, CSV or XLSX files")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Load the valid rows; still list the others (status 2)")
    ] = False,
) -> None:
    """Load workbooks, files or folders into the store, all or nothing.

    Every problem is listed as FILE:LINE: column: message and the command exits with
    status 2, leaving the store exactly as it was (unless --skip-invalid).

    Example: maillage load data/demo members.xlsx
    """
    from loaders.workbook import load_workbook

    with opened_store() as store, progress_bar("Loading") as progress:
        try:
            outcome = load_workbook(paths, store, skip_invalid=skip_invalid, progress=progress)
        except InvalidInput as error:
            fail(str(error), status=2)
    result = outcome.result
    typer.echo(
        f"Loaded {result.organizations} organizations and {result.ties} ties "
        f"(data version {result.data_version})."
    )
    if outcome.skipped:
        typer.echo(f"Skipped {len(outcome.skipped)} invalid rows:", err=True)
        for problem in outcome.skipped:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2)


@cli.command()
def info(
    output: Annotated[Output | None, typer.Option("--format", help="table, csv or json")] = None,
) -> None:
    """Show the store, its counts by type and its data version.

    Example: maillage info --format json
    """
    with opened_store() as store:
        facts = store.info()
    output = output or settings.output
    if output is Output.json:
        document = {
            "backend": facts.backend,
            "location": facts.location,
            "data_version": facts.data_version,
            "organizations": facts.organizations,
            "ties": facts.ties,
            "organizations_by_type": dict(facts.organizations_by_type),
            "ties_by_type": dict(facts.ties_by_type),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    counts = pd.DataFrame(
        [("organization", k, v) for k, v in facts.organizations_by_type.items()]
        + [("tie", k, v) for k, v in facts.ties_by_type.items()],
        columns=["kind", "type", "count"],
    )
    if output is Output.csv:
        emit(counts, output)
        return
    typer.echo(f"store: {facts.backend} ({facts.location})")
    typer.echo(f"data version: {facts.data_version}")
    typer.echo(f"organizations: {facts.organizations}    ties: {facts.ties}")
    emit(counts, Output.table)


@cli.command()
def export(
    out: Annotated[Path, typer.Argument(help="File to write (a folder for csv)")],
    file_format: Annotated[ExportFormat, typer.Option("--format", help="File format")],
    audience: Annotated[Audience, typer.Option(help="Who will see the file")] = Audience.public,
) -> None:
    """Export what an audience may see: csv (a workbook folder), xlsx, json, graphml.

    Example: maillage export --format graphml --audience public public-map.graphml
    """
    from loaders import export as writers

    with opened_store() as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience.value))
    if file_format is ExportFormat.csv:
        written = writers.write_csv_workbook(orgs, ties, out)
    elif file_format is ExportFormat.xlsx:
        written = [writers.write_xlsx_workbook(orgs, ties, out)]
    elif file_format is ExportFormat.json:
        written = [writers.write_json(orgs, ties, out)]
    else:
        written = [writers.write_graphml(orgs, ties, out)]
    typer.echo(
        f"Wrote {len(orgs)} organizations and {len(ties)} ties ({audience.value}) to "
        + ", ".join(str(p) for p in written)
    )


@cli.command()
def app(
    port: Annotated[int, typer.Option(help="Port on localhost")] = 8501,
) -> None:
    """Start the explorer (Streamlit) on this store.

    Example: maillage --db ecosystem.db app --port 8502
    """
    run_app(port)


@cli.command()
def demo(
    port: Annotated[int, typer.Option(help="Port on localhost")] = 8501,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic part")] = 2026,
    scale: Annotated[float, typer.Option(help="1.0 is Québec scale")] = 1.0,
    serve: Annotated[bool, typer.Option(help="Start the explorer after loading")] = True,
) -> None:
    """Load the demo ecosystem (real umbrellas + synthetic members) and start the explorer.

    Example: maillage --db demo.db demo --port 8501
    """
    from loaders.synthetic import generate
    from loaders.workbook import load_tables
    from queries.sqlite_store import SQLiteStore

    if settings.neo4j or os.environ.get("NEO4J_URI"):
        typer.echo("demo loads the embedded store; use 'load' to fill Neo4j.", err=True)
    path = settings.db or os.environ.get("MAILLAGE_DB") or "demo.db"
    settings.db = path
    orgs, ties = generate(seed=seed, scale=scale)
    with SQLiteStore.at(path) as store, progress_bar("Loading the demo") as progress:
        try:
            result = load_tables(orgs, ties, store, progress=progress, label="demo")
        except InvalidInput as error:
            fail(str(error), status=2)
    typer.echo(
        f"Demo loaded into {path}: {result.organizations} organizations, {result.ties} ties."
    )
    if serve:
        run_app(port)


def run_app(port: int) -> None:
    """Run ``streamlit run app.py`` on this store until interrupted."""
    environment = dict(os.environ)
    if settings.db:
        environment["MAILLAGE_DB"] = str(Path(settings.db).resolve())
    if settings.neo4j:
        environment["NEO4J_URI"] = settings.neo4j
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_FILE),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    typer.echo(f"Maillage explorer on http://127.0.0.1:{port}  (Ctrl+C to stop)")
    with suppress(KeyboardInterrupt):
        subprocess.run(command, env=environment, check=False)


def parse_date(text: str | None) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (or ``YYYY``), for --as-of style options."""
    if text is None:
        return None
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31)
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from error


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``maillage`` script."""
    return cli(args=argv, prog_name="maillage")


if __name__ == "__main__":
    main()
