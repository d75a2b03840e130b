"""Every page renders on demo data in both languages; filters, search, URL and audience work."""

from __future__ import annotations

import pytest

from tests.ui.conftest import HOSTILE, HOSTILE_ID

PAGES = (
    "overview",
    "alliance_map",
    "opportunities",
    "gaps",
    "international",
    "explore",
    "data",
)


def opened(app, page: str, **params: str):
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    if page != "overview":
        app.switch_page(f"ui/pages/{page}.py").run()
        assert not app.exception, app.exception
    return app


def texts(app) -> str:
    """Every title, header, caption, label and markdown of the page, joined."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "caption", "markdown")
        for e in getattr(app, kind)
    ]
    parts += [m.label for m in app.metric]
    parts += [
        w.label
        for kind in ("selectbox", "multiselect", "text_input", "checkbox", "radio")
        for w in getattr(app, kind)
    ]
    return "\n".join(str(p) for p in parts)


def iframe_pages(app) -> list[str]:
    return [node.proto.srcdoc for node in app.get("iframe") if node.proto.srcdoc]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_page_renders_without_exception(app, page, language):
    opened(app, page, lang=language)
    assert app.title, "every page has a title"
    assert ("Public en vigueur" if language == "fr" else "Audience in force") in texts(app)


def test_language_switch_changes_labels(app):
    opened(app, "overview")
    assert app.title[0].value == "Vue d'ensemble"
    assert "Organisations" in [m.label for m in app.metric]
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert "Organizations" in [m.label for m in app.metric]
    assert app.query_params["lang"] == "en"
    store_lines = [c.value for c in app.sidebar.caption if "embedded" in c.value]
    assert len(store_lines) == 1 and store_lines[0].startswith("Store: embedded")


def test_numbers_are_written_in_french_by_default(app):
    opened(app, "overview")
    ties = next(m for m in app.metric if m.label == "Liens")
    digits = ties.value.replace("\xa0", "")
    assert digits.isdigit() and int(digits) > 999 and "\xa0" in ties.value  # fr_CA grouping


def test_map_filters_change_what_is_shown(app):
    opened(app, "alliance_map")
    everything = iframe_pages(app)[0]
    app.multiselect(key="view.map.types").set_value(["network"]).run()
    assert not app.exception
    networks = iframe_pages(app)[0]
    assert len(networks) < len(everything)
    assert '"#D55E00"' in networks and '"#0072B2"' not in networks  # only network colour
    assert app.query_params["types"] == "network"


def test_map_is_capped_until_the_user_asks_for_more(app):
    opened(app, "alliance_map")
    capped = texts(app)
    assert "500 organisations affichées" in capped
    app.checkbox(key="view.map.more").check().run()
    assert not app.exception
    assert "500 organisations affichées" not in texts(app)


def test_map_focus_draws_the_neighbourhood_and_a_path(app):
    opened(app, "alliance_map", focus=HOSTILE_ID, target="chantier-es", hops="1")
    page = iframe_pages(app)[0]
    assert '"borderWidth": 4' in page
    assert "Chemin :" in texts(app) or app.success


def test_hostile_name_is_text_everywhere(app):
    opened(app, "explore", focus=HOSTILE_ID)
    assert app.header[0].value == HOSTILE  # st.header shows it as text (markdown escapes it)
    for page in iframe_pages(app):
        assert HOSTILE not in page and "<img" not in page


def test_search_ignores_accents(app):
    opened(app, "explore")
    app.text_input(key="view.explore.q").input("economie sociale").run()
    assert not app.exception
    options = app.selectbox(key="view.explore.focus").options
    assert any("économie sociale" in option for option in options)
    app.text_input(key="view.explore.q").input("montreal").run()
    options = app.selectbox(key="view.explore.focus").options
    assert (
        options
        and all(
            "montr" in option.casefold().replace("é", "e") or "Montréal" in option
            for option in options[:5]
        )
    ) or any("Montréal" in option for option in options)


def test_explore_shows_a_card_an_ego_map_and_paths(app):
    opened(app, "explore", focus=HOSTILE_ID, target="chantier-es")
    assert iframe_pages(app), "the ego network is drawn"
    assert "Chemin d'introduction" in texts(app)
    assert app.dataframe, "card and tables"


def test_url_restores_the_view(app):
    opened(app, "alliance_map", lang="en", types="network~funder", metric="pagerank")
    assert app.title[0].value == "Alliance map"
    assert app.multiselect(key="view.map.types").value == ["network", "funder"]
    assert app.selectbox(key="view.map.metric").value == "pagerank"


def test_bad_values_in_the_url_are_ignored(app):
    opened(app, "alliance_map", lang="xx", types="spaceship", focus="nobody", hops="9")
    assert app.title[0].value == "Carte des alliances"
    assert app.multiselect(key="view.map.types").value == []


def test_international_lists_partners_and_their_holders(app):
    opened(app, "international", lang="en")
    assert app.get("deck_gl_json_chart"), "the world map is drawn"
    table = app.dataframe[-1].value
    assert len(table) > 0 and "Québec organizations tied" in table.columns


def test_overview_has_tables_one_click_away(app):
    opened(app, "overview", lang="en")
    assert len(app.tabs) >= 8  # chart and table tab for each picture
    assert app.dataframe, "tables are rendered in their tabs"


def test_overview_shows_who_moved_most_when_asked(app, demo_db):
    import datetime as dt

    from maillage.graph.build import alliance_graph
    from maillage.graph.centrality import centrality
    from maillage.queries.sqlite_store import SQLiteStore
    from maillage.queries.store import GraphQuery

    opened(app, "overview", lang="en")
    tables = len(app.dataframe)
    app.toggle(key="overview.movers").set_value(True).run()
    assert not app.exception, app.exception
    assert len(app.dataframe) == tables + 1
    moved = next(d.value for d in app.dataframe if "A year ago" in d.value.columns)
    assert len(moved) == 10
    # The first row is the largest change of betweenness over the year, recomputed here
    # from what the public audience sees at both dates.
    today = dt.date.today()
    with SQLiteStore.at(demo_db) as store:
        seen = [
            store.read_graph(GraphQuery(audience="public", as_of=day))
            for day in (today, today - dt.timedelta(days=365))
        ]
    now, then = (centrality(alliance_graph(*frames))["betweenness"] for frames in seen)
    change = (now - then.reindex(now.index)).abs().dropna()
    names = seen[0][0].set_index("id")["name"]
    assert moved["Name"].iloc[0] == names[change.idxmax()]
    assert moved["Change"].abs().iloc[0] == pytest.approx(change.max(), abs=1e-4)


def test_audience_above_public_needs_a_password(app, monkeypatch):
    from maillage.services.auth import hash_password

    monkeypatch.setenv("MAILLAGE_PASSWORD_HASH_MEMBERS", hash_password("members password"))
    opened(app, "overview", lang="en")
    app.sidebar.selectbox(key="sidebar.audience_choice").set_value("members").run()
    assert "Audience in force: public" in texts(app)
    app.sidebar.text_input[0].input("members password")
    app.sidebar.button[0].click().run()
    assert not app.exception
    assert "Audience in force: members" in texts(app)


def test_data_page_reports_every_problem_with_file_and_line(app):
    opened(app, "data", lang="en")
    orgs = b"id,name,type\na,A,enterprise\nb,,spaceship\n"
    ties = b"source,target,type\na,zz,partner\n"
    app.file_uploader[0].set_value(
        [("organizations.csv", orgs, "text/csv"), ("ties.csv", ties, "text/csv")]
    ).run()
    assert not app.exception
    report = app.code[0].value
    assert "organizations.csv:3: name:" in report
    assert "organizations.csv:3: type:" in report
    assert "ties.csv:2: target:" in report
    assert app.button(key="data.commit").disabled


def test_data_page_loads_a_valid_workbook_for_the_private_audience(app, tmp_path, monkeypatch):
    from maillage.services.auth import hash_password
    from tests.ui.conftest import build_store

    monkeypatch.setenv("MAILLAGE_DB", str(build_store(tmp_path / "fresh.db")))
    monkeypatch.setenv("MAILLAGE_PASSWORD_HASH_PRIVATE", hash_password("private password"))
    opened(app, "data", lang="en")
    app.sidebar.selectbox(key="sidebar.audience_choice").set_value("private").run()
    app.sidebar.text_input[0].input("private password")
    app.sidebar.button[0].click().run()
    assert "Audience in force: private" in texts(app)
    orgs = "id,nom,type,région\nnew-coop,Coop Nouvelle,entreprise,Montréal\n".encode()
    app.file_uploader[0].set_value([("organizations.csv", orgs, "text/csv")]).run()
    assert "1 organizations and 0 ties valid" in texts(app) or app.success
    app.button(key="data.commit").click().run()
    assert not app.exception
    assert any("Loaded 1 organizations" in s.value for s in app.success)


def test_exports_are_offered(app):
    opened(app, "data", lang="en")
    buttons = app.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == [
        "CSV workbook (ZIP)", "XLSX workbook", "GraphML", "GEXF (Gephi)", "Node-link JSON",
        "Kumu (XLSX)", "Kumu (JSON)", "Murmurations profiles (JSON)", "Offline HTML map",
    ]  # fmt: skip


def test_map_search_focuses_an_organization(app):
    opened(app, "alliance_map")
    app.text_input(key="view.map.q").input("chantier economie").run()
    assert not app.exception
    picker = app.selectbox(key="view.map.focus")
    assert picker.value == "chantier-es"
    assert len(picker.options) <= 201  # only matches travel, never every name
    assert app.query_params["focus"] == "chantier-es"
    assert "500 organisations affichées" not in texts(app)  # a neighbourhood, not the cap


def test_opportunities_follow_the_chosen_organization(app):
    opened(app, "opportunities", lang="en")
    everyone = app.dataframe[0].value
    app.text_input(key="view.opportunities.qfor").input("chantier economie").run()
    assert not app.exception
    mine = app.dataframe[0].value
    assert set(mine.iloc[:, 0]) == {"Chantier de l'économie sociale"}
    assert not mine.equals(everyone)


def test_foreign_table_loads_through_a_column_mapping_with_duplicate_hints(app):
    opened(app, "data", lang="en")
    app.radio(key="data.mode").set_value("foreign").run()
    members = (
        "Nom de l'organisme;Ville\nChantier de l'économie sociale;Montréal\nCoop Neuve;Laval\n"
    )
    app.file_uploader[0].set_value([("membres.csv", members.encode("cp1252"), "text/csv")]).run()
    assert not app.exception
    app.selectbox(key="data.column.name").set_value("Nom de l'organisme").run()
    app.selectbox(key="data.column.city").set_value("Ville").run()
    app.text_input(key="view.data.qmember").input("chantier economie").run()
    assert not app.exception
    assert any("2 organizations and 2 ties valid" in s.value for s in app.success), texts(app)
    duplicates = app.dataframe[0].value
    assert any("chantier-es" in str(v) for v in duplicates.iloc[:, 1]), duplicates


def test_date_in_the_sidebar_narrows_the_ties(app):
    import datetime as dt

    def tie_count() -> int:
        value = next(m for m in app.metric if m.label == "Liens").value
        return int(value.replace("\xa0", ""))

    opened(app, "overview")
    today = tie_count()  # the default date is today, as in the CLI
    app.sidebar.checkbox(key="all_dates").check().run()
    every_date = tie_count()
    assert every_date >= today and app.query_params["as_of"] == "all"
    app.sidebar.checkbox(key="all_dates").uncheck().run()
    app.sidebar.date_input(key="as_of_date").set_value(dt.date(2005, 1, 1)).run()
    assert not app.exception
    assert tie_count() < every_date
    assert app.query_params["as_of"] == "2005-01-01"


def test_opportunities_between_two_types_is_in_the_url(app):
    opened(app, "opportunities", lang="en", pair="enterprise~funder")
    assert app.selectbox(key="view.opportunities.pair").value == "enterprise~funder"
    names = set(app.dataframe[0].value.iloc[:, 0]) | set(app.dataframe[0].value.iloc[:, 1])
    assert names
