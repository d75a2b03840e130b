"""The built wheel installs cleanly on its own: one ``maillage`` namespace, its data inside."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("maillage-*.whl")
    return built


def test_the_wheel_holds_only_the_maillage_namespace_and_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith((".dist-info", ".data"))} == {"maillage"}
    for shipped in (
        "maillage/data/quebec_regions.csv",
        "maillage/data/geo/countries-110m.geojson",
        "maillage/demo/organizations.csv",
        "maillage/ground/locale/fr/LC_MESSAGES/maillage.po",
        "maillage/app.py",
        "maillage/ui/pages/overview.py",
    ):
        assert shipped in names, shipped


def test_the_wheel_runs_from_a_fresh_environment_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Dependencies come from the package index (pip's cache makes later runs quick).
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        cwd=tmp_path,
    )
    home = tmp_path / "elsewhere"
    home.mkdir()
    environment = {
        "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "MAILLAGE_CACHE": str(home / "cache"),
        "NUMBA_CACHE_DIR": str(home / "numba"),
    }

    def maillage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "maillage"), *args],
            cwd=home, env=environment, capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    assert maillage("--help").returncode == 0
    demo = maillage("--db", "demo.db", "demo", "--no-serve", "--scale", "0.02")
    assert demo.returncode == 0, demo.stderr
    assert "Demo loaded into demo.db" in demo.stdout
    info = maillage("--db", "demo.db", "--format", "json", "info")
    assert info.returncode == 0 and '"organizations"' in info.stdout
    top = maillage("--db", "demo.db", "metrics", "--top", "3")
    assert top.returncode == 0, top.stderr
    shown = subprocess.run(
        [str(python), "-m", "pip", "show", "-f", "maillage"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    files = [line.strip() for line in shown.stdout.split("Files:", 1)[1].splitlines()]
    tops = {f.split("/")[0] for f in files if f and not f.startswith("..")}
    assert not tops & {"graph", "ui", "queries", "loaders", "app.py", "data"}, tops
    # The explorer's script is in the package, and Streamlit runs it from there.
    app = subprocess.run(
        [str(python), "-c", "import maillage.cli.serve as s; print(s.APP_FILE)"],
        capture_output=True, text=True, check=True, cwd=home,
    )  # fmt: skip
    assert Path(app.stdout.strip()).is_file() and str(venv) in app.stdout
