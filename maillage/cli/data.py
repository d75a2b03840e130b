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
from maillage.services.loading import load_mapped, load_register, load_workbook

#: The export formats as the choices of ``--format``.
ExportName = StrEnum(  # type: ignore[misc]  # built from the registry, one member per format
    "ExportName", {name.replace("-", "_"): name for name in EXPORT_FORMATS}
)


def _loaded(organizations: int, ties: int, version: str) -> None:
    typer.echo(f"Loaded {organizations} organizations and {ties} ties (data version {version}).")


@cli.command()
def load(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Workbook folders, CSV/XLSX, GraphML, GEXF or JSON files")
    ],
    skip_invalid: Annotated[
        bool, typer.Option(help="Load the valid rows; still list the others (status 2)")
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option(help="TOML column mapping for foreign tables")
    ] = None,
    id_column: Annotated[str | None, typer.Option(help="Foreign column holding the id")] = None,
    name_column: Annotated[str | None, typer.Option(help="Foreign column holding the name")] = None,
    type_column: Annotated[str | None, typer.Option(help="Foreign column holding the type")] = None,
    region_column: Annotated[
        str | None, typer.Option(help="Foreign column holding the region")
    ] = None,
    city_column: Annotated[str | None, typer.Option(help="Foreign column holding the city")] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", help="Type of every row (enterprise, network, ...)")
    ] = None,
    member_of: Annotated[
        str | None, typer.Option(help="Make every row a member_of tie to this organization id")
    ] = None,
) -> None:
    """Load workbooks, files or folders into the store, all or nothing.

    Foreign tables (a member list, a registry extract) load through a column mapping:
    --mapping FILE and/or the --*-column, --type and --member-of options. Every problem is
    listed as FILE:LINE: column: message and the command exits with status 2, leaving the
    store exactly as it was (unless --skip-invalid).

    Example: maillage load membres.csv --name-column Nom --type entreprise --member-of pole-mtl
    """
    columns = (id_column, name_column, type_column, region_column, city_column)
    foreign = mapping is not None or member_of is not None or org_type is not None
    with opened(ctx) as store, progress_bar("Loading") as progress:
        if foreign or any(columns):
            chosen = mapping_from_options(
                mapping, id_column=id_column, name_column=name_column,
                type_column=type_column, region_column=region_column,
                city_column=city_column, org_type=org_type, member_of=member_of,
            )  # fmt: skip
            outcome = load_mapped(
                paths, chosen, store, skip_invalid=skip_invalid, progress=progress
            )
        else:
            outcome = load_workbook(paths, store, skip_invalid=skip_invalid, progress=progress)
    _loaded(outcome.result.organizations, outcome.result.ties, outcome.result.data_version)
    if outcome.skipped:
        typer.echo(f"Skipped {len(outcome.skipped)} invalid rows:", err=True)
        typer.echo("\n".join(str(problem) for problem in outcome.skipped), err=True)
        raise typer.Exit(2)


@cli.command("load-register")
def load_register_command(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder of the register's open-data CSV files")],
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
    """Import a social-economy extract of Québec's enterprise register (Données Québec open
    data: Entreprise.csv, Nom.csv, Etablissements.csv, FusionScissions.csv), streaming the
    files; struck-off organizations are tagged, mergers become founded ties.

    Example: maillage load-register ~/donnees/registre --region 06 --region 13
    """
    chosen = RegisterFilter(
        legal_forms=tuple(form or SOCIAL_ECONOMY_FORMS),
        regions=tuple(f"{int(r):02d}" if r.isdigit() else r for r in region or ()),
        include_struck_off=struck_off,
    )
    with opened(ctx) as store, progress_bar("Loading the register") as progress:
        result = load_register(folder, store, chosen, skip_invalid=skip_invalid, progress=progress)
    _loaded(result.organizations, result.ties, result.data_version)


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
) -> None:
    """Export what an audience may see: csv (a workbook folder), xlsx, json (node-link),
    graphml, gexf (Gephi), kumu (XLSX), kumu-json, murmurations (profiles JSON), html (a
    standalone offline map of the 500 most connected organizations).

    Example: maillage export --format graphml --audience public public-map.graphml
    """
    with opened(ctx) as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience.value))
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
    """Suggest organizations that are probably the same (same NEQ, names alike once case,
    accents, punctuation and legal suffixes are set aside, same city or website), with a
    score and the evidence. Stewards see every visibility.

    Example: maillage duplicates --threshold 0.9 --format csv
    """
    with opened(ctx) as store:
        emit(stewardship.duplicates(store, threshold=threshold), output_of(ctx, output))


@cli.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="Id of the organization to keep")],
    drop: Annotated[list[str], typer.Argument(help="Ids of its duplicates, folded into it")],
) -> None:
    """Merge duplicates into one organization, keeping every tie, in one all-or-nothing write.

    The kept organization fills its empty fields from the others and records their ids in
    merged_from; their ties are re-pointed to it.

    Example: maillage merge 1143567890 auto-3f2a9c coop-eveil-2
    """
    with opened(ctx) as store:
        done = stewardship.merge(store, keep, drop)
    typer.echo(
        f"Merged {', '.join(done.removed)} into {done.kept}: {done.ties_moved} ties re-pointed "
        f"(data version {done.data_version})."
    )
