"""The synthetic workbook generator: deterministic, Québec-shaped, and a valid workbook."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from maillage.demo import synthetic
from maillage.ground.vocabulary import (
    ORGANIZATION_COLUMNS,
    ORGANIZATION_TYPES,
    TIE_COLUMNS,
    TIE_TYPES,
    VISIBILITIES,
)

DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


@pytest.fixture(scope="module")
def workbook() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synthetic.generate()


@pytest.fixture(scope="module")
def orgs(workbook):
    return workbook[0]


@pytest.fixture(scope="module")
def ties(workbook):
    return workbook[1]


@pytest.fixture(scope="module")
def curated():
    return synthetic.read_curated()


def test_same_seed_gives_identical_frames(workbook):
    orgs, ties = synthetic.generate(seed=2026)
    pd.testing.assert_frame_equal(orgs, workbook[0])
    pd.testing.assert_frame_equal(ties, workbook[1])


def test_different_seed_gives_different_frames():
    small_a = synthetic.generate(seed=1, scale=0.1)
    small_b = synthetic.generate(seed=2, scale=0.1)
    assert not small_a[0]["name"].equals(small_b[0]["name"])
    assert not small_a[1].equals(small_b[1])


def test_columns_follow_the_workbook_contract(orgs, ties):
    assert tuple(orgs.columns[: len(ORGANIZATION_COLUMNS)]) == ORGANIZATION_COLUMNS
    assert "synthetic" in orgs.columns
    assert tuple(ties.columns) == TIE_COLUMNS


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("enterprise", synthetic.N_ENTERPRISES), ("community_group", synthetic.N_COMMUNITY_GROUPS)],
)
def test_counts_at_quebec_scale(orgs, kind, expected):
    generated = orgs[orgs["synthetic"] & orgs["type"].eq(kind)]
    assert abs(len(generated) - expected) <= 0.01 * expected


def test_total_ties_in_target_range(ties):
    assert 55_000 <= len(ties) <= 70_000


def test_scale_shrinks_the_graph():
    small_orgs, small_ties = synthetic.generate(scale=0.1)
    enterprises = small_orgs["synthetic"] & small_orgs["type"].eq("enterprise")
    assert enterprises.sum() == round(0.1 * synthetic.N_ENTERPRISES)
    assert 4_000 <= len(small_ties) <= 8_000


def test_regions_follow_population(orgs):
    regions = synthetic.read_regions()
    shares = regions.set_index("code")["population"] / regions["population"].sum()
    enterprises = orgs[orgs["synthetic"] & orgs["type"].eq("enterprise")]
    observed = enterprises["region"].value_counts(normalize=True).reindex(shares.index)
    assert np.allclose(observed.fillna(0), shares, atol=0.005)


def test_every_tie_endpoint_exists(orgs, ties):
    ids = set(orgs["id"])
    assert ties["source"].isin(ids).all()
    assert ties["target"].isin(ids).all()


def test_ids_are_unique(orgs):
    assert orgs["id"].is_unique


def test_no_self_ties(ties):
    assert not (ties["source"] == ties["target"]).any()


def test_no_duplicate_tie_identities(ties):
    identity = ties[["source", "target", "type", "since"]].fillna("")
    assert not identity.duplicated().any()


def test_dates_are_years_or_iso_dates_within_2000_2026(ties):
    generated = ties[ties["source_ref"].eq(synthetic.SYNTHETIC_REF)]
    for column in ("since", "until"):
        values = generated[column].dropna()
        assert values.str.match(DATE).all()
        years = values.str.slice(0, 4).astype(int)
        assert years.between(2000, 2026).all()


def test_ended_ties_end_after_they_start(ties):
    ended = ties.dropna(subset=["since", "until"])
    assert 0.06 <= len(ended) / len(ties) <= 0.10
    assert (ended["until"].str.slice(0, 4) > ended["since"].str.slice(0, 4)).all()


def test_types_and_visibilities_are_in_the_vocabulary(orgs, ties):
    assert orgs["type"].isin(ORGANIZATION_TYPES).all()
    assert ties["type"].isin(TIE_TYPES).all()
    assert orgs["visibility"].isin(VISIBILITIES).all()
    assert ties["visibility"].isin(VISIBILITIES).all()


def test_synthetic_flag_separates_real_from_fictional(orgs, curated):
    real_ids = set(curated[0]["id"])
    real = orgs["id"].isin(real_ids)
    assert not orgs.loc[real, "synthetic"].any()
    assert orgs.loc[~real, "synthetic"].all()
    assert orgs.loc[~real, "id"].str.startswith("syn-").all()


def test_fictional_names_never_reuse_real_names(orgs, curated):
    assert not orgs.loc[orgs["synthetic"], "name"].isin(set(curated[0]["name"])).any()


def test_curated_workbook_is_whole(curated):
    real_orgs, real_ties = curated
    assert real_orgs["id"].is_unique
    assert 80 <= len(real_orgs) <= 150
    assert real_ties["source"].isin(real_orgs["id"]).all()
    assert real_ties["target"].isin(real_orgs["id"]).all()
    assert real_orgs["type"].isin(ORGANIZATION_TYPES).all()
    assert real_ties["type"].isin(TIE_TYPES).all()
    assert real_orgs["region"].dropna().isin([f"{i:02d}" for i in range(1, 18)]).all()


def test_members_and_private_ties_exist(ties):
    shares = ties["visibility"].value_counts(normalize=True)
    assert 0.03 <= shares["members"] <= 0.07
    assert 0.01 <= shares["private"] <= 0.03


def test_some_private_organizations_exist(orgs):
    assert orgs["visibility"].eq("private").sum() > 0


def test_graph_has_isolates_and_enterprises_outside_networks(orgs, ties):
    tied = set(ties["source"]) | set(ties["target"])
    assert (~orgs["id"].isin(tied)).sum() > 0
    enterprises = orgs.loc[orgs["type"].eq("enterprise"), "id"]
    members = set(ties.loc[ties["type"].eq("member_of"), "source"])
    assert (~enterprises.isin(members)).sum() > 0


def test_foreign_partners_have_countries_and_coordinates(orgs):
    foreign = orgs[orgs["synthetic"] & orgs["type"].eq("international_partner")]
    assert foreign["country"].ne("CA").all()
    assert foreign[["lat", "lon"]].notna().all().all()
    assert foreign["country"].nunique() >= 10


def test_write_workbook_round_trips(tmp_path):
    orgs, ties = synthetic.generate(scale=0.05)
    folder = synthetic.write_workbook(orgs, ties, tmp_path / "out")
    read_orgs = pd.read_csv(folder / "organizations.csv", dtype=str, encoding="utf-8")
    read_ties = pd.read_csv(folder / "ties.csv", dtype=str, encoding="utf-8")
    assert len(read_orgs) == len(orgs)
    assert len(read_ties) == len(ties)
    assert read_orgs["id"].tolist() == orgs["id"].tolist()


def test_command_line_writes_a_workbook(tmp_path, capsys):
    assert synthetic.main(["--out", str(tmp_path), "--scale", "0.02", "--seed", "7"]) == 0
    assert (tmp_path / "organizations.csv").exists()
    assert (tmp_path / "ties.csv").exists()
    assert "ties written" in capsys.readouterr().out


def test_rejects_non_positive_scale():
    with pytest.raises(ValueError, match="scale"):
        synthetic.generate(scale=0)


def test_generated_workbook_passes_the_workbook_validator(tmp_path):
    from maillage.loaders.workbook import check_workbook

    orgs, ties = synthetic.generate(scale=0.05)
    folder = synthetic.write_workbook(orgs, ties, tmp_path)
    checked = check_workbook([folder])
    assert checked.problems == []
    assert len(checked.organizations) == len(orgs)
    assert len(checked.ties) == len(ties)
