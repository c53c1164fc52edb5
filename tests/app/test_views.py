"""The views built in-process (no browser): they follow the store."""

import numpy as np
import pytest

from tests.conftest import DEMO_GLASS

pytest.importorskip("panel")


@pytest.fixture
def app():
    from glassviz.app.layout import build

    return build([DEMO_GLASS])


def test_grid_follows_xi_selection_and_pick(app):
    s, grid = app.session, app.views["grid"]
    assert list(grid.views) == s.fields
    col = grid.column(s.fields[1])
    before = np.array(grid.source.data[col])
    s.xi = 3.0
    after = np.array(grid.source.data[col])
    assert np.abs(after - before).max() > 0
    np.testing.assert_allclose(after, s.shown()[s.fields[1]][grid.source.data["row"]])
    s.select_box(-10, 0, -10, 0)
    rows = np.asarray(grid.source.data["row"])
    assert sorted(rows[grid.source.selected.indices]) == sorted(s.selection)
    for v in grid.views.values():
        assert f"{len(s.selection)} selected" in v.header.object
    s.pick_at(3.0, 4.0)
    x, y = s.snapshot.positions[s.picked]
    assert grid.pick_source.data == dict(x=[x], y=[y])


def test_rasterised_views_for_large_systems(monkeypatch):
    import glassviz.app.state as state
    from glassviz.app.layout import build

    monkeypatch.setattr(state, "LARGE_N", 1000)  # the 2000-particle glass counts as large here
    app = build([DEMO_GLASS])
    s, grid = app.session, app.views["grid"]
    assert s.large and len(grid.source.data["x"]) == 0
    for v in grid.views.values():
        img = v.image.data["image"][0]
        assert img.shape[0] > 100 and (img != 0).mean() > 0.5  # the box is covered
    s.select_box(-10, 0, -10, 0)
    v = next(iter(grid.views.values()))
    with_sel = v.image.data["image"][0].copy()
    s.clear_selection()
    assert (v.image.data["image"][0] != with_sel).any()
    s.pick_at(-20.3, 20.3)  # the corner: picking stays periodic
    assert s.picked is not None
    d = s.snapshot.positions[s.picked] - np.array([-20.3, 20.3])
    L = s.snapshot.heights
    d -= L * np.round(d / L)
    assert np.hypot(*d) < 1.5


def test_compare_and_scene(app):
    s, compare = app.session, app.views["compare"]
    k = len(s.fields)
    assert len(compare.matrix_source.data["c"]) == k * k
    assert app.views["scene"].panel.visible is False  # 2D: no 3D scene


def test_opening_a_file_of_another_size_redraws_every_view(app):
    import glassviz
    from glassviz.snapshot import tile

    s, grid, compare = app.session, app.views["grid"], app.views["compare"]
    s.select_box(-10, 0, -10, 0)
    big = tile(glassviz.load(DEMO_GLASS), (2, 1))  # N = 4000: every per-particle array changes size
    assert s.open(big) and s.message == ""
    assert s.snapshot.n == 4000 and len(s.selection) == 0
    assert len(grid.source.data["x"]) == 4000 and list(grid.views) == s.fields
    for n in s.fields:
        assert len(grid.source.data[grid.column(n)]) == 4000
    assert len(compare.matrix_source.data["c"]) == len(s.fields) ** 2
    assert "over 4000 particles" in compare.info.object
    assert len(app.views["ablation"].shell_source.data["x"]) == 4000


def test_fields_chooser_follows_the_store_in_one_update(app):
    import panel as pn

    s = app.session
    chooser = next(w for w in app.select(pn.widgets.MultiChoice) if w.name == "views (fields)")
    assert chooser.options == list(s.choice.param.fields.objects) and chooser.value == s.fields
    chooser.value = ["voronoi_volume"]
    assert s.fields == ["voronoi_volume"] and list(app.views["grid"].views) == ["voronoi_volume"]
    s.fields = ["tong_tanaka", "voronoi_volume"]
    assert chooser.value == ["tong_tanaka", "voronoi_volume"]
