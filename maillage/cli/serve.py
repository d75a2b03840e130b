"""Commands that serve the explorer or set it up: app, demo, hash-password."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from maillage.cli.shell import Audience, answering, cli, fail, progress_bar, shell
from maillage.services.auth import hash_setting
from maillage.services.demo import load_demo
from maillage.services.stores import StoreChoice

#: The explorer's Streamlit script, inside the installed package.
APP_FILE = Path(__file__).resolve().parents[1] / "app.py"

PortOption = Annotated[int, typer.Option(help="Port on localhost", min=1, max=65535)]


@cli.command()
def app(ctx: typer.Context, port: PortOption = 8501) -> None:
    """Start the explorer (Streamlit) on this store.

    Example: maillage --db ecosystem.db app --port 8502
    """
    raise typer.Exit(run_app(shell(ctx).store, port))


@cli.command()
def demo(
    ctx: typer.Context,
    port: PortOption = 8501,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic part")] = 2026,
    scale: Annotated[float, typer.Option(help="1.0 is Québec scale", min=0.001, max=100.0)] = 1.0,
    serve: Annotated[bool, typer.Option(help="Start the explorer after loading")] = True,
) -> None:
    """Load the demo ecosystem (real umbrellas + synthetic members) into the embedded store
    and start the explorer.

    Example: maillage --db demo.db demo --port 8501
    """
    chosen = shell(ctx).store
    if chosen.neo4j or os.environ.get("NEO4J_URI"):
        typer.echo("demo loads the embedded store; use 'load' to fill Neo4j.", err=True)
    path = chosen.embedded_path(default="demo.db")
    with answering(), StoreChoice(db=path).opened() as store, progress_bar("Loading") as progress:
        result = load_demo(store, seed=seed, scale=scale, progress=progress)
    typer.echo(
        f"Demo loaded into {path}: {result.organizations} organizations, {result.ties} ties."
    )
    if serve:
        raise typer.Exit(run_app(StoreChoice(db=path), port))


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
        typer.echo(hash_setting(audience.value, password))
    except ValueError as error:
        fail(str(error), status=2)


def run_app(choice: StoreChoice, port: int) -> int:
    """Run ``streamlit run app.py`` on the chosen store until it ends or this process is
    told to stop (SIGINT, SIGTERM, SIGHUP), which it passes on to Streamlit, waiting for it
    to end so that nothing is left listening; returns Streamlit's exit status."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_FILE),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    typer.echo(f"Maillage explorer on http://127.0.0.1:{port}  (Ctrl+C to stop)")
    child = subprocess.Popen(command, env=choice.environment(os.environ))

    def forward(signum: int, _: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM if signum != signal.SIGINT else signal.SIGINT)

    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, forward) for signum in stops}
    try:
        while True:
            try:
                status = child.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if child.poll() is None:  # an error here: do not leave Streamlit behind
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    # Ended by the user's Ctrl+C or a stop signal: a normal end.
    return 0 if status in (0, -signal.SIGINT, -signal.SIGTERM) else status
