"""Commands of the data steward: load, load-register, info, export, duplicates, merge."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from maillage.cli.shell import (
    Audience,
    FormatOption,
    Output,
    cli,
    emit,
    emit_document,
    fail,
    opened,
    output_of,
    progress_bar,
)
from maillage.loaders.mapping import mapping_from_options
from maillage.loaders.register import SOCIAL_ECONOMY_FORMS, RegisterFilter
from maillage.queries.store import GraphQuery
from maillage.services import duplicates as stewardship
from maillage.services.exports import EXPORT_FORMATS
from maillage.services.exports import export as write_export
from maillage.services.loading import LoadOutcome, load_mapped, load_register, load_workbook
from maillage.services.sources import with_provenance

#: The export formats as the choices of ``--format``.
ExportName = StrEnum(  # type: ignore[misc]  # built from the registry, one member per format
    "ExportName", {name.replace("-", "_"): name for name in EXPORT_FORMATS}
)


def _loaded(outcome: LoadOutcome) -> None:
    """Say what a load did, what the steward should know, and the rows it skipped."""
    unchanged = "" if outcome.changed else ", unchanged"
    typer.echo(
        f"Loaded {outcome.result.organizations} organization rows and {outcome.result.ties} tie "
        f"rows as source {outcome.source!r}: {outcome.created} organizations new, "
        f"{outcome.updated} changed; {outcome.ties_created} ties new, {outcome.ties_updated} "
        f"changed (data version {outcome.result.data_version}{unchanged})."
    )
    for notice in outcome.notices:
        typer.echo(f"note: {notice}", err=True)
    if outcome.skipped:
        typer.echo(f"Skipped {len(outcome.skipped)} invalid rows:", err=True)
        typer.echo("\n".join(str(problem) for problem in outcome.skipped), err=True)
        raise typer.Exit(2)


SourceOption = Annotated[
    str | None, typer.Option("--source", help="Name of the source [default: the file name]")
]
PriorityOption = Annotated[
    int | None,
    typer.Option(help="Rank of the source in conflicts: higher wins whatever the dates [0]"),
]


@cli.command()
def load(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Workbook folders, CSV/XLSX, GraphML, GEXF or JSON files")
    ],
    source: SourceOption = None,
    replace: Annotated[
        bool, typer.Option(help="Empty cells clear their field (else they keep the value)")
    ] = False,
    priority: PriorityOption = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="Load the valid rows; still list the others (status 2)")
    ] = False,
    na: Annotated[
        list[str] | None,
        typer.Option(help="A cell text meaning no value (repeat; default NA, N/A, -, s.o., ...)"),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="TOML column mapping for foreign tables")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(help="FIELD=HEADER: the foreign column of an organization field (repeat)"),
    ] = None,
    constant: Annotated[
        list[str] | None,
        typer.Option(help="FIELD=VALUE: the value of a field for every row (repeat)"),
    ] = None,
    id_column: Annotated[str | None, typer.Option(help="Foreign column holding the id")] = None,
    name_column: Annotated[str | None, typer.Option(help="Foreign column holding the name")] = None,
    type_column: Annotated[str | None, typer.Option(help="Foreign column holding the type")] = None,
    region_column: Annotated[
        str | None, typer.Option(help="Foreign column holding the region")
    ] = None,
    city_column: Annotated[str | None, typer.Option(help="Foreign column holding the city")] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", help="Type of every row (beats a Type column)")
    ] = None,
    member_of: Annotated[
        str | None, typer.Option(help="Make every row a member_of tie to this organization id")
    ] = None,
) -> None:
    """Load workbooks, files or folders into the store as one source, all or nothing.

    A load updates: it sets the values its rows give and keeps the others (an empty cell
    keeps the stored value; <clear> in a cell, or --replace, empties it). Each value keeps
    its source, file, line and time (maillage show). Foreign tables (a member list, a
    registry extract) load through a column mapping: --mapping FILE and/or --column,
    --constant, --*-column, --type and --member-of. Every problem is listed as
    FILE:LINE: column: message and the command exits with status 2, leaving the store
    exactly as it was (unless --skip-invalid).

    Example: maillage load membres.csv --source pole-mtl --type entreprise --member-of pole-mtl
    """
    names = (id_column, name_column, type_column, region_column, city_column)
    foreign = any(names) or any((mapping, member_of, org_type, column, constant))
    with opened(ctx) as store, progress_bar("Loading") as progress:
        if foreign:
            chosen = mapping_from_options(
                mapping, id_column=id_column, name_column=name_column, type_column=type_column,
                region_column=region_column, city_column=city_column, org_type=org_type,
                member_of=member_of, columns=column or (), constants=constant or (), missing=na,
            )  # fmt: skip
            outcome = load_mapped(
                paths, chosen, store, source=source, replace=replace, priority=priority,
                skip_invalid=skip_invalid, progress=progress,
            )  # fmt: skip
        else:
            outcome = load_workbook(
                paths, store, source=source, replace=replace, priority=priority, missing=na,
                skip_invalid=skip_invalid, progress=progress,
            )  # fmt: skip
    _loaded(outcome)


@cli.command("load-register")
def load_register_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="Folder of the register's open-data files, or one CSV extract")
    ],
    source: SourceOption = None,
    priority: PriorityOption = None,
    form: Annotated[
        list[str] | None,
        typer.Option(help="Legal form code to keep (repeat; default APE, COP, ASS)"),
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="Québec region code to keep (repeat; default all)")
    ] = None,
    struck_off: Annotated[
        bool, typer.Option(help="Keep struck-off organizations (tagged struck_off)")
    ] = True,
    skip_invalid: Annotated[
        bool, typer.Option(help="Load the valid rows; still list the others (status 2)")
    ] = False,
) -> None:
    """Import a social-economy extract of Québec's enterprise register: the open-data folder
    (Entreprise.csv, Nom.csv, Etablissements.csv, FusionScissions.csv) or one CSV table
    with a row per enterprise (the register preset: NEQ, name, legal form, address; see
    the README). The NEQ is the organization's strong key; the register's name is kept as
    legal_name and never replaces a display name another source gave. Struck-off
    organizations are tagged; mergers become founded ties.

    Example: maillage load-register ~/donnees/registre --region 06 --region 13
    """
    chosen = RegisterFilter(
        legal_forms=tuple(form or SOCIAL_ECONOMY_FORMS),
        regions=tuple(f"{int(r):02d}" if r.isdigit() else r for r in region or ()),
        include_struck_off=struck_off,
    )
    with opened(ctx) as store, progress_bar("Loading the register") as progress:
        outcome = load_register(
            path, store, chosen, source=source, priority=priority, skip_invalid=skip_invalid,
            progress=progress,
        )  # fmt: skip
    _loaded(outcome)


@cli.command()
def info(ctx: typer.Context, output: FormatOption = None) -> None:
    """Show the store, its counts by type and its data version.

    Example: maillage info --format json
    """
    with opened(ctx) as store:
        facts = store.info()
    counts = pd.DataFrame(
        [("organization", k, v) for k, v in facts.organizations_by_type.items()]
        + [("tie", k, v) for k, v in facts.ties_by_type.items()],
        columns=["kind", "type", "count"],
    )
    chosen = output_of(ctx, output)
    if chosen is Output.json:
        emit_document({**asdict(facts), "organizations": facts.organizations, "ties": facts.ties})
        return
    if chosen is Output.table:
        typer.echo(f"store: {facts.backend} ({facts.location})")
        typer.echo(f"data version: {facts.data_version}")
        typer.echo(f"organizations: {facts.organizations}    ties: {facts.ties}")
    emit(counts, chosen)


@cli.command()
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="File to write (a folder for csv)")],
    file_format: Annotated[ExportName, typer.Option("--format", help="File format")],
    audience: Annotated[Audience, typer.Option(help="Who will see the file")] = Audience.public,
    lang: Annotated[str, typer.Option("--lang", help="Language of the html map: fr or en")] = "fr",
    provenance: Annotated[
        bool, typer.Option(help="Add where each value comes from (a provenance column)")
    ] = False,
) -> None:
    """Export what an audience may see: csv (a workbook folder), xlsx, json (node-link),
    graphml, gexf (Gephi), kumu (XLSX), kumu-json, murmurations (profiles JSON), html (a
    standalone offline map of the 500 most connected organizations). --provenance adds, for
    each organization, where each value comes from (source, file:line, time).

    Example: maillage export --format graphml --audience public public-map.graphml
    """
    with opened(ctx) as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience.value))
        if provenance:
            orgs = with_provenance(store, orgs)
        written = write_export(orgs, ties, file_format.value, out, language=lang)
    typer.echo(
        f"Wrote {len(orgs)} organizations and {len(ties)} ties ({audience.value}) to "
        + ", ".join(str(p) for p in written)
    )


@cli.command()
def duplicates(
    ctx: typer.Context,
    threshold: Annotated[float, typer.Option(help="Lowest score shown (0-1)")] = 0.85,
    output: FormatOption = None,
) -> None:
    """Suggest organizations that are probably the same, for review: both names, cities,
    NEQs and sources side by side, a score and the evidence (same NEQ; names alike once
    case, accents, punctuation and legal suffixes are set aside; same city; a website
    domain, counting as much as it is rare). Two different NEQs are never proposed, nor a
    pair already refused. Write the table as CSV, fill in its decision column (accept,
    reject or later; keep says which id stays) and apply it with maillage merge --from.

    Example: maillage duplicates --format csv > review.csv
    """
    with opened(ctx) as store:
        emit(stewardship.duplicates(store, threshold=threshold), output_of(ctx, output))


@cli.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[str | None, typer.Argument(help="Id of the organization to keep")] = None,
    drop: Annotated[
        list[str] | None, typer.Argument(help="Ids of its duplicates, folded into it")
    ] = None,
    review: Annotated[
        Path | None,
        typer.Option("--from", help="A review file (maillage duplicates --format csv, filled in)"),
    ] = None,
) -> None:
    """Merge duplicates into one organization for good, keeping every tie, in one
    all-or-nothing write: the kept organization gathers every source's values (the usual
    rule decides between them) and the dropped ids send every later load to it. With
    --from, every accepted pair of a review file is merged and every rejected pair
    remembered (never proposed again), in one transaction.

    Example: maillage merge --from review.csv
    """
    if (review is None) == (keep is None):
        fail("give KEEP DROP... or --from REVIEW.csv", status=2)
    with opened(ctx) as store:
        if review is not None:
            done = stewardship.apply_review_file(review, store)
        else:
            done = stewardship.merge(store, str(keep), drop or [])
    typer.echo(
        f"Merged {len(done.removed)} organizations into {len(done.kept)}, "
        f"{done.rejected} pairs refused: {done.ties_moved} ties re-pointed "
        f"(data version {done.data_version})."
    )
    for notice in done.notices:
        typer.echo(f"note: {notice}", err=True)
