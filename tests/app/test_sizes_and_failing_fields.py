"""A field that cannot be computed stays in its own view, and the sidebar's particle sizes
(system, σ per pair) make it computable: a 2D ternary snapshot of no known system."""

import numpy as np
import pytest

from glassviz.app.state import Session
from glassviz.structure import TongTanaka
from tests.helpers import unknown_ternary_2d

pytest.importorskip("panel")

SIGMA = "AA=1,AB=0.9,AC=0.95,BB=0.8,BC=0.85,CC=0.9"


@pytest.fixture
def snap():
    return unknown_ternary_2d()


def test_unknown_system_shows_voronoi_and_theta_asks_for_sigma(snap):
    s = Session([snap])
    assert snap.system() is None and s.header()["system"] == "unknown"
    assert s.fields == ["voronoi_volume", "tong_tanaka"]
    shown = s.shown()
    assert "voronoi_volume" in shown and "tong_tanaka" not in shown
    np.testing.assert_allclose(shown["voronoi_volume"].sum(), 400.0)
    reason = s.field_error("tong_tanaka")
    assert "unrecognised system" in reason and "--sigma" in reason and "\n" not in reason
    assert s.field_error("voronoi_volume") is None
    assert s.color_range("tong_tanaka") == (0.0, 1.0)
    table = s.correlations()
    assert list(table.index) == ["voronoi_volume"]
    assert list(s.table().columns[4:]) == ["voronoi_volume"]


def test_views_build_and_the_failing_field_says_why(snap):
    from glassviz.app.layout import build

    app = build([snap])
    s, grid = app.session, app.views["grid"]
    assert list(grid.views) == ["voronoi_volume", "tong_tanaka"]
    theta, vor = grid.views["tong_tanaka"], grid.views["voronoi_volume"]
    assert "gv-field-error" in theta.header.object and "--sigma" in theta.header.object
    assert "gv-field-error" not in vor.header.object and "0 selected" in vor.header.object
    col = grid.column("tong_tanaka")
    assert np.isnan(np.asarray(grid.source.data[col], dtype=float)).all()
    assert np.isfinite(np.asarray(grid.source.data[grid.column("voronoi_volume")])).all()
    # every other view keeps working: coarse-graining, selection
    s.xi = 2.0
    s.select_box(0, 10, 0, 10)
    assert "selected" in vor.header.object and len(s.selection) > 50
    assert len(app.views["compare"].matrix_source.data["c"]) == 1

    # sizes entered in the sidebar's form: Θ is drawn
    import panel as pn

    box = next(w for w in app.select(pn.widgets.TextInput) if "gv-sigma" in w.css_classes)
    note = next(h for h in app.select(pn.pane.HTML) if "gv-sizes-note" in h.css_classes)
    assert box.placeholder.startswith("AA=…") and "recognised: unknown" in note.object
    box.value = SIGMA
    assert s.sizes.sigma == SIGMA
    assert s.field_error("tong_tanaka") is None
    assert "gv-field-error" not in theta.header.object and "Tong–Tanaka" in theta.header.object
    s.xi = 0.0
    want = TongTanaka(sigma=s.sizes.matrix).compute(s.snapshot).theta
    np.testing.assert_allclose(s.shown()["tong_tanaka"], want)
    np.testing.assert_allclose(np.asarray(grid.source.data[col], dtype=float),
                               want[grid.source.data["row"]])
    assert len(app.views["compare"].matrix_source.data["c"]) == 4


def test_bad_sigma_is_one_line_and_a_known_system_can_be_chosen(snap):
    s = Session([snap])
    s.sizes.sigma = "AA=1,AB=0.9"
    assert s.sizes.error.startswith("particle sizes: missing pair(s)") and s.message == s.sizes.error
    assert s.field_error("tong_tanaka") is not None
    s.sizes.sigma = ""
    s.sizes.system = "TKA2D"  # the 3-species system's sizes, as --system TKA2D
    assert s.sizes.error == "" and s.field_error("tong_tanaka") is None
    assert s.header()["system"] == "TKA2D"
    s.sizes.system = "KA2D"  # a 2-species system: its sizes do not apply
    assert "has 2 species" in s.sizes.error and "has 2 species" in s.field_error("tong_tanaka")
