"""The explorer in a real browser: offline, bilingual, searchable, shareable, and XSS-proof.

Drives Debian's Chromium (never a downloaded build) against a live ``streamlit run app.py``.
Every request the page makes is recorded; any that leaves 127.0.0.1/localhost fails the test.
Screenshots land in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import HOSTILE, HOSTILE_ID, build_store
from tests.ui.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    foreign_requests,
    streamlit_server,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

MEMBERS_PASSWORD = "members-only passphrase"


@pytest.fixture(scope="module", autouse=True)
def chromium_installed() -> None:
    # Never skip: `make test` installs Debian's chromium; a run without it must say so.
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs chromium)")


SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    db = build_store(folder / "demo.db")
    with streamlit_server(db, log=folder / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer with a members password set by the operator (a hash in the environment)."""
    from maillage.services.auth import hash_password

    folder = tmp_path_factory.mktemp("guarded")
    db = build_store(folder / "demo.db")
    hashes = {"MAILLAGE_PASSWORD_HASH_MEMBERS": hash_password(MEMBERS_PASSWORD)}
    with streamlit_server(db, log=folder / "streamlit.log", extra_environment=hashes) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """Every request and every JavaScript dialog of one page."""

    def __init__(self, page: object) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))  # type: ignore[attr-defined]
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, Watch]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    watch = Watch(tab)
    yield tab, watch
    context.close()
    assert foreign_requests(watch.requests) == [], "requests left this machine"
    assert watch.dialogs == [], "a script from the data ran"


def shot(tab: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def map_frame(tab: object) -> object:
    """The frame holding the vis-network map, once it has drawn."""
    tab.wait_for_selector("iframe", timeout=60_000)  # type: ignore[attr-defined]
    for _ in range(120):
        for frame in tab.frames:  # type: ignore[attr-defined]
            try:
                if frame.evaluate("window.maillageDrawn === true"):
                    return frame
            except Exception:  # a frame still loading cannot evaluate yet
                continue
        tab.wait_for_timeout(500)  # type: ignore[attr-defined]
    raise AssertionError("the vis-network map never drew")


def test_explorer_end_to_end(server, page):
    tab, _ = page
    tab.goto(f"{server}/")  # Overview is the default page, served at the root
    wait_until_idle(tab)
    assert tab.get_by_role("heading", name="Vue d'ensemble").is_visible()
    shot(tab, "overview-fr")

    tab.get_by_text("English", exact=True).click()
    tab.get_by_role("heading", name="Overview").wait_for(timeout=30_000)
    wait_until_idle(tab)
    assert "lang=en" in tab.url
    shot(tab, "overview-en")

    tab.get_by_role("link", name="Alliance map").click()
    tab.get_by_role("heading", name="Alliance map").wait_for(timeout=30_000)
    wait_until_idle(tab)
    frame = map_frame(tab)
    assert frame.evaluate("document.querySelector('#map canvas').width") > 0
    assert frame.evaluate("maillageNetwork.body.data.nodes.length") == 500
    shot(tab, "alliance-map")

    tab.get_by_role("link", name="Explore").click()
    # The map page has a search box with the same label: wait until Explore replaced it.
    tab.get_by_role("heading", name="Explore").wait_for(timeout=30_000)
    wait_until_idle(tab)
    search = tab.get_by_label("Search an organization")
    search.fill("chantier economie")
    search.press("Enter")
    tab.get_by_role("heading", name="Chantier de l'économie sociale").wait_for(timeout=30_000)
    wait_until_idle(tab)
    frame = map_frame(tab)
    assert frame.evaluate("document.querySelector('#map canvas').width") > 0
    assert frame.evaluate("maillageNetwork.body.data.nodes.get('chantier-es') !== null")
    shot(tab, "explore-ego")
    shared = tab.url
    assert "focus=chantier-es" in shared and "lang=en" in shared

    tab.get_by_role("link", name="International").click()
    tab.get_by_role("heading", name="International partners").wait_for(timeout=30_000)
    wait_until_idle(tab)
    tab.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=30_000)
    tab.wait_for_timeout(1500)
    shot(tab, "international")

    # A colleague opens the copied URL in a fresh session: same page, language and focus.
    colleague = tab.context.new_page()
    colleague_watch = Watch(colleague)
    colleague.goto(shared)
    wait_until_idle(colleague)
    colleague.get_by_role("heading", name="Chantier de l'économie sociale").wait_for(timeout=30_000)
    assert colleague.get_by_role("heading", name="Explore").is_visible()
    shot(colleague, "restored-from-url")
    colleague.close()
    assert foreign_requests(colleague_watch.requests) == []
    assert colleague_watch.dialogs == []


def test_hostile_name_stays_text(server, page, tmp_path):
    tab, watch = page
    tab.goto(f"{server}/explore?lang=en&focus={HOSTILE_ID}")
    wait_until_idle(tab)
    tab.get_by_role("heading", name=HOSTILE).wait_for(timeout=30_000)  # shown as text
    frame = map_frame(tab)
    tooltip = frame.evaluate(f"maillageNetwork.body.data.nodes.get('{HOSTILE_ID}').title")
    assert tooltip is not None
    text = frame.evaluate(f"maillageNetwork.body.data.nodes.get('{HOSTILE_ID}').title.textContent")
    assert text.startswith(HOSTILE)
    assert frame.evaluate("document.querySelectorAll('img').length") == 0
    shot(tab, "hostile-name")

    tab.goto(f"{server}/data?lang=en")
    wait_until_idle(tab)
    with tab.expect_download(timeout=60_000) as started:
        tab.get_by_role("button", name="Offline HTML map").click()
    exported = Path(started.value.path()).read_text(encoding="utf-8")
    assert "<img" not in exported and HOSTILE not in exported
    offline = tab.context.new_page()
    offline_watch = Watch(offline)
    offline.set_content(exported)
    offline.wait_for_function("window.maillageDrawn === true", timeout=60_000)
    assert offline.evaluate("document.querySelectorAll('img').length") == 0
    shot(offline, "exported-map")
    offline.close()
    assert foreign_requests(offline_watch.requests) == []
    assert offline_watch.dialogs == []
    assert watch.dialogs == []


def test_members_log_in_with_the_right_password_and_are_refused_with_a_wrong_one(
    guarded_server, page
):
    tab, _ = page
    tab.goto(f"{guarded_server}/?lang=en")
    wait_until_idle(tab)
    tab.get_by_text("Audience in force: public").wait_for(timeout=30_000)

    def ask_for_members(password: str) -> None:
        tab.get_by_role("combobox", name="Audience").click()
        tab.get_by_role("option", name="members").click()
        box = tab.get_by_label("Password", exact=True)
        box.wait_for(timeout=30_000)
        box.fill(password)
        tab.get_by_role("button", name="Unlock").click()
        wait_until_idle(tab)

    ask_for_members("not the password")
    tab.get_by_text("Password refused.").wait_for(timeout=30_000)
    assert tab.get_by_text("Audience in force: public").is_visible()
    shot(tab, "login-refused")

    ask_for_members(MEMBERS_PASSWORD)
    tab.get_by_text("Audience in force: members").wait_for(timeout=30_000)
    assert not tab.get_by_text("Password refused.").is_visible()
    shot(tab, "login-members")
