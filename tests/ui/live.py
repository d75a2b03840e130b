"""A live ``streamlit run app.py`` on a free local port, and headless Debian Chromium to drive it.

Shared by the browser test and ``bench/ui.py``. Never downloads a browser: it drives
``/usr/bin/chromium`` (``apt-get install chromium``) through Playwright.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def streamlit_server(
    db: Path, *, log: Path | None = None, extra_environment: dict[str, str] | None = None
) -> Iterator[str]:
    """Run the explorer on ``db``; yields its base URL; stops it (and only it) afterwards."""
    port = free_port()
    environment = dict(os.environ, MAILLAGE_DB=str(db), **(extra_environment or {}))
    environment.pop("NEO4J_URI", None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "maillage" / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    server = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log})")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if log:
            output.close()  # type: ignore[union-attr]


def foreign_requests(urls: list[str]) -> list[str]:
    """The requested URLs that leave this machine (data:, blob: and about: stay inside)."""
    leaving = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            leaving.append(url)
    return leaving


def wait_until_idle(page: object, timeout: float = 60_000) -> None:
    """Wait until Streamlit finished running the script (no 'Running...' status)."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        timeout=timeout,
    )
