"""The network sections on their pages: health on Overview, recruitment and memberships on
Opportunities, in the language in force."""

from __future__ import annotations

from maillage.graph.health import STAGES
from maillage.ground.i18n import translate

from .test_pages import opened, texts


def test_overview_shows_the_health_scorecard_and_its_stage(app):
    opened(app, "overview", lang="en")
    assert "Network health" in texts(app)
    stage = next(m for m in app.metric if m.label == "Stage")
    assert stage.value in {translate("en", f"health.stage.{s}") for s in STAGES}
    scorecard = next(
        frame.value for frame in app.dataframe if "What it means" in frame.value.columns
    )
    assert len(scorecard) == 18 and scorecard["What it means"].str.len().min() > 20
    assert "Change" in scorecard.columns  # compared with a year before


def test_opportunities_show_recruitment_targets_with_reasons(app):
    opened(app, "opportunities", lang="fr")
    assert "Cibles de recrutement" in texts(app)
    chooser = next(s for s in app.selectbox if s.label == "Réseau qui recrute")
    assert chooser.options
    # The page's own opportunities come first; the recruitment targets after them.
    targets = [frame.value for frame in app.dataframe if "Raisons" in frame.value.columns][-1]
    assert len(targets) == 30 and targets["Raisons"].str.contains("des membres").all()
    assert "Réseaux qui partagent des membres" in [tab.label for tab in app.tabs]
