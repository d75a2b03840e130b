"""Commands on memberships and the whole network: health, memberships, overlap, comembership,
recruitment."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from maillage.cli.shell import (
    AsOfOption,
    Audience,
    AudienceOption,
    FormatOption,
    LangOption,
    Output,
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
from maillage.services import network
from maillage.services.views import read_view

TiesOption = Annotated[
    str | None,
    typer.Option(
        "--ties", help="Tie types read as memberships, comma-separated [default: member_of,funds]"
    ),
]


def _types(text: str | None) -> list[str] | None:
    return text.split(",") if text else None


@cli.command()
def health(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    since: Annotated[
        str | None,
        typer.Option(help="Compare with this earlier date [default: a year before --as-of]"),
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Show how each number moved")
    ] = True,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    seed: SeedOption = 0,
    limit: Annotated[
        int, typer.Option(help="Rows per section in a table (csv/json: all)", callback=at_least(1))
    ] = 15,
    output: FormatOption = None,
) -> None:
    """The network health scorecard: the stage the network is in (scattered clusters,
    hub and spoke, multi-hub, core and periphery), k-cores, core-periphery fit, E-I
    index by region, type and sector, reciprocity, concentration of brokerage,
    articulation points; each number with what it means and how it moved.

    Example: maillage health --as-of 2025-12-31 --since 2024-12-31 --lang fr
    """
    with opened(ctx) as store:
        report = network.health(
            store,
            audience=audience.value,
            as_of=as_of_day(as_of),
            since=day(since) if since else None,
            compare_with_past=compare,
            seed=seed,
        )
        names = read_view(store, audience=audience.value, as_of=as_of_day(as_of)).names()
    name, meaning = network.stage_text(report.now.stage, lang)
    stage = pd.DataFrame(
        {
            "stage": [report.now.stage],
            "name": [name],
            "meaning": [meaning],
            "before": [report.before.stage if report.before else None],
        }
    )
    table = report.table.reset_index()
    numbers = [c for c in ("value", "expected", "before", "change") if c in table.columns]
    table[numbers] = table[numbers].round(4)
    table.insert(1, "name", [network.measure_name(m, lang) for m in table["measure"]])
    table["meaning"] = [network.measure_meaning(m, lang) for m in table["measure"]]
    organizations = report.now.organizations
    cuts = organizations[organizations["cut_off"] > 0].sort_values(
        "cut_off", ascending=False, kind="stable"
    )
    # Each organization's part: its core number, whether it is in the core, its E-I
    # indices, what it alone holds together; the deepest cores first.
    ranked = organizations.sort_values(
        ["coreness", "core", "cut_off"], ascending=False, kind="stable"
    ).round(4)
    when = f"{report.as_of or 'every date'}" + (f" ← {report.since}" if report.since else "")
    parts = {
        "stage": Part(when, meaning, stage),
        "scorecard": Part(when, "", table),
        "ei_groups": Part(when, network.measure_meaning("ei_region", lang), report.now.groups),
        "organizations": Part(
            when,
            network.measure_meaning("degeneracy", lang),
            _named(ranked, names),
        ),
        "articulation_points": Part(
            when,
            network.measure_meaning("articulation_points", lang),
            _named(cuts[["cut_off"]], names),
        ),
    }
    emit_sections(parts, output_of(ctx, output), limit=limit)


def _named(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    named = rows.rename_axis("id").reset_index()
    named.insert(1, "name", [names.get(i, i) for i in named["id"]])
    return named


@cli.command()
def memberships(
    ctx: typer.Context,
    mode: Annotated[
        str | None, typer.Option(help="Only members (member) or only networks (group)")
    ] = None,
    top: Annotated[int | None, typer.Option(help="Only the N first", callback=at_least(1))] = None,
    ties: TiesOption = None,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    seed: SeedOption = 0,
    output: FormatOption = None,
) -> None:
    """Memberships as a two-mode network: degree, closeness and betweenness of each
    member and each network, normalized as Borgatti & Everett (1997) do (against the
    largest value possible given how many members and networks there are).

    Example: maillage memberships --mode group --top 10
    """
    if mode not in (None, "member", "group"):
        raise typer.BadParameter("--mode is member or group")
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        rows = network.centrality(view, tie_types=_types(ties), seed=seed)
    if mode is not None:
        rows = rows[rows["mode"] == mode]
    if rows.attrs.get("betweenness") == "sampled":
        typer.echo(
            f"betweenness estimated from {rows.attrs['betweenness_samples']} sampled sources",
            err=True,
        )
    emit(rows if top is None else rows.head(top), output_of(ctx, output))


@cli.command()
def overlap(
    ctx: typer.Context,
    network_id: Annotated[
        str | None, typer.Option("--network", help="Only pairs with this network (id or name)")
    ] = None,
    min_shared: Annotated[
        int, typer.Option(help="Only pairs sharing at least N members", callback=at_least(1))
    ] = 1,
    top: TopOption = 20,
    ties: TiesOption = None,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """Networks that share members: how many, what share of both (Jaccard), and who the
    shared members are: the interlocks that make a coalition.

    Example: maillage overlap --network pole-es-montreal --top 10
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        rows = network.overlap(
            view, network=network_id, tie_types=_types(ties), min_shared=min_shared
        )
    chosen = output_of(ctx, output)
    shown = rows.drop(columns="members").head(top)
    if chosen is Output.table:  # a screen holds a few names; csv and json keep them all
        shown = shown.assign(member_names=[_few(names) for names in shown["member_names"]])
    emit(shown.assign(jaccard=shown["jaccard"].round(4)), chosen)


def _few(names: str, most: int = 4) -> str:
    listed = names.split(", ")
    more = len(listed) - most
    return ", ".join(listed[:most]) + (f" (+{more})" if more > 0 else "")


@cli.command()
def comembership(
    ctx: typer.Context,
    for_id: Annotated[
        str | None, typer.Option("--for", help="Only the co-members of this organization")
    ] = None,
    top: TopOption = 20,
    ties: TiesOption = None,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    output: FormatOption = None,
) -> None:
    """Organizations that meet in the same networks, strongest first: each shared
    network weighs 1/(members − 1) (Newman 2001), so sharing a small network counts
    more than sharing a federation of hundreds.

    Example: maillage comembership --for "Coop du Quartier" --top 10
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        rows = network.comembership(view, organization=for_id, tie_types=_types(ties), top=top)
    shown = rows.drop(columns="networks")
    emit(shown.assign(weight=shown["weight"].round(4)), output_of(ctx, output))


@cli.command()
def recruitment(
    ctx: typer.Context,
    network_id: Annotated[str, typer.Argument(help="The recruiting network (id or name)")],
    top: TopOption = 20,
    ties: TiesOption = None,
    as_of: AsOfOption = None,
    audience: AudienceOption = Audience.public,
    lang: LangOption = "en",
    output: FormatOption = None,
) -> None:
    """Recruitment targets of a network: organizations not yet members, the most like
    its members first (region, type, sector, legal form, memberships elsewhere), with
    the reasons.

    Example: maillage recruitment pole-es-montreal --top 20 --lang fr
    """
    with opened(ctx) as store:
        view = read_view(store, audience=audience.value, as_of=as_of_day(as_of))
        rows = network.recruitment(view, network_id, tie_types=_types(ties), top=top)
    members = rows.attrs.get("members", 0)
    typer.echo(f"{members} members; non-members most like them first", err=True)
    shown = rows.assign(
        score=rows["score"].round(4),
        reasons=[network.reasons_text(r, lang) for r in rows["reasons"]],
    )
    columns = ["id", "name", "type", "region", "sector", "legal_form", "score", "reasons"]
    emit(shown[[c for c in columns if c in shown.columns]], output_of(ctx, output))
