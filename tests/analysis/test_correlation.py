import numpy as np
import pytest
from scipy.stats import spearmanr

import glassviz
from glassviz.analysis import correlation_table
from glassviz.fields import compute_fields
from tests.conftest import DEMO_GLASS


def test_pearson_and_spearman_match_references(rng):
    x = rng.random(500)
    y = x**3 + 0.1 * rng.random(500)
    z = rng.random(500)
    t = correlation_table({"x": x, "y": y, "z": z})
    assert t.loc["x", "y"] == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)
    assert t.loc["y", "x"] == t.loc["x", "y"] and t.loc["z", "z"] == 1.0
    s = correlation_table({"x": x, "y": y}, method="spearman")
    assert s.loc["x", "y"] == pytest.approx(spearmanr(x, y)[0], abs=1e-12)


def test_species_filter_on_a_snapshot():
    snap = glassviz.load(DEMO_GLASS)
    f = compute_fields(snap, ["voronoi_volume", "tong_tanaka"])
    all_ = correlation_table(f)
    a_only = correlation_table(f, snapshot=snap, species="A")
    mask = snap.species == 0
    expect = np.corrcoef(f["voronoi_volume"][mask], f["tong_tanaka"][mask])[0, 1]
    assert a_only.loc["voronoi_volume", "tong_tanaka"] == pytest.approx(expect, abs=1e-12)
    assert a_only.loc["voronoi_volume", "tong_tanaka"] != all_.loc["voronoi_volume", "tong_tanaka"]


def test_nan_rows_left_out():
    t = correlation_table({"a": [1.0, 2.0, 3.0, np.nan], "b": [2.0, 4.0, 6.5, 1.0]})
    assert t.loc["a", "b"] == pytest.approx(np.corrcoef([1, 2, 3], [2, 4, 6.5])[0, 1])


def test_violin_groups_coldest_first_as_in_oyama_fig3():
    from glassviz.analysis.snapshot_correlations import group_order

    rows = [{"group": "T = 0.8", "temperature": 0.8}, {"group": "T = 0.05", "temperature": 0.05},
            {"group": "T = 0.8", "temperature": 0.8}]
    assert group_order(rows) == ["T = 0.05", "T = 0.8"]  # glass (dark grey) before liquid
    rows.append({"group": "runs/b.dump", "temperature": None})
    assert group_order(rows) == ["T = 0.8", "T = 0.05", "runs/b.dump"]  # as they appear
