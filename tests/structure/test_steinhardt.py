"""Bond-orientational order: Steinhardt q4, q6, w6 on fcc/bcc/hcp and |psi6| on 2D lattices."""

import numpy as np
import pytest

from glassviz.errors import GlassvizError, InputError
from glassviz.fields import compute_fields
from glassviz.snapshot import Snapshot, wrap
from glassviz.structure.neighbours import VoronoiNeighbours
from glassviz.structure.steinhardt import Steinhardt, hexatic_psi6, steinhardt_q4, steinhardt_q6, steinhardt_w6
from tests.conftest import DEMO_GLASS, triangular_lattice

# Steinhardt, Nelson & Ronchetti, PRB 28, 784 (1983), 12 nearest neighbours (fcc, hcp): the
# Voronoi cells of these lattices have 12 facets of equal area, so the weighted values agree
KNOWN = {"fcc": {"q4": 0.190941, "q6": 0.574524, "w6": -0.013161},
         "hcp": {"q4": 0.097222, "q6": 0.484762, "w6": -0.012442}}


def _lattice(basis, cell, reps, rng=None):
    basis, cell = np.asarray(basis, float), np.asarray(cell, float)  # cell rows = lattice vectors
    g = np.stack(np.meshgrid(*[np.arange(r) for r in reps], indexing="ij"), -1).reshape(-1, 3)
    pos = ((g[:, None, :] + basis[None]) @ cell).reshape(-1, 3)
    h = (cell * np.asarray(reps)[:, None]).T
    if rng is not None:
        pos = pos[rng.permutation(len(pos))]
    pos, _ = wrap(h, pos - h @ np.full(3, 0.5))
    return Snapshot(pos, np.zeros(len(pos), int), (1,), np.arange(len(pos)), h)


def fcc():
    return _lattice([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]], np.eye(3), (5, 5, 5))


def bcc():
    return _lattice([[0, 0, 0], [0.5, 0.5, 0.5]], np.eye(3), (6, 6, 6))


def hcp():
    cell = [[1, 0, 0], [-0.5, np.sqrt(3) / 2, 0], [0, 0, np.sqrt(8 / 3)]]  # ideal c/a
    return _lattice([[0, 0, 0], [1 / 3, 2 / 3, 0.5]], cell, (6, 6, 4))


def _ideal(l, bonds, weights):
    """(q_l, w-hat_l) from bond vectors and weights, in float64 (scipy Y_lm, sympy 3-j)."""
    from scipy.special import sph_harm_y
    from sympy.physics.wigner import wigner_3j

    b = np.asarray(bonds, float)
    r = np.linalg.norm(b, axis=1)
    theta, phi = np.arccos(b[:, 2] / r), np.arctan2(b[:, 1], b[:, 0])
    w = np.asarray(weights, float) / np.sum(weights)
    qlm = {m: np.sum(w * sph_harm_y(l, m, theta, phi)) for m in range(-l, l + 1)}
    norm = sum(abs(v) ** 2 for v in qlm.values())
    q = np.sqrt(4 * np.pi / (2 * l + 1) * norm)
    wl = sum(float(wigner_3j(l, l, l, m1, m2, -m1 - m2)) * qlm[m1] * qlm[m2] * qlm[-m1 - m2]
             for m1 in range(-l, l + 1) for m2 in range(-l, l + 1) if abs(m1 + m2) <= l)
    return q, (wl / norm ** 1.5).real


def _ideal_bonds(name):
    if name == "fcc":
        v = [(a, b, 0) for a in (-1, 1) for b in (-1, 1)]
        bonds = [p for s in v for p in (s, (s[0], 0, s[1]), (0, s[0], s[1]))]
        return bonds, np.ones(12)
    if name == "bcc":  # truncated octahedron: 8 hexagons (area 3 sqrt(3)/16 a^2), 6 squares (a^2 / 8)
        hexes = [(a, b, c) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
        squares = [tuple(s * e) for e in np.eye(3) for s in (-1, 1)]
        return hexes + squares, np.r_[np.full(8, 3 * np.sqrt(3) / 16), np.full(6, 1 / 8)]
    s3 = np.sqrt(3)
    inplane = [(np.cos(a), np.sin(a), 0) for a in np.arange(6) * np.pi / 3]
    c2 = np.sqrt(8 / 3) / 2
    layers = [(x, y, z) for z in (-c2, c2) for (x, y) in ((0.5, s3 / 6), (-0.5, s3 / 6), (0, -s3 / 3))]
    return inplane + layers, np.ones(12)


@pytest.mark.parametrize("name,make", [("fcc", fcc), ("bcc", bcc), ("hcp", hcp)])
def test_lattice_values(name, make):
    snap = make()
    vor = VoronoiNeighbours().compute(snap)
    got = {"q4": steinhardt_q4(snap, vor), "q6": steinhardt_q6(snap, vor), "w6": steinhardt_w6(snap, vor)}
    bonds, weights = _ideal_bonds(name)
    assert vor.nlist.counts.tolist() == [len(bonds)] * snap.n
    for key, (l, wl) in {"q4": (4, False), "q6": (6, False), "w6": (6, True)}.items():
        expected = _ideal(l, bonds, weights)[1 if wl else 0]
        assert np.abs(got[key] - expected).max() < 1e-6, (name, key, got[key][:3], expected)
        if name in KNOWN:
            assert np.abs(got[key] - KNOWN[name][key]).max() < 1e-6, (name, key)
    if name == "bcc":  # facet weights matter here: the unweighted 14-neighbour q4 is 0.036370
        assert got["q4"].mean() == pytest.approx(0.224025, abs=1e-6)
        unweighted = Steinhardt(4, weighted=False).compute(snap, vor).order
        assert unweighted.mean() == pytest.approx(0.036370, abs=1e-6)


def test_weighted_q6_is_continuous_under_small_displacements(rng):
    """Displacements of 0.003 split the degenerate fcc vertices into new, tiny facets: they count
    fully in the unweighted q6 (which jumps) and hardly at all in the facet-weighted one."""
    snap = fcc()
    moved = snap.with_positions(snap.positions + rng.normal(0, 3e-3, snap.positions.shape))
    vor = VoronoiNeighbours().compute(moved)
    assert vor.nlist.counts.max() > 12
    weighted = Steinhardt(6).compute(moved, vor).order
    unweighted = Steinhardt(6, weighted=False).compute(moved, vor).order
    assert np.abs(weighted - KNOWN["fcc"]["q6"]).max() < 0.01
    assert np.abs(unweighted - KNOWN["fcc"]["q6"]).max() > 0.1


def test_hexatic_triangular_and_square():
    pos, h = triangular_lattice(12, 14)
    tri = Snapshot(wrap(h, pos - h @ np.full(2, 0.5))[0], np.zeros(len(pos), int), (1,), np.arange(len(pos)), h)
    psi = hexatic_psi6(tri)
    assert np.abs(psi - 1.0).max() < 1e-6
    g = np.stack(np.meshgrid(np.arange(10), np.arange(10), indexing="ij"), -1).reshape(-1, 2).astype(float)
    hs = np.diag([10.0, 10.0])
    sq = Snapshot(wrap(hs, g - 5.0)[0], np.zeros(100, int), (1,), np.arange(100), hs)
    assert np.abs(hexatic_psi6(sq)).max() < 1e-6  # 4-fold: exp(6i k pi/2) sums to 0


def test_fields_registered_and_dimension_checked():
    snap = fcc()
    out = compute_fields(snap, ["steinhardt_q4", "steinhardt_q6", "steinhardt_w6", "voronoi_volume"])
    assert out["steinhardt_q6"] == pytest.approx(np.full(snap.n, KNOWN["fcc"]["q6"]), abs=1e-6)
    import glassviz

    glass = glassviz.load(DEMO_GLASS)
    psi = compute_fields(glass, ["hexatic_psi6"])["hexatic_psi6"]
    assert psi.shape == (glass.n,) and psi.min() >= 0 and psi.max() <= 1 + 1e-6
    with pytest.raises(GlassvizError, match="needs a 3D snapshot"):
        compute_fields(glass, ["steinhardt_q6"])
    with pytest.raises(InputError, match="needs a 2D snapshot"):
        hexatic_psi6(snap)
