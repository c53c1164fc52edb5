"""The registry and the file's own columns: listing, the file:NAME clash rule, post-processing."""

import numpy as np
import pytest

from glassviz.errors import GlassvizError
from glassviz.fields import FIELDS, FieldName, available, compute_fields, describe
from glassviz.fields.columns import column_fields, field_name, is_builtin
from glassviz.structure import CoarseGrain, VoronoiVolume, minmax
from tests.helpers import make_snapshot

N = 300


@pytest.fixture
def snap():
    rng = np.random.default_rng(11)
    L = (N / 1.2) ** (1 / 3)
    s = make_snapshot(rng.random((N, 3)) * L, np.eye(3) * L, species=(rng.random(N) < 0.2).astype(int))
    s.columns = {
        "c_pe": rng.normal(-6.0, 0.5, N),
        "v_softness": rng.normal(0.0, 1.0, N),
        "voronoi_volume": np.full(N, 7.0),       # clashes with a plain field
        "propensity@m": np.arange(N, dtype=float),  # clashes with a model field kind
        "type": np.ones(N),                       # clashes with a table column
        "foo@bar": np.linspace(0, 1, N),          # '@' but no model-field kind: a plain column name
    }
    return s


def test_available_lists_columns_after_plain_fields(snap):
    names = available(snap)
    plain = [n for n in names if n in FIELDS]
    assert names[:len(plain)] == plain
    assert {"voronoi_volume", "coordination", "tong_tanaka", "compactness"} <= set(plain)
    assert names[len(plain):] == ["c_pe", "v_softness", "file:voronoi_volume", "file:propensity@m", "file:type",
                                  "foo@bar"]
    assert column_fields(snap) == names[len(plain):]


def test_clash_rule(snap):
    assert is_builtin("voronoi_volume") and is_builtin("propensity@anything") and is_builtin("gradcam@x")
    assert is_builtin("id") and is_builtin("file:c_pe")
    assert not is_builtin("c_pe") and not is_builtin("foo@bar") and not is_builtin("propensity2x")
    assert field_name("c_pe") == "c_pe" and field_name("tong_tanaka") == "file:tong_tanaka"
    out = compute_fields(snap, ["voronoi_volume", "file:voronoi_volume", "file:c_pe", "c_pe", "foo@bar",
                                "file:type"])
    # the built-in keeps the plain name: real Voronoi volumes, which tile the box
    np.testing.assert_allclose(out["voronoi_volume"], VoronoiVolume().compute(snap).volumes)
    assert out["voronoi_volume"].sum() == pytest.approx(snap.volume, rel=1e-6)
    np.testing.assert_array_equal(out["file:voronoi_volume"], 7.0)
    np.testing.assert_array_equal(out["c_pe"], snap.columns["c_pe"])
    np.testing.assert_array_equal(out["file:c_pe"], snap.columns["c_pe"])
    np.testing.assert_array_equal(out["foo@bar"], snap.columns["foo@bar"])
    np.testing.assert_array_equal(out["file:type"], 1.0)


def test_field_name_parsing():
    assert FieldName.parse("file:propensity@m") == FieldName("propensity@m", None, "file")
    assert FieldName.parse("file:propensity@m").is_column and not FieldName.parse("file:x").is_model
    assert str(FieldName.parse("file:c_vec[1]")) == "file:c_vec[1]"
    assert FieldName.parse("propensity@m") == FieldName("propensity", "m")
    assert str(FieldName.column("a:b")) == "file:a:b"


def test_coarse_grained_column_equals_coarse_graining_it(snap):
    out = compute_fields(snap, ["c_pe", "v_softness"], xi=1.5)
    direct = CoarseGrain(1.5).compute(snap, np.column_stack([snap.columns["c_pe"], snap.columns["v_softness"]])).fields
    np.testing.assert_allclose(out["c_pe"], direct[:, 0], rtol=1e-12)
    np.testing.assert_allclose(out["v_softness"], direct[:, 1], rtol=1e-12, atol=1e-12)
    # coarse-graining averages: the mean is kept within the column's range, the spread shrinks
    assert out["c_pe"].std() < snap.columns["c_pe"].std()


def test_normalise_and_one_minus_on_a_column(snap):
    out = compute_fields(snap, ["c_pe"], normalize=True, one_minus=["c_pe"])
    np.testing.assert_allclose(out["c_pe"], 1.0 - minmax(snap.columns["c_pe"]), atol=1e-15)
    assert np.all(np.isfinite(snap.columns["c_pe"]))  # the snapshot's own column is left untouched
    assert snap.columns["c_pe"].min() < -1.0


def test_unknown_names_list_the_columns(snap):
    with pytest.raises(GlassvizError, match="c_pe"):
        compute_fields(snap, ["c_ke"])
    with pytest.raises(GlassvizError, match="no column 'c_ke'"):
        compute_fields(snap, ["file:c_ke"])
    with pytest.raises(GlassvizError, match="foo@bar"):
        compute_fields(snap, ["nothing@model"])


def test_describe(snap):
    assert describe("c_pe", snap) == "column 'c_pe' of the file"
    assert describe("file:voronoi_volume", snap) == "column 'voronoi_volume' of the file"
    assert "Voronoi" in describe("voronoi_volume", snap)


def test_snapshot_without_columns():
    s = make_snapshot(np.random.default_rng(0).random((50, 2)) * 7, np.eye(2) * 7)
    assert s.columns == {} and column_fields(s) == []
    assert "tong_tanaka" in available(s) and "compactness" not in available(s)
