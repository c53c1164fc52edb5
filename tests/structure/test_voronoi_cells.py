"""The compiled periodic Voronoi tessellation: exact cells on lattices, freud's cells on
disordered and triclinic systems, degenerate and tiny boxes, overlapping particles."""

import numpy as np
import pytest

import glassviz
from glassviz.structure.voronoi_cells import OverlappingParticles, tessellate
from tests.conftest import DEMO_GLASS, triangular_lattice


def cubic_lattice(basis, cells: int, a: float = 1.0):
    """Positions of a cubic lattice with the given basis (fractions of a), and its box."""
    g = np.stack(np.meshgrid(*[np.arange(cells)] * 3, indexing="ij"), -1).reshape(-1, 3)
    pos = (g[:, None, :] + np.asarray(basis)[None, :, :]).reshape(-1, 3) * a
    return pos - 0.5 * cells * a, np.eye(3) * cells * a


@pytest.mark.parametrize("basis, volume, faces, area", [
    # rhombic dodecahedra: 12 faces of area a^2 sqrt(2)/8; the 6 second neighbours touch only vertices
    ([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]], 0.25, [12], [np.sqrt(2) / 8]),
    # truncated octahedra: 8 hexagons (a^2 3 sqrt(3)/16) and 6 squares (a^2 / 8)
    ([[0, 0, 0], [0.5, 0.5, 0.5]], 0.5, [14], [3 * np.sqrt(3) / 16, 1 / 8]),
    # cubes: the 12 + 8 further neighbours touch only edges and corners
    ([[0, 0, 0]], 1.0, [6], [1.0]),
])
def test_cubic_lattices_give_exact_cells(basis, volume, faces, area):
    a = 1.3
    pos, h = cubic_lattice(basis, 4, a)
    # a tiny shift off the lattice's special origin must not matter
    vol, i, j, vec, w = tessellate(pos + 1e-3, h)
    np.testing.assert_allclose(vol, volume * a**3, rtol=1e-12)
    assert set(np.bincount(i, minlength=len(pos))) == set(faces)
    assert set(np.round(w / a**2, 10)) == set(np.round(area, 10))
    # V = sum_f A_f |r_ij| / 6
    np.testing.assert_allclose(np.bincount(i, w * np.linalg.norm(vec, axis=1) / 6), vol, rtol=1e-12)


def test_triangular_lattice_hexagons():
    pos, h = triangular_lattice()
    vol, i, j, vec, w = tessellate(pos, h)
    np.testing.assert_allclose(vol, np.sqrt(3) / 2, rtol=1e-12)
    assert np.all(np.bincount(i) == 6)
    np.testing.assert_allclose(w, 1 / np.sqrt(3), rtol=1e-12)  # hexagon side for unit spacing
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), 1.0, rtol=1e-12)


def qhull_cells(pos, h):
    """Reference cells from scipy's Voronoi (qhull) over the 3^d periodic images: face
    (i, j) -> (area or length, vector), and the volumes from the faces (V = sum A r / (2d))."""
    from itertools import product

    from scipy.spatial import Voronoi

    n, d = pos.shape
    shifts = np.array(list(product((-1, 0, 1), repeat=d)), dtype=float) @ h.T
    pts = (pos[None, :, :] + shifts[:, None, :]).reshape(-1, d)
    centre = int(np.flatnonzero(np.all(shifts == 0, axis=1))[0])
    vor = Voronoi(pts)
    faces = {}
    for (p, q), ridge in zip(vor.ridge_points, vor.ridge_vertices):
        for a, b in ((p, q), (q, p)):
            if a // n != centre:
                continue
            verts = vor.vertices[ridge]
            vec = pts[b] - pts[a]
            if d == 2:
                size = np.linalg.norm(verts[1] - verts[0])
            else:
                c = verts.mean(0)
                u = np.cross(vec, [0.3, 0.5, 0.7])
                u /= np.linalg.norm(u)
                w = np.cross(vec / np.linalg.norm(vec), u)
                verts = verts[np.argsort(np.arctan2((verts - c) @ w, (verts - c) @ u))]
                size = 0.5 * np.linalg.norm(sum(np.cross(verts[k] - verts[0], verts[k + 1] - verts[0])
                                                for k in range(1, len(verts) - 1)))
            faces[(a % n, b % n)] = (size, vec)
    volumes = np.zeros(n)
    for (a, _), (size, vec) in faces.items():
        volumes[a] += size * np.linalg.norm(vec) / (2 * d)
    return faces, volumes


@pytest.mark.parametrize("dim, h", [(3, np.diag([7.0, 7.0, 7.0])), (2, np.diag([18.0, 18.0]))])
def test_disordered_cells_equal_qhulls(dim, h, rng):
    """Every face of a Poisson point set, however small, with its area and image vector, equals
    an independent tessellation's (scipy's qhull over the periodic images)."""
    pos = rng.random((300, dim)) @ h.T - 0.5 * np.diag(h)
    vol, i, j, vec, w = tessellate(pos, h)
    faces, qvol = qhull_cells(pos, h)
    faces = {k: v for k, v in faces.items() if v[0] > 1e-12}
    assert set(zip(i.tolist(), j.tolist())) == set(faces)
    for a, b, v, x in zip(i.tolist(), j.tolist(), vec, w):
        assert x == pytest.approx(faces[(a, b)][0], rel=1e-8)
        np.testing.assert_allclose(v, faces[(a, b)][1], atol=1e-12)
    np.testing.assert_allclose(vol, qvol, rtol=1e-10)
    assert vol.sum() == pytest.approx(abs(np.linalg.det(h)), rel=1e-12)


@pytest.mark.parametrize("h", [np.array([[8.0, 2.0, -1.0], [0.0, 8.0, 1.0], [0.0, 0.0, 8.0]]),
                               np.array([[32.0, 8.0], [0.0, 16.0]])])
def test_triclinic_cells_equal_freuds(h, rng):
    """In triclinic boxes the cells equal freud's (voro++'s), given the same float32 positions
    (tilts exact in float32).  freud may omit faces of vanishing area, and it sometimes keeps a
    face from one side only; it never has a face we lack."""
    import freud

    from glassviz.snapshot import box_from_matrix, wrap

    dim = len(h)
    pos = wrap(h, rng.random((700, dim)) @ h.T)[0].astype(np.float32).astype(np.float64)
    vol, i, j, vec, w = tessellate(pos, h)
    pts = pos if dim == 3 else np.column_stack([pos, np.zeros(len(pos))])
    vor = freud.locality.Voronoi().compute((box_from_matrix(h, dim), pts.astype(np.float32)))
    np.testing.assert_allclose(vol, vor.volumes, rtol=1e-12)
    ours = dict(zip(zip(i.tolist(), j.tolist()), w))
    nl = vor.nlist
    theirs = dict(zip(zip(nl.query_point_indices.tolist(), nl.point_indices.tolist()), nl.weights))
    assert set(theirs) <= set(ours)
    for a, b in set(ours) - set(theirs):
        assert (b, a) in theirs or ours[(a, b)] < 1e-4 * np.median(w)
    for key, x in theirs.items():
        assert ours[key] == pytest.approx(x, rel=1e-6)
    # each face seen from both sides: same weight, opposite vector
    order = np.lexsort((i, j))
    np.testing.assert_array_equal(i[order], j)
    np.testing.assert_allclose(w[order], w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(vec[order], -vec, atol=1e-12)


def test_demo_glass_vectors_are_minimum_images():
    s = glassviz.load(DEMO_GLASS)
    from glassviz.snapshot import minimum_image

    vol, i, j, vec, w = tessellate(s.positions, s.h)
    assert vol.sum() == pytest.approx(s.volume, rel=1e-12)
    np.testing.assert_allclose(vec, minimum_image(s.h, s.positions[j] - s.positions[i]), atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_boxes_smaller_than_the_search_radius(n, rng):
    """A cell may touch images of its own particle: a single particle's cell is the box."""
    h = np.array([[1.0, 0.3, 0.0], [0.0, 1.2, 0.2], [0.0, 0.0, 0.9]])
    pos = rng.random((n, 3)) @ h.T
    vol, i, j, vec, w = tessellate(pos, h)
    assert vol.sum() == pytest.approx(np.linalg.det(h), rel=1e-12)
    if n == 1:
        assert np.all(j == 0) and len(j) >= 6  # its own images


def test_thread_count_does_not_change_the_result(rng):
    h = np.diag([14.0, 14.0, 14.0])
    pos = rng.random((3000, 3)) @ h.T
    one = tessellate(pos, h, threads=1)
    two = tessellate(pos, h, threads=2, chunk=1000)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def test_coincident_particles_are_an_error():
    pos = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    with pytest.raises(OverlappingParticles, match="particle 1"):
        tessellate(pos, np.eye(3) * 4)
