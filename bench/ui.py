"""Explorer timings in a real browser at Québec scale (synthetic scale 1.0), warm server cache.

Measures, in headless Debian Chromium against a live ``streamlit run app.py``:

- Overview first render: navigation to the script finishing (every chart sent);
- Alliance map first render: navigation to the map drawn in its iframe (500-node cap);
- map stabilized: inside the map's page, load start to the first complete drawing
  (positions are precomputed and physics is off, so the first drawing is the final one);
- the same for "show everything" (the whole graph, no cap).

The cache is warmed once (metrics and layout are computed once per data version), then each
figure is the median of ``--repeat`` fresh browser sessions. Run: ``python -m bench.ui``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.ui.conftest import build_store
from tests.ui.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    foreign_requests,
    streamlit_server,
    wait_until_idle,
)


def _drawn_frame(tab: object, timeout_s: float) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in tab.frames:  # type: ignore[attr-defined]
            try:
                if frame.evaluate("window.maillageDrawn === true"):
                    return frame
            except Exception:  # frame still loading
                continue
        tab.wait_for_timeout(50)  # type: ignore[attr-defined]
    raise TimeoutError("the map never drew")


def measure(base: str, browser: object, path: str, *, with_map: bool) -> tuple[float, float | None]:
    """(seconds to first render, seconds for the map page to draw) for one fresh session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    start = time.perf_counter()
    tab.goto(base + path)
    if with_map:
        frame = _drawn_frame(tab, 600)
        rendered = time.perf_counter() - start
        stabilized = float(frame.evaluate("window.maillageDrawnAt")) / 1000
    else:
        wait_until_idle(tab, timeout=600_000)
        rendered, stabilized = time.perf_counter() - start, None
    context.close()
    leaving = foreign_requests(requests)
    if leaving:
        raise RuntimeError(f"requests left this machine: {leaving[:3]}")
    return rendered, stabilized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-full", action="store_true", help="skip the uncapped map")
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="maillage-bench-ui-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        db = build_store(folder / "bench.db", scale=options.scale)
        load_time = time.perf_counter() - started
        with streamlit_server(db, log=folder / "streamlit.log") as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cases = [
                ("Overview", "/", False),
                ("Alliance map (cap 500)", "/map", True),
            ]
            if not options.no_full:
                cases.append(("Alliance map (everything)", "/map?more=1", True))
            warm = {}
            for name, path, with_map in cases:
                began = time.perf_counter()
                measure(base, browser, path, with_map=with_map)
                warm[name] = time.perf_counter() - began
            rows = []
            for name, path, with_map in cases:
                runs = [
                    measure(base, browser, path, with_map=with_map) for _ in range(options.repeat)
                ]
                rendered = statistics.median(r for r, _ in runs)
                stable = [s for _, s in runs if s is not None]
                rows.append(
                    (name, warm[name], rendered, statistics.median(stable) if stable else None)
                )
            browser.close()
    print(
        f"\nExplorer in Chromium, synthetic scale {options.scale} "
        f"(store built in {load_time:.1f} s), median of {options.repeat} warm runs\n"
    )
    print("| view | cold (s) | first render, warm (s) | map drawn & stable in its frame (s) |")
    print("|---|---:|---:|---:|")
    for name, cold, rendered, stable in rows:
        stable_text = f"{stable:.2f}" if stable is not None else "—"
        print(f"| {name} | {cold:.2f} | {rendered:.2f} | {stable_text} |")


if __name__ == "__main__":
    main()
