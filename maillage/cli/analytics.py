"""Commands of strategists and members: metrics, gaps, opportunities, path, ego, diff."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from maillage.cli.shell import (
    AsOfOption,
    Audience,
    AudienceOption,
    EveryDateOption,
    FormatOption,
    LangOption,
    Part,
    SeedOption,
    TopOption,
    as_of_day,
    at_least,
    cli,
    day,
    emit,
    emit_sections,
    opened,
    output_of,
)
from maillage.services import analyses, network
from maillage.services.views import read_view


@cli.command()
def metrics(
    ctx: typer.Context,
    top: Annotated[
        int | None, typer.Option(help="Only the N highest by --sort", callback=at_least(1))
    ] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", help="Only organizations of this type")
    ] = None,
    sort: Annotated[str, typer.Option(help="Column that ranks the rows")] = "betweenness",
    as_of: AsOfOption = None,
    every_date: EveryDateOption = False,
    audience: AudienceOption = Audience.public,
    exact: Annotated[bool, typer.Option(help="Exact betweenness even on large graphs")] = False,
    samples: Annotated[
        int | None,
        typer.Option(help="Estimate betweenness from N sampled sources", callback=at_least(1)),
    ] = None,
    seed: SeedOption = 0,
    weighted: Annotated[bool, typer.Option(help="Use tie weights")] = False,
    roles_by: Annotated[
        str, typer.Option(help="Grouping for brokerage roles: type or region")
    ] = "type",
    write_back: Annotated[
        bool, typer.Option(help="Also store the metrics as organization properties")
    ] = False,
    lang: LangOption = "en",
    output: FormatOption = None,
) -> None:
    """One row per organization: centrality, brokerage, community (named by its main
    region, type, sector and hub), broker role. Organizations with no tie come last;
    a measure equal for every organization is pointed out on standard error.

    Betweenness is estimated from a seeded sample of sources above 5,000 organizations
    unless --exact (the sample size is printed on standard error).

    Example: maillage metrics --type international_partner --top 20 --as-of 2024-12-31
    """
    with opened(ctx) as store:
        view = read_view(
            store, audience=audience.value, as_of=as_of_day(as_of, every_date), weighted=weighted
        )
        table = analyses.metrics(view, exact=exact, samples=samples, seed=seed, roles_by=roles_by)
        rows = analyses.top_organizations(table, sort=sort, org_type=org_type, top=top)
        rows = analyses.with_community_labels(
            rows, analyses.profiles(view, seed=seed), lang, ("community",)
        )
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
    for note in analyses.constant_notes(table, lang):
        typer.echo(note, err=True)
    emit(rows, output_of(ctx, output))


@cli.command()
def gaps(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    seed: SeedOption = 0,
    limit: Annotated[
        int,
        typer.Option(
            help="Rows shown per section in a table (csv/json: all)", callback=at_least(1)
        ),
    ] = 15,
    output: FormatOption = None,
) -> None:
    """The gap report: isolated organizations, enterprises in no network, region × type
    gaps, structural holes between communities (and who could bridge them), single points
    of failure, international coverage by continent. A section the data cannot answer
    (no member_of ties, no regions, no home-country organizations) says so instead.

    Example: maillage gaps --lang fr --format json
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        sections = analyses.gap_sections(view, language=lang, seed=seed)
    parts = {s.key: Part(s.title, s.explanation, s.table, s.skipped) for s in sections}
    emit_sections(parts, output_of(ctx, output), limit=limit)


@cli.command()
def opportunities(
    ctx: typer.Context,
    for_id: Annotated[
        str | None, typer.Option("--for", help="Only opportunities of this organization")
    ] = None,
    between: Annotated[
        str | None, typer.Option(help="Only pairs of these two types, e.g. enterprise,funder")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only pairs within this region")] = None,
    top: TopOption = 20,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    seed: SeedOption = 0,
    output: FormatOption = None,
) -> None:
    """Ranked alliance opportunities: pairs not yet tied, with reasons and the introduction
    path (via). Pairs already tied are never suggested.

    Example: maillage opportunities --for chantier-es --top 10
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        table = analyses.opportunities(
            view,
            for_id=for_id,
            between=analyses.type_pair(between) if between else None,
            region=analyses.region_of(region) if region else None,
            top=top,
            seed=seed,
        )
    rows = table.assign(
        score=table["score"].round(4),
        reasons=table["reasons_fr" if lang == "fr" else "reasons"],
        via_ids=[" → ".join(map(str, ids)) for ids in table["via"]],
    )
    columns = ["source", "target", "target_name", "score", "reasons", "via_names", "via_ids"]
    emit(rows[columns].rename(columns={"via_names": "via"}), output_of(ctx, output))


@cli.command()
def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Organization id or name")],
    target: Annotated[str, typer.Argument(help="Organization id or name")],
    limit: Annotated[int, typer.Option(help="Most paths to list", callback=at_least(1))] = 10,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """Shortest introduction paths between two organizations (all of them, up to --limit).

    Paths only pass through organizations and ties the audience may see.

    Example: maillage path "Chantier de l'économie sociale" ripess-na
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        table = analyses.paths(view, source, target, limit=limit)
    if table.empty:
        typer.echo("No introduction path: they are not connected.", err=True)
    rows = table.assign(ids=[" → ".join(map(str, ids)) for ids in table["ids"]])
    emit(rows[["path", "hops", "names", "ids"]], output_of(ctx, output))
    if table.attrs.get("truncated"):
        typer.echo(f"More paths exist; showing {limit} (--limit).", err=True)


@cli.command()
def ego(
    ctx: typer.Context,
    center: Annotated[str, typer.Argument(help="Organization id or name")],
    hops: Annotated[int, typer.Option(help="How many ties away", callback=at_least(0))] = 1,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """An organization's neighbourhood: who is within --hops ties, nearest first.

    The store reads only that neighbourhood (on Neo4j, in Cypher).

    Example: maillage ego tiess --hops 2
    """
    with opened(ctx) as store:
        _, members, _, _ = analyses.ego(
            store, center, hops=hops, audience=audience.value, as_of=as_of_day(as_of)
        )
    emit(members.reset_index(drop="id" in members.columns), output_of(ctx, output))


@cli.command()
def diff(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="Earlier date (YYYY-MM-DD or YYYY)")],
    end: Annotated[str, typer.Option("--to", help="Later date (YYYY-MM-DD or YYYY)")],
    top: TopOption = 20,
    by: Annotated[str, typer.Option(help="Metric whose change ranks movers")] = "betweenness",
    audience: AudienceOption = Audience.public,
    seed: SeedOption = 0,
    lang: LangOption = "en",
    output: FormatOption = None,
) -> None:
    """What changed between two dates: ties gained and lost, organizations whose
    centrality moved most, communities merged or split (named by what dominates them),
    and how the health scorecard and the network's stage moved.

    Example: maillage diff --from 2015 --to 2025 --top 10
    """
    with opened(ctx) as store:
        change = analyses.diff(
            store, day(start), day(end), by=by, top=top, audience=audience.value, seed=seed
        )
        health = network.health(
            store, audience=audience.value, as_of=day(end), since=day(start), seed=seed
        )
    when = f"{change.start} → {change.end}"
    scorecard = health.table.reset_index()[["measure", "before", "value", "change"]]
    parts = {
        "ties_gained": Part(
            when, "", change.ties_gained.drop(columns="properties", errors="ignore")
        ),
        "ties_lost": Part(when, "", change.ties_lost.drop(columns="properties", errors="ignore")),
        "movers": Part(f"by {by}", "", change.movers.rename_axis("id").reset_index()),
        "community_changes": Part(when, "", analyses.labelled_changes(change, lang)),
        "health": Part(
            " → ".join(
                network.stage_text(found.stage, lang)[0]
                for found in (health.before or health.now, health.now)
            ),
            "",
            scorecard.round(4),
        ),
    }
    emit_sections(parts, output_of(ctx, output), limit=top)


def _without_properties(ties: pd.DataFrame) -> pd.DataFrame:
    return ties.drop(columns="properties", errors="ignore")
