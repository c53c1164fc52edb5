"""Slab geometry and picking of the 2D views (glassviz.app.plane)."""

import numpy as np
import pytest

from glassviz.app.plane import Slab, particle_radii, plane_view
from glassviz.errors import GlassvizError
from glassviz.snapshot import Snapshot


def _snap(pos, h):
    pos = np.asarray(pos, float)
    return Snapshot(pos, np.zeros(len(pos), int), ("1",), np.arange(1, len(pos) + 1), np.asarray(h, float))


def test_picking_is_periodic():
    snap = _snap([[-4.9, 0.0], [2.0, 0.0]], np.diag([10.0, 10.0]))
    plane = plane_view(snap)
    # a click just past the right edge is 0.2 from the particle drawn at the left edge
    assert plane.nearest(4.9, 0.0) == 0
    assert plane.nearest(1.5, 0.0) == 1
    assert plane.nearest(0.0, 0.0, among=np.array([True, False])) == 0


def test_box_and_polygon_select_what_is_drawn():
    rng = np.random.default_rng(1)
    snap = _snap(rng.uniform(-5, 5, (500, 2)), np.diag([10.0, 10.0]))
    plane = plane_view(snap)
    box = plane.in_box(2.0, -1.0, -3.0, 1.5)
    poly = plane.in_polygon([-1.0, 2.0, 2.0, -1.0], [-3.0, -3.0, 1.5, 1.5])
    inside = np.flatnonzero((snap.positions[:, 0] >= -1) & (snap.positions[:, 0] <= 2)
                            & (snap.positions[:, 1] >= -3) & (snap.positions[:, 1] <= 1.5))
    np.testing.assert_array_equal(np.sort(box), inside)
    np.testing.assert_array_equal(np.sort(poly), inside)


def test_slab_wraps_through_the_box_and_counts_follow_the_density():
    rng = np.random.default_rng(2)
    L = 12.0
    snap = _snap(rng.uniform(-L / 2, L / 2, (20000, 3)), np.diag([L, L, L]))
    whole = plane_view(snap, Slab("z", 0.5, L))
    assert len(whole.rows) == snap.n
    edge = plane_view(snap, Slab("z", 0.0, 2.0))  # the faces z = ±L/2 meet here
    z = snap.positions[edge.rows, 2]
    assert np.all(np.abs(z) > L / 2 - 1.0 - 1e-12)
    assert (z > 0).any() and (z < 0).any()
    assert len(edge.rows) == pytest.approx(snap.n * 2.0 / L, rel=0.05)
    x_slab = plane_view(snap, Slab("x", 0.5, 2.0))
    assert x_slab.axes == ("y", "z")
    np.testing.assert_allclose(x_slab.xy, snap.positions[x_slab.rows][:, 1:])


def test_bad_slab_is_refused():
    with pytest.raises(GlassvizError):
        Slab("w")
    with pytest.raises(GlassvizError):
        Slab("z", 0.5, 0.0)


def test_particles_are_drawn_at_their_species_size():
    import glassviz
    from tests.conftest import DEMO_GLASS

    snap = glassviz.load(DEMO_GLASS)
    r = particle_radii(snap)
    assert set(np.round(r, 3)) == {0.5, 0.44}  # KA: sigma_AA = 1, sigma_BB = 0.88
