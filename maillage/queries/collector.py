"""Python's cyclic garbage collector paused around bulk row work (loads, reads, validation)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while rows are built, sent or unpacked.

    Validation builds one dict per row and a Neo4j load one list per row (75,000 at
    Québec scale); a Neo4j read gets one per row from the driver (thousands around a hub).
    All stay alive until the commit or until the frames are built. Each collection that
    runs meanwhile scans them and moves them to an older generation, which in turn sets
    off full collections of the whole process: in ``bench/load.py`` 200 ego reads set off
    860 ms of them, 30-90 ms each, which made the p95; a Neo4j load 160-310 ms, and the
    validation of a Québec-scale workbook about 0.1 s. The rows hold no reference cycles:
    reference counting frees them when they are done with.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
