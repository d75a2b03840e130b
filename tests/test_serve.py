"""``maillage app`` serves the explorer and, told to stop, leaves nothing running or listening."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from maillage.queries.sqlite_store import SQLiteStore
from maillage.services.demo import load_demo

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_app_stops_streamlit(tmp_path, stop):
    db = tmp_path / "demo.db"
    with SQLiteStore(db) as store:
        load_demo(store, scale=0.01)
    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "maillage", "--db", str(db), "app", "--port", str(port)],
        env={**os.environ, "MAILLAGE_CACHE": str(tmp_path / "cache")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not healthy(port):
            assert app.poll() is None, "maillage app ended before serving"
            assert time.monotonic() < deadline, "the explorer never answered"
            time.sleep(0.5)
        streamlit = children_of(app.pid)
        assert streamlit, "Streamlit runs as a child of maillage app"
        app.send_signal(stop)
        assert app.wait(timeout=60) == 0
        assert not listening(port)
        assert not [pid for pid in streamlit if Path(f"/proc/{pid}").exists()]
    finally:
        if app.poll() is None:
            app.kill()
