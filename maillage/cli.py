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
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import pandas as pd
import typer

from maillage.ground.tables import Progress
from maillage.loaders.problems import InvalidInput
from maillage.queries.store import GraphQuery, Store, StoreError

if TYPE_CHECKING:
    from maillage.services.views import View

APP_FILE = Path(__file__).resolve().parent / "app.py"


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
    gexf = "gexf"
    kumu = "kumu"
    kumu_json = "kumu-json"
    murmurations = "murmurations"
    html = "html"


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

    Example: maillage --db ecosystem.db load my-workbook/ && maillage --db ecosystem.db info
    """
    settings.db, settings.neo4j, settings.output = db, neo4j, output


@contextmanager
def opened_store() -> Iterator[Store]:
    """The store the global options name; store errors end the command with status 1."""
    from maillage.queries.connect import open_store

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


def fail(message: str, *, status: int) -> NoReturn:
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
    paths: Annotated[
        list[Path],
        typer.Argument(help="Workbook folders, CSV/XLSX, GraphML, GEXF or JSON files"),
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
    --mapping FILE and/or the --*-column, --type and --member-of options; rows without an
    id get a stable one from their name and city, and a missing region is inferred from
    the city or postal code. Every problem is listed as FILE:LINE: column: message and the
    command exits with status 2, leaving the store exactly as it was (unless
    --skip-invalid).

    Example: maillage load membres.csv --name-column Nom --type entreprise --member-of pole-mtl
    """
    from maillage.loaders.mapping import MappingError, load_mapped, mapping_from_options
    from maillage.loaders.workbook import load_workbook

    foreign = (id_column, name_column, type_column, region_column, city_column, org_type)
    with opened_store() as store, progress_bar("Loading") as progress:
        try:
            if mapping is not None or member_of is not None or any(foreign):
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
        except (MappingError, InvalidInput) as error:
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


@cli.command("load-register")
def load_register(
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
    from maillage.loaders.register import (
        SOCIAL_ECONOMY_FORMS,
        RegisterError,
        RegisterFilter,
    )
    from maillage.loaders.register import load_register as import_register

    chosen = RegisterFilter(
        legal_forms=tuple(form or SOCIAL_ECONOMY_FORMS),
        regions=tuple(f"{int(r):02d}" if r.isdigit() else r for r in region or ()),
        include_struck_off=struck_off,
    )
    with opened_store() as store, progress_bar("Loading the register") as progress:
        try:
            result = import_register(
                folder, store, chosen, skip_invalid=skip_invalid, progress=progress
            )
        except (RegisterError, InvalidInput) as error:
            fail(str(error), status=2)
    typer.echo(
        f"Loaded {result.organizations} organizations and {result.ties} ties "
        f"(data version {result.data_version})."
    )


@cli.command()
def duplicates(
    threshold: Annotated[float, typer.Option(help="Lowest score shown (0-1)")] = 0.85,
    output: Annotated[Output | None, typer.Option("--format", help="table, csv or json")] = None,
) -> None:
    """Suggest organizations that are probably the same (same NEQ, names alike once case,
    accents, punctuation and legal suffixes are set aside, same city or website), with a
    score and the evidence. Stewards see every visibility.

    Example: maillage duplicates --threshold 0.9 --format csv
    """
    from maillage.loaders.duplicates import suggest_duplicates

    with opened_store() as store:
        orgs, _ = store.read_graph(GraphQuery(audience="private"))
    emit(suggest_duplicates(orgs, threshold=threshold), output)


@cli.command()
def merge(
    keep: Annotated[str, typer.Argument(help="Id of the organization to keep")],
    drop: Annotated[list[str], typer.Argument(help="Ids of its duplicates, folded into it")],
) -> None:
    """Merge duplicates into one organization, keeping every tie, in one all-or-nothing write.

    The kept organization fills its empty fields from the others and records their ids in
    merged_from; their ties are re-pointed to it.

    Example: maillage merge 1143567890 auto-3f2a9c coop-eveil-2
    """
    from maillage.loaders.duplicates import merge_plan

    with opened_store() as store:
        orgs, ties = store.read_graph(GraphQuery(audience="private"))
        known = set(orgs["id"])
        missing = [org_id for org_id in (keep, *drop) if org_id not in known]
        if missing:
            fail(f"unknown organization(s): {', '.join(missing)}", status=2)
        if keep in drop:
            fail("an organization cannot be merged into itself", status=2)
        upsert_orgs, upsert_ties, removed = merge_plan(orgs, ties, keep, drop)
        result = store.load(upsert_orgs, upsert_ties, remove_ids=removed)
    typer.echo(
        f"Merged {', '.join(removed)} into {keep}: {len(upsert_ties)} ties re-pointed "
        f"(data version {result.data_version})."
    )


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
    lang: Annotated[str, typer.Option("--lang", help="Language of the html map: fr or en")] = "fr",
) -> None:
    """Export what an audience may see: csv (a workbook folder), xlsx, json (node-link),
    graphml, gexf (Gephi), kumu (XLSX), kumu-json, murmurations (profiles JSON), html (a
    standalone offline map of the 500 most connected organizations).

    Example: maillage export --format graphml --audience public public-map.graphml
    """
    from maillage.loaders import export as writers

    with opened_store() as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience.value))
    if file_format is ExportFormat.csv:
        written = writers.write_csv_workbook(orgs, ties, out)
    elif file_format is ExportFormat.xlsx:
        written = [writers.write_xlsx_workbook(orgs, ties, out)]
    elif file_format is ExportFormat.json:
        written = [writers.write_json(orgs, ties, out)]
    elif file_format is ExportFormat.gexf:
        from maillage.loaders.formats.gexf import write_gexf

        written = [write_gexf(orgs, ties, out)]
    elif file_format is ExportFormat.html:
        from maillage.ui.standalone import map_page

        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(map_page(orgs, ties, language=lang), encoding="utf-8")
        written = [out]
    elif file_format is ExportFormat.kumu:
        from maillage.loaders.formats.kumu import write_kumu_xlsx

        written = [write_kumu_xlsx(orgs, ties, out)]
    elif file_format is ExportFormat.kumu_json:
        from maillage.loaders.formats.kumu import write_kumu_json

        written = [write_kumu_json(orgs, ties, out)]
    elif file_format is ExportFormat.murmurations:
        from maillage.loaders.formats.murmurations import write_murmurations

        written = [write_murmurations(orgs, ties, out)]
    else:
        written = [writers.write_graphml(orgs, ties, out)]
    typer.echo(
        f"Wrote {len(orgs)} organizations and {len(ties)} ties ({audience.value}) to "
        + ", ".join(str(p) for p in written)
    )


AudienceOption = Annotated[
    Audience, typer.Option(help="Who is looking: each sees only what is at or below its level")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Date of the graph (YYYY-MM-DD or YYYY) [default: today]"),
]
FormatOption = Annotated[Output | None, typer.Option("--format", help="table, csv or json")]
LangOption = Annotated[str, typer.Option("--lang", help="Language of explanations: en or fr")]


def view_for(
    store: Store, audience: Audience, as_of: str | None, *, weighted: bool = False
) -> View:
    """The graph the audience sees at the date (today by default)."""
    from maillage.services.views import read_view

    day = parse_date(as_of) or dt.date.today()
    return read_view(store, audience=audience.value, as_of=day, weighted=weighted)


def lookup(view: View, text: str) -> str:
    """The id the user means, or exit 2 saying why."""
    from maillage.services.views import UnknownOrganization, resolve

    try:
        return resolve(view.orgs, text)
    except UnknownOrganization as error:
        fail(str(error), status=2)


@cli.command()
def metrics(
    top: Annotated[int | None, typer.Option(help="Only the N highest by --sort")] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", help="Only organizations of this type")
    ] = None,
    sort: Annotated[str, typer.Option(help="Column that ranks the rows")] = "betweenness",
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    exact: Annotated[bool, typer.Option(help="Exact betweenness even on large graphs")] = False,
    samples: Annotated[
        int | None, typer.Option(help="Estimate betweenness from N sampled sources")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of sampling and communities")] = 0,
    weighted: Annotated[bool, typer.Option(help="Use tie weights")] = False,
    roles_by: Annotated[
        str, typer.Option(help="Grouping for brokerage roles: type or region")
    ] = "type",
    write_back: Annotated[
        bool, typer.Option(help="Also store the metrics as organization properties")
    ] = False,
    output: FormatOption = None,
) -> None:
    """One row per organization: centrality, brokerage, community, broker role.

    Betweenness is estimated from a seeded sample of sources above 5,000 organizations
    unless --exact (the sample size is printed on standard error).

    Example: maillage metrics --type international_partner --top 20 --as-of 2024-12-31
    """
    from maillage.ground.vocabulary import organization_type
    from maillage.services.views import metrics_table

    wanted = None
    if org_type is not None:
        wanted = organization_type(org_type)
        if wanted is None:
            fail(f"unknown organization type {org_type!r}", status=2)
    with opened_store() as store:
        view = view_for(store, audience, as_of, weighted=weighted)
        samples_option: int | str | None = None if exact else (samples or "auto")
        table = metrics_table(
            view, betweenness_samples=samples_option, seed=seed, weighted=weighted,
            roles_by=roles_by,
        )  # fmt: skip
        if write_back:
            written = store.write_metrics(
                table.drop(columns=["id", "name", "type", "region", "country"])
            )
            typer.echo(f"Wrote metrics of {written} organizations to the store.", err=True)
    if table.attrs.get("betweenness") == "sampled":
        typer.echo(
            f"betweenness estimated from {table.attrs['betweenness_samples']} sampled sources "
            f"(seed {table.attrs.get('seed', seed)}); --exact for the exact value",
            err=True,
        )
    if sort not in table.columns:
        fail(f"cannot sort by {sort!r}; columns: {', '.join(table.columns)}", status=2)
    rows = table if wanted is None else table[table["type"] == wanted]
    rows = rows.sort_values([sort, "id"], ascending=[False, True], kind="stable")
    emit(rows if top is None else rows.head(top), output)


@cli.command()
def gaps(
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    seed: Annotated[int, typer.Option(help="Seed of community detection")] = 0,
    limit: Annotated[
        int, typer.Option(help="Rows shown per section in a table (csv/json: all)")
    ] = 15,
    output: FormatOption = None,
) -> None:
    """The gap report: isolated organizations, enterprises in no network, region × type
    gaps, structural holes between communities (and who could bridge them), single points
    of failure, international coverage by continent.

    Example: maillage gaps --lang fr --format json
    """
    from maillage.graph.gaps import gap_report
    from maillage.services.views import metrics_table

    with opened_store() as store:
        view = view_for(store, audience, as_of)
        community = metrics_table(view, seed=seed)["community"]
        sections = view.cached(
            "gaps", {"seed": seed}, lambda: gap_report(view.G, community=community, seed=seed)
        )
    output = output or settings.output
    french = lang.lower().startswith("fr")
    if output is Output.json:
        document = {
            section.key: {
                "title": section.title_fr if french else section.title_en,
                "explanation": section.explanation_fr if french else section.explanation_en,
                "rows": json.loads(section.table.to_json(orient="records", force_ascii=False)),
            }
            for section in sections
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    for section in sections:
        title = section.title_fr if french else section.title_en
        explanation = section.explanation_fr if french else section.explanation_en
        typer.echo(f"# {section.key}: {title}\n# {explanation}")
        shown = section.table if output is not Output.table else section.table.head(limit)
        emit(shown, output)
        if len(shown) < len(section.table):
            typer.echo(f"... {len(section.table) - len(shown)} more (--limit, --format csv)")
        typer.echo("")


@cli.command()
def opportunities(
    for_id: Annotated[
        str | None, typer.Option("--for", help="Only opportunities of this organization")
    ] = None,
    between: Annotated[
        str | None, typer.Option(help="Only pairs of these two types, e.g. enterprise,funder")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only pairs within this region")] = None,
    top: Annotated[int, typer.Option(help="How many pairs")] = 20,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    seed: Annotated[int, typer.Option(help="Seed of community detection")] = 0,
    output: FormatOption = None,
) -> None:
    """Ranked alliance opportunities: pairs not yet tied, with reasons and the introduction
    path (via). Pairs already tied are never suggested.

    Example: maillage opportunities --for chantier-es --top 10
    """
    from maillage.graph.opportunities import opportunities as rank
    from maillage.ground.regions import region_code
    from maillage.ground.vocabulary import organization_type
    from maillage.services.views import metrics_table

    pair = None
    if between is not None:
        words = [w for w in between.split(",") if w.strip()]
        kinds = [organization_type(w) for w in words]
        if len(kinds) != 2 or None in kinds:
            fail("--between needs two organization types, e.g. enterprise,funder", status=2)
        pair = (str(kinds[0]), str(kinds[1]))
    wanted_region = None
    if region is not None:
        wanted_region = region_code(region)
        if wanted_region is None:
            fail(f"unknown region {region!r}", status=2)
    with opened_store() as store:
        view = view_for(store, audience, as_of)
        source = lookup(view, for_id) if for_id is not None else None
        community = metrics_table(view, seed=seed)["community"]
        options = {"for": source, "between": pair, "region": wanted_region, "top": top}
        table = view.cached(
            "opportunities",
            {**options, "seed": seed},
            lambda: rank(
                view.G,
                for_id=source,
                between=pair,
                region=wanted_region,
                top=top,
                community=community,
                seed=seed,
            ),
        )
    names = dict(zip(view.orgs["id"], view.orgs["name"], strict=True))
    french = lang.lower().startswith("fr")
    rows = pd.DataFrame(
        {
            "source": table["source"],
            "target": table["target"],
            "target_name": [names.get(t, t) for t in table["target"]],
            "score": table["score"].round(4),
            "reasons": table["reasons_fr" if french else "reasons"],
            "via": [" → ".join(str(names.get(i, i)) for i in path) for path in table["via"]],
            "via_ids": [" → ".join(map(str, path)) for path in table["via"]],
        }
    )
    emit(rows, output)


@cli.command()
def path(
    source: Annotated[str, typer.Argument(help="Organization id or name")],
    target: Annotated[str, typer.Argument(help="Organization id or name")],
    limit: Annotated[int, typer.Option(help="Most paths to list")] = 10,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """Shortest introduction paths between two organizations (all of them, up to --limit).

    Paths only pass through organizations and ties the audience may see.

    Example: maillage path "Chantier de l'économie sociale" ripess-na
    """
    from maillage.graph.paths import introduction_paths

    with opened_store() as store:
        view = view_for(store, audience, as_of)
    table = introduction_paths(view.G, lookup(view, source), lookup(view, target), limit=limit)
    if table.empty:
        typer.echo("No introduction path: they are not connected.", err=True)
    rows = table.assign(ids=[" → ".join(map(str, ids)) for ids in table["ids"]])
    emit(rows[["path", "hops", "names", "ids"]], output)
    if table.attrs.get("truncated"):
        typer.echo(f"More paths exist; showing {limit} (--limit).", err=True)


@cli.command()
def ego(
    center: Annotated[str, typer.Argument(help="Organization id or name")],
    hops: Annotated[int, typer.Option(help="How many ties away")] = 1,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """An organization's neighbourhood: who is within --hops ties, nearest first.

    The store reads only that neighbourhood (on Neo4j, in Cypher).

    Example: maillage ego tiess --hops 2
    """
    from maillage.graph.build import alliance_graph
    from maillage.graph.paths import ego_members
    from maillage.services.views import UnknownOrganization, resolve

    day = parse_date(as_of) or dt.date.today()
    with opened_store() as store:
        # Names are resolved over the organizations alone (no ties): the read stays local.
        only_organizations = GraphQuery(audience=audience.value, as_of=day, tie_types=())
        everyone, _ = store.read_graph(only_organizations)
        try:
            focus = resolve(everyone, center)
        except UnknownOrganization as error:
            fail(str(error), status=2)
        orgs, ties = store.read_graph(
            GraphQuery(audience=audience.value, as_of=day, focus=focus, hops=hops)
        )
    members = ego_members(alliance_graph(orgs, ties), focus, hops=hops)
    emit(members.reset_index(drop="id" in members.columns), output)


@cli.command()
def diff(
    start: Annotated[str, typer.Option("--from", help="Earlier date (YYYY-MM-DD or YYYY)")],
    end: Annotated[str, typer.Option("--to", help="Later date (YYYY-MM-DD or YYYY)")],
    top: Annotated[int, typer.Option(help="How many movers")] = 20,
    by: Annotated[str, typer.Option(help="Metric whose change ranks movers")] = "betweenness",
    audience: AudienceOption = Audience.public,
    seed: Annotated[int, typer.Option(help="Seed of community detection")] = 0,
    output: FormatOption = None,
) -> None:
    """What changed between two dates: ties gained and lost, organizations whose
    centrality moved most, communities merged or split.

    Example: maillage diff --from 2015 --to 2025 --top 10
    """
    from maillage.graph.change import diff as compare

    first, last = parse_day(start), parse_day(end)
    with opened_store() as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience.value))
    change = compare(orgs, ties, start=first, end=last, by=by, top=top, seed=seed)
    output = output or settings.output
    parts = {
        "ties_gained": change.ties_gained.drop(columns="properties", errors="ignore"),
        "ties_lost": change.ties_lost.drop(columns="properties", errors="ignore"),
        "movers": change.movers.rename_axis("id").reset_index(),
        "community_changes": change.community_changes,
    }
    if output is Output.json:
        document = {
            name: json.loads(part.to_json(orient="records", force_ascii=False, default_handler=str))
            for name, part in parts.items()
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    typer.echo(
        f"# {change.start} → {change.end}: {len(change.ties_gained)} ties gained, "
        f"{len(change.ties_lost)} lost"
    )
    for name, part in parts.items():
        typer.echo(f"# {name}")
        emit(part.head(top) if name.startswith("ties") else part, output)
        typer.echo("")


@cli.command("hash-password")
def hash_password(
    audience: Annotated[
        Audience, typer.Argument(help="members or private (public needs no password)")
    ],
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (for scripts)")
    ] = False,
) -> None:
    """Ask for a new password for an audience and print its hash, ready to paste.

    The password is asked twice and never shown; only a salted scrypt hash is printed.
    Put the printed line in the environment of `maillage app`, or the same name and value
    in .streamlit/secrets.toml. The private password also opens members.

    Example: maillage hash-password members >> .env
    """
    from maillage.services.auth import hash_setting

    if audience is Audience.public:
        fail("public needs no password; choose members or private", status=2)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        # Prompts go to standard error, so `>> .env` captures only the setting line.
        password = typer.prompt(
            f"New {audience.value} password", hide_input=True, confirmation_prompt=True, err=True
        )
    try:
        line = hash_setting(audience.value, password)
    except ValueError as error:
        fail(str(error), status=2)
    typer.echo(line)


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
    from maillage.demo.synthetic import generate
    from maillage.loaders.workbook import load_tables
    from maillage.queries.sqlite_store import SQLiteStore

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
    if settings.neo4j:
        environment["NEO4J_URI"] = settings.neo4j
    elif settings.db:
        # An explicit --db wins over a NEO4J_URI in the environment, as in every command.
        environment["MAILLAGE_DB"] = str(Path(settings.db).resolve())
        environment.pop("NEO4J_URI", None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_FILE),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    typer.echo(f"Maillage explorer on http://127.0.0.1:{port}  (Ctrl+C to stop)")
    with suppress(KeyboardInterrupt):
        subprocess.run(command, env=environment, check=False)


def parse_date(text: str | None) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (or ``YYYY``, its last day), None for None."""
    return None if text is None else parse_day(text)


def parse_day(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD`` (or ``YYYY``, its last day), for --as-of style options."""
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
