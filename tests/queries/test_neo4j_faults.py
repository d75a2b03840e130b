"""A Neo4j connection dropped in the middle of a load leaves the database exactly as before."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from maillage.demo.synthetic import generate
from maillage.queries.neo4j_store import Neo4jStore
from maillage.queries.store import GraphQuery, StoreError
from maillage.services.loading import load_tables

pytestmark = pytest.mark.neo4j


class CuttableProxy:
    """A TCP relay to the Neo4j server on loopback whose connections can be cut at once."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every connection, as a network failure would (no goodbye to the server)."""
        with self.lock:
            for end in self.sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                    end.close()
                except OSError:
                    pass
            self.sockets.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxy():
    address = urlsplit(os.environ["NEO4J_URI"])
    relay = CuttableProxy(address.hostname or "127.0.0.1", address.port or 7687)
    yield relay
    relay.close()


def snapshot(store: Neo4jStore):
    facts = store.info()
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    return facts.organizations_by_type, facts.ties_by_type, facts.data_version, orgs, ties


def test_a_dropped_connection_mid_load_changes_nothing(neo4j_store, neo4j_quiet, proxy):
    first_orgs, first_ties = generate(seed=3, scale=0.02)
    load_tables(first_orgs, first_ties, neo4j_store, label="before")
    before = snapshot(neo4j_store)
    orgs, ties = generate(seed=11, scale=0.2)
    through_proxy = Neo4jStore(
        f"bolt://127.0.0.1:{proxy.port}",
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE") or None,
    )
    cut_at: list[int] = []

    def cut_after_some_ties(done: int, total: int) -> None:
        # Organizations are written first: cut once ties are being written too.
        if not cut_at and done > len(orgs) + 1_000:
            cut_at.append(done)
            proxy.cut()

    try:
        with pytest.raises(StoreError):
            load_tables(orgs, ties, through_proxy, label="dropped", progress=cut_after_some_ties)
    finally:
        through_proxy.close()

    assert cut_at, "the connection was never cut: the load was too small to test anything"
    neo4j_quiet()  # the server rolls the orphaned transaction back
    after = snapshot(neo4j_store)
    assert after[:3] == before[:3]
    assert after[3].equals(before[3]) and after[4].equals(before[4])
    # The store still works: the same load through a sound connection succeeds.
    load_tables(orgs, ties, neo4j_store, label="retried")
    assert neo4j_store.info().organizations == before_plus(before, orgs)


def before_plus(before, orgs) -> int:
    earlier = sum(before[0].values())
    return earlier + len(set(orgs["id"]) - set(before[3]["id"]))


_LOADER = """
import sys
from maillage.queries.neo4j_store import Neo4jStore
from maillage.ground.tables import organizations_frame, ties_frame
from maillage.services.loading import load_frames

orgs = organizations_frame([
    {"id": f"k{i:05d}", "name": f"K {i}", "type": "enterprise"} for i in range(15_000)
])
ties = ties_frame([
    {"source": f"k{i % 15_000:05d}", "target": f"k{(i * 7 + 1) % 15_000:05d}",
     "type": "partner", "since": f"{2000 + i // 15_000}-01-01"}
    for i in range(150_000)
])
def progress(done, total):
    print("progress", done, total, flush=True)
with Neo4jStore.from_env() as store:
    load_frames(store, orgs, ties, progress=progress)
print("finished", flush=True)
"""

#: Rows the child loads: 2 progress lines of organizations, then 15 of ties (batches of 10,000).
#: Enough that the latest kill point (line 6, then 0.3 s) falls with most batches still to
#: write: a kill after the last line may hit the commit, which then completes the load.
_LOADED = 15_000 + 150_000
#: Ten kill points, drawn once with a fixed seed: (progress line to wait for, extra delay).
_KILL_POINTS = [
    (1 + int(random.Random(2026 + k).random() * 6), random.Random(k).random() * 0.3)
    for k in range(10)
]


@pytest.mark.slow
@pytest.mark.parametrize(("after_line", "delay"), _KILL_POINTS)
def test_a_load_killed_at_a_random_point_changes_nothing(
    neo4j_store, neo4j_quiet, after_line, delay
):
    load_tables(*generate(seed=5, scale=0.02), neo4j_store, label="before")
    before = snapshot(neo4j_store)
    repo = Path(__file__).resolve().parents[2]
    with subprocess.Popen(
        [sys.executable, "-c", _LOADER],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdout is not None
        seen = [child.stdout.readline() for _ in range(after_line)]
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait(timeout=30)
    assert all(line.startswith("progress") for line in seen), seen
    assert "finished" not in rest, "the load ended before the kill: not a mid-load point"
    assert f"progress {_LOADED} {_LOADED}" not in rest, "killed while committing, not mid-load"
    assert child.returncode == -signal.SIGKILL
    neo4j_quiet()  # the server rolls the dead client's transaction back
    after = snapshot(neo4j_store)
    assert after[:3] == before[:3]
    assert after[3].equals(before[3]) and after[4].equals(before[4])
