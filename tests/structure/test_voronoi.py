"""Voronoi volumes tile the box; coordination on a lattice."""

import numpy as np
import pytest

import glassviz
from glassviz.structure import VoronoiVolume
from tests.conftest import BOTAN_FILES, DEMO_GLASS, STRUCTDYN, need_shared, triangular_lattice
from tests.helpers import make_snapshot


@pytest.mark.parametrize("path", [STRUCTDYN, DEMO_GLASS, BOTAN_FILES[0]])
def test_volumes_sum_to_box(path):
    s = glassviz.load(need_shared(path))
    vv = VoronoiVolume().compute(s)
    assert vv.volumes.shape == (s.n,)
    assert abs(vv.volumes.sum() / s.volume - 1.0) < 1e-6
    assert np.all(vv.volumes > 0)


def test_triclinic_volumes_sum_to_box(rng):
    h = np.array([[10.0, 2.5, -1.0], [0.0, 9.0, 1.5], [0.0, 0.0, 8.0]])
    s = make_snapshot(rng.random((700, 3)) @ h.T, h)
    assert VoronoiVolume().compute(s).volumes.sum() == pytest.approx(np.linalg.det(h), rel=1e-6)


def test_triangular_lattice_cells():
    pos, h = triangular_lattice()
    vv = VoronoiVolume().compute(make_snapshot(pos, h))
    np.testing.assert_allclose(vv.volumes, np.sqrt(3) / 2, rtol=1e-5)
    assert np.all(vv.coordination == 6)


def test_neighbour_list_symmetric():
    s = glassviz.load(DEMO_GLASS)
    nl = VoronoiVolume().compute(s).neighbours.nlist
    fwd = set(zip(nl.i.tolist(), nl.j.tolist()))
    assert all((j, i) in fwd for i, j in fwd)
    # vectors are exact float64 minimum images of the stored positions
    from glassviz.snapshot import minimum_image

    np.testing.assert_allclose(nl.vectors, minimum_image(s.h, s.positions[nl.j] - s.positions[nl.i]), atol=1e-12)
