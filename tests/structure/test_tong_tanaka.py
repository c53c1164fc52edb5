"""Tong-Tanaka Θ: zero on a perfect lattice, equal to a brute-force reference, invariant under
periodic translation and relabelling; compactness likewise against loops."""

import itertools

import numpy as np
import pytest

import glassviz
from glassviz.snapshot import minimum_image
from glassviz.structure import Compactness, TongTanaka, VoronoiNeighbours
from glassviz.systems import SYSTEMS
from tests.conftest import BOTAN_FILES, DEMO_GLASS, need_shared, triangular_lattice
from tests.helpers import make_snapshot


def neighbour_sets(s):
    """Voronoi neighbours of every particle as Python sets."""
    nl = VoronoiNeighbours().compute(s).nlist
    nbrs = [set() for _ in range(s.n)]
    for i, j in zip(nl.i.tolist(), nl.j.tolist()):
        nbrs[i].add(j)
    return nbrs


def theta_at(s, o, nbrs, sigma):
    """Θ_o by loops over pairs of Voronoi neighbours of o that neighbour each other."""
    vals = []
    for i, j in itertools.combinations(sorted(nbrs[o]), 2):
        if j not in nbrs[i]:
            continue
        u = minimum_image(s.h, s.positions[i] - s.positions[o])
        v = minimum_image(s.h, s.positions[j] - s.positions[o])
        t1 = np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1))
        so, si, sj = s.species[o], s.species[i], s.species[j]
        a, b, c = sigma[so, si], sigma[so, sj], sigma[si, sj]
        vals.append(abs(t1 - np.arccos((a * a + b * b - c * c) / (2 * a * b))))
    return np.mean(vals)


def brute_force_theta(s, sigma):
    nbrs = neighbour_sets(s)
    return np.array([theta_at(s, o, nbrs, sigma) for o in range(s.n)])


def test_perfect_triangular_lattice_is_zero():
    pos, h = triangular_lattice(16, 18, a=1.1)
    tt = TongTanaka().compute(make_snapshot(pos, h))
    assert np.all(tt.n_pairs == 6)
    assert np.abs(tt.theta).max() < 1e-12


def test_equals_brute_force_on_ka2d():
    s = glassviz.load(DEMO_GLASS)
    sigma = SYSTEMS["KA2D"].sigma_matrix
    fast = TongTanaka().compute(s).theta
    slow = brute_force_theta(s, sigma)
    assert np.abs(fast - slow).max() < 1e-10
    assert 0.05 < fast.mean() < 0.4  # a glass: a few degrees of mismatch per triangle


def test_equals_brute_force_in_3d():
    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    sigma = SYSTEMS["KA3D"].sigma_matrix
    fast = TongTanaka().compute(s).theta
    # brute force on a subset of centres (the neighbour sets are global)
    nbrs = neighbour_sets(s)
    for o in range(0, s.n, 97):
        assert fast[o] == pytest.approx(theta_at(s, o, nbrs, sigma), abs=1e-10)


def test_translation_and_relabelling_invariance(rng):
    s = glassviz.load(DEMO_GLASS)
    base = TongTanaka().compute(s).theta
    shifted = s.with_positions(s.positions + np.array([13.7, -21.3]))
    np.testing.assert_allclose(TongTanaka().compute(shifted).theta, base, atol=1e-10)
    perm = rng.permutation(s.n)
    permuted = s.take(perm)
    np.testing.assert_allclose(TongTanaka().compute(permuted).theta, base[perm], atol=1e-10)


def test_sigma_is_a_parameter():
    s = glassviz.load(DEMO_GLASS)
    a = TongTanaka().compute(s).theta
    b = TongTanaka(sigma=[[1.0, 0.8], [0.8, 0.88]]).compute(s).theta
    assert not np.allclose(a, b)


def test_compactness_brute_force_and_fcc():
    s = glassviz.load(need_shared(BOTAN_FILES[1]))
    sigma = SYSTEMS["KA3D"].sigma_matrix
    c = Compactness().compute(s)
    nbrs = neighbour_sets(s)
    for o in range(0, s.n, 211):
        omegas = []
        for a, b, cc in itertools.combinations(sorted(nbrs[o]), 3):
            if b in nbrs[a] and cc in nbrs[a] and cc in nbrs[b]:
                pts = {k: minimum_image(s.h, s.positions[k] - s.positions[o]) for k in (a, b, cc)}
                pts[o] = np.zeros(3)
                num = den = 0.0
                for p, q in itertools.combinations((o, a, b, cc), 2):
                    sg = sigma[s.species[p], s.species[q]]
                    num += abs(np.linalg.norm(pts[p] - pts[q]) - sg)
                    den += sg
                omegas.append(num / den)
        assert c.omega[o] == pytest.approx(np.mean(omegas), abs=1e-10)
        assert c.n_tetrahedra[o] == len(omegas)
