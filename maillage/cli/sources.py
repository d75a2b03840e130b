"""Commands about sources and provenance: show, sources, conflicts, unload."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from maillage.cli.shell import FormatOption, Part, cli, emit, emit_sections, opened, output_of
from maillage.services import sources as ledger


@cli.command()
def show(
    ctx: typer.Context,
    organization: Annotated[str, typer.Argument(help="Id or name (any name it has had)")],
    output: FormatOption = None,
) -> None:
    """Show an organization with every value each source gave it: the source, the file and
    line, when; the value shown comes first (shown = yes). Stewards see every visibility.

    Example: maillage show "Coop Nitaskinan"
    """
    with opened(ctx) as store:
        found = ledger.provenance(store, organization)
    claims = found.claims.assign(shown=found.claims["shown"].map({True: "yes", False: ""}))
    merged = pd.DataFrame({"id": found.merged})
    emit_sections(
        {
            "values": Part(f"{found.name} ({found.id})", "every value and its source", claims),
            "ties": Part("ties", "with the sources that assert them", found.ties),
            "merged": Part("merged into it", "organizations folded into this one", merged),
        },
        output_of(ctx, output),
    )


@cli.command("sources")
def list_sources(ctx: typer.Context, output: FormatOption = None) -> None:
    """List the sources loaded: organizations, ties and values each one gives, its
    priority in conflicts, its files, when it was first and last loaded.

    Example: maillage sources --format csv
    """
    with opened(ctx) as store:
        emit(ledger.sources(store), output_of(ctx, output))


@cli.command()
def conflicts(ctx: typer.Context, output: FormatOption = None) -> None:
    """List the values sources disagree on: the value shown and where it comes from, and
    every other value with its source. The rule: the source with the higher --priority
    wins; among equal priorities (0 unless set) the most recently given value wins.

    Example: maillage conflicts --format csv > conflicts.csv
    """
    with opened(ctx) as store:
        emit(ledger.conflicts(store), output_of(ctx, output))


@cli.command()
def unload(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source's name (see maillage sources)")],
) -> None:
    """Take a source back out, in one transaction: what only it asserted goes (its values,
    the organizations and ties no other source describes), other sources' values show
    again. Merges and refusals stay.

    Example: maillage unload "membres-2025.csv"
    """
    with opened(ctx) as store:
        done = ledger.unload(store, source)
    typer.echo(
        f"Unloaded {done.source}: {done.organizations_removed} organizations and "
        f"{done.ties_removed} ties removed, {done.organizations_changed} organizations changed "
        f"(data version {done.data_version})."
    )
