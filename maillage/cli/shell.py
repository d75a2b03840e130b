"""The command line's frame: the Typer app, global options, shared options, errors and output."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import pandas as pd
import typer

from maillage.ground.dates import BadDate, parse_day
from maillage.ground.i18n import LANGUAGES
from maillage.ground.tables import Progress
from maillage.loaders.mapping import MappingError
from maillage.loaders.problems import InvalidInput
from maillage.loaders.register import RegisterError
from maillage.queries.store import Store, StoreError
from maillage.services.stores import StoreChoice
from maillage.services.views import TODAY, BadRequest, UnknownOrganization


class Output(StrEnum):
    """How read commands print their rows."""

    table = "table"
    csv = "csv"
    json = "json"


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


@dataclass(frozen=True)
class Shell:
    """What the global options chose, handed to every command through the context."""

    store: StoreChoice
    output: Output


@cli.callback()
def main_options(
    ctx: typer.Context,
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

    Example: maillage --db ecosystem.db load my-workbook/ && maillage --db ecosystem.db info
    """
    ctx.obj = Shell(StoreChoice(db=db, neo4j=neo4j), output)


def shell(ctx: typer.Context) -> Shell:
    """The global options of this run."""
    found = ctx.find_object(Shell)
    return found if found is not None else Shell(StoreChoice(), Output.table)


def fail(message: str, *, status: int) -> NoReturn:
    """Print ``message`` on standard error and end with ``status``."""
    typer.echo(message, err=True)
    raise typer.Exit(status)


@contextmanager
def answering() -> Iterator[None]:
    """Errors a user can act on end the command with their message: status 2 for what they
    asked or gave, 1 for a store that cannot serve."""
    try:
        yield
    except (BadRequest, UnknownOrganization, BadDate, MappingError, RegisterError) as error:
        fail(str(error), status=2)
    except InvalidInput as error:
        fail(str(error), status=2)
    except StoreError as error:
        fail(str(error), status=1)


@contextmanager
def opened(ctx: typer.Context) -> Iterator[Store]:
    """The store the global options name, closed afterwards; errors as :func:`answering`."""
    with answering(), shell(ctx).store.opened() as store:
        yield store


def output_of(ctx: typer.Context, chosen: Output | None) -> Output:
    """The command's own ``--format``, else the global one."""
    return chosen or shell(ctx).output


def emit(rows: pd.DataFrame, output: Output) -> None:
    """Print rows as a table, CSV or JSON records."""
    if output is Output.csv:
        sys.stdout.write(rows.to_csv(index=False))
    elif output is Output.json:
        typer.echo(json.dumps(records(rows), ensure_ascii=False, indent=1))
    elif rows.empty:
        typer.echo("(none)")
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            typer.echo(rows.to_string(index=False))


def emit_document(document: Mapping[str, Any]) -> None:
    """Print one JSON document."""
    typer.echo(json.dumps(document, ensure_ascii=False, indent=1, default=str))


def records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready records (dates and other values as text)."""
    loaded: list[dict[str, Any]] = json.loads(
        rows.to_json(orient="records", force_ascii=False, default_handler=str)
    )
    return loaded


@dataclass(frozen=True)
class Part:
    """One part of a report: a title, what it means, its rows; ``skipped`` when the data
    lacks what it needs (the explanation then says what)."""

    title: str
    explanation: str
    rows: pd.DataFrame
    skipped: bool = False


def emit_sections(parts: Mapping[str, Part], output: Output, *, limit: int | None = None) -> None:
    """Print a report's named parts: one JSON document (``{key: {title, explanation,
    rows}}``), or one block per part (tables cut at ``limit`` rows, saying how many more)."""
    if output is Output.json:
        emit_document(
            {
                key: {
                    "title": p.title,
                    "explanation": p.explanation,
                    **({"skipped": True} if p.skipped else {}),
                    "rows": records(p.rows),
                }
                for key, p in parts.items()
            }
        )
        return
    for key, part in parts.items():
        typer.echo(
            f"# {key}: {part.title}" + (f"\n# {part.explanation}" if part.explanation else "")
        )
        if part.skipped and output is Output.table:
            typer.echo("")
            continue
        rows = part.rows
        shown = rows if limit is None or output is not Output.table else rows.head(limit)
        emit(shown, output)
        if len(shown) < len(rows):
            typer.echo(f"... {len(rows) - len(shown)} more (--limit, --format csv)")
        typer.echo("")


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


def day(text: str) -> dt.date:
    """A date option's value (``YYYY-MM-DD``, or ``YYYY``: its last day); a usage error
    (status 2) otherwise."""
    try:
        return parse_day(text)
    except BadDate as error:
        raise typer.BadParameter(str(error)) from None


def as_of_day(text: str | None, every_date: bool = False) -> Any:
    """The date of a view: ``--as-of``, today when not given, every date on request."""
    if every_date:
        return None
    return TODAY if text is None else day(text)


def at_least(least: int) -> Any:
    """A Typer callback refusing numbers below ``least`` with a usage error (status 2)."""

    def check(value: int | None) -> int | None:
        if value is not None and value < least:
            raise typer.BadParameter(f"must be at least {least}")
        return value

    return check


def _language(text: str) -> str:
    if text not in LANGUAGES:
        raise typer.BadParameter(f"choose one of {', '.join(LANGUAGES)}")
    return text


AudienceOption = Annotated[
    Audience, typer.Option(help="Who is looking: each sees only what is at or below its level")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Date of the graph (YYYY-MM-DD or YYYY) [default: today]"),
]
EveryDateOption = Annotated[
    bool, typer.Option("--every-date", help="Ties of every date instead of --as-of")
]
FormatOption = Annotated[Output | None, typer.Option("--format", help="table, csv or json")]
LangOption = Annotated[
    str,
    typer.Option("--lang", help="Language of titles and reasons: fr or en", callback=_language),
]
SeedOption = Annotated[int, typer.Option(help="Seed of sampling and community detection")]
TopOption = Annotated[int, typer.Option(help="How many rows", callback=at_least(1))]
