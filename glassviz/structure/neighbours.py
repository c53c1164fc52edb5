"""The neighbour builders every indicator uses: Voronoi neighbours and chunked ball queries.

Both return float64 separation vectors: freud works in float32, so its vectors only pick the
periodic image; the vector itself is recomputed from the float64 positions, which keeps
indicators exact (e.g. Theta = 0 to 1e-15 on a perfect lattice) and correct in boxes so small
that a neighbour is not the minimum image.
"""

from __future__ import annotations

from functools import cached_property, partial
from typing import Callable

import numpy as np


def _freud_system(snapshot):
    return (snapshot.box, snapshot.freud_positions.astype(np.float32))


_CHUNK = 2_000_000  # pairs per vectorised step: bounds the float64 temporaries (~50 MB each)


def exact_vectors(snapshot, i: np.ndarray, j: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """(M, d) float64 vectors r_j - r_i for the periodic image closest to ``approx``."""
    d = snapshot.dim
    h = snapshot.box_matrix
    hinv = np.linalg.inv(h)
    out = np.empty((len(i), d))
    for a in range(0, len(i), _CHUNK):
        b = a + _CHUNK
        raw = snapshot.positions[j[a:b]] - snapshot.positions[i[a:b]]
        shift = np.round((np.asarray(approx[a:b, :d], dtype=np.float64) - raw) @ hinv.T)
        out[a:b] = raw + shift @ h.T
    return out


def pair_distances(snapshot, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(M,) minimum-image distances |r_j - r_i| in float64, computed in bounded chunks."""
    from glassviz.snapshot import minimum_image

    out = np.empty(len(i))
    for a in range(0, len(i), _CHUNK):
        b = a + _CHUNK
        dr = minimum_image(snapshot.h, snapshot.positions[j[a:b]] - snapshot.positions[i[a:b]])
        out[a:b] = np.sqrt(np.einsum("md,md->m", dr, dr))
    return out


class NeighbourList:
    """Directed neighbour pairs sorted by (i, j) (each unordered pair appears as (i, j) and (j, i)).

    Attributes
    ----------
    i, j : (M,) int64, centre and neighbour indices.
    vectors : (M, d) float64, r_j - r_i (periodic image of the neighbour); computed on first
        use when the list was built with ``vectors=None`` and a ``make_vectors`` callable (volumes
        and coordination never need them, Θ does).
    weights : (M,) float64, facet area (3D) / edge length (2D) for Voronoi neighbours, 1 otherwise.
    n : number of particles.
    """

    def __init__(self, i: np.ndarray, j: np.ndarray, vectors: np.ndarray | None, weights: np.ndarray, n: int,
                 make_vectors: Callable[[], np.ndarray] | None = None):
        if vectors is None and make_vectors is None:
            raise ValueError("NeighbourList needs vectors or a make_vectors callable")
        self.i = i
        self.j = j
        self.weights = weights
        self.n = int(n)
        self._vectors = vectors
        self._make_vectors = make_vectors

    @property
    def vectors(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = self._make_vectors()
            self._make_vectors = None
        return self._vectors

    @cached_property
    def counts(self) -> np.ndarray:
        """(N,) number of neighbours of each particle."""
        return np.bincount(self.i, minlength=self.n)

    @cached_property
    def starts(self) -> np.ndarray:
        """(N,) index in the list of each particle's first neighbour."""
        return np.concatenate([[0], np.cumsum(self.counts)[:-1]])

    @property
    def distances(self) -> np.ndarray:
        return np.linalg.norm(self.vectors, axis=1)

    def has_pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Boolean array: is (a[k], b[k]) a neighbour pair?"""
        keys = self._keys
        q = np.asarray(a, dtype=np.int64) * self.n + np.asarray(b, dtype=np.int64)
        pos = np.searchsorted(keys, q)
        pos[pos == len(keys)] = 0
        return keys[pos] == q

    @cached_property
    def _keys(self) -> np.ndarray:
        return self.i * self.n + self.j


class VoronoiNeighbours:
    """Periodic Voronoi tessellation (freud ``locality.Voronoi``): cell volumes and neighbours.

    Υ_i = volume (area in 2D) of the Voronoi cell of particle i; the cells tile the box, so
    sum_i Υ_i = V.  Neighbours share a cell face (3D) or edge (2D).

    freud's own neighbour list is used as it comes (it is already sorted by (i, j)); the float64
    vectors are computed only when an indicator asks for them, so volumes and coordination cost
    freud's time and little more.

    Attributes (after ``compute``)
    ------------------------------
    volumes : (N,) float64.
    nlist : NeighbourList, sorted by (i, j).
    """

    def __init__(self):
        self._volumes = None
        self._nlist = None

    def compute(self, snapshot) -> "VoronoiNeighbours":
        import freud

        vor = freud.locality.Voronoi()
        vor.compute(_freud_system(snapshot))
        nl = vor.nlist
        i = np.asarray(nl.query_point_indices, dtype=np.int64)
        j = np.asarray(nl.point_indices, dtype=np.int64)
        w = np.asarray(nl.weights, dtype=np.float64)
        approx = np.asarray(nl.vectors)  # float32, picks the periodic image
        keys = i * snapshot.n + j
        if len(keys) > 1 and np.any(keys[1:] < keys[:-1]):  # freud sorts by (i, j); stay safe if not
            order = np.argsort(keys, kind="stable")
            i, j, w, approx = i[order], j[order], w[order], approx[order]
        own = i == j  # a cell touching its own image only happens in absurdly small boxes
        if own.any():
            keep = ~own
            i, j, w, approx = i[keep], j[keep], w[keep], approx[keep]
        self._nlist = NeighbourList(i, j, None, w, snapshot.n,
                                    make_vectors=partial(exact_vectors, snapshot, i, j, approx))
        self._volumes = np.asarray(vor.volumes, dtype=np.float64).copy()
        return self

    @property
    def volumes(self) -> np.ndarray:
        return self._volumes

    @property
    def nlist(self) -> NeighbourList:
        return self._nlist


def ball_query_chunks(snapshot, r_max: float, chunk_pairs: int = 40_000_000, include_self: bool = True):
    """Yield neighbour lists within ``r_max`` for successive chunks of query particles.

    Each item is ``(start, stop, i, j, distances)`` with ``i`` in [start, stop); chunks are sized
    so that about ``chunk_pairs`` pairs are held at once (memory ~ 16 bytes per pair).
    Minimum image: requires r_max < L_min / 2.
    """
    import freud

    box, pts = _freud_system(snapshot)
    aq = freud.locality.AABBQuery(box, pts)
    n = snapshot.n
    density = n / snapshot.volume
    ball = (4.0 / 3.0 * np.pi * r_max**3) if snapshot.dim == 3 else (np.pi * r_max**2)
    per = max(1.0, density * ball)
    step = max(1, min(n, int(chunk_pairs / per)))
    for start in range(0, n, step):
        stop = min(n, start + step)
        nl = aq.query(pts[start:stop], {"r_max": r_max, "exclude_ii": False}).toNeighborList()
        qi = np.asarray(nl.query_point_indices, dtype=np.int64) + start
        pj = np.asarray(nl.point_indices, dtype=np.int64)
        dist = np.asarray(nl.distances)
        if not include_self:
            keep = qi != pj
            qi, pj, dist = qi[keep], pj[keep], dist[keep]
        yield start, stop, qi, pj, dist


def pairs_within(snapshot, r_max: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unordered pairs (i < j) closer than ``r_max`` (minimum image) and their float64 distances.

    Uses scipy's periodic k-d tree for orthorhombic boxes (several times faster than a freud
    query at these sizes) and freud's AABB tree for triclinic ones.
    """
    h = snapshot.h
    if np.count_nonzero(h - np.diag(np.diag(h))) == 0:
        from scipy.spatial import cKDTree

        L = np.diag(h)
        # the tree wants coordinates in [0, L); fold the rare x = L/2 rounding case back in
        pts = np.mod(snapshot.positions + 0.5 * L, L)
        pts[pts >= L] = 0.0
        pairs = cKDTree(pts, boxsize=L).query_pairs(r_max, output_type="ndarray")
        i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    else:
        import freud

        nl = freud.locality.AABBQuery(*_freud_system(snapshot)).query(
            snapshot.freud_positions.astype(np.float32), {"r_max": r_max, "exclude_ii": True}).toNeighborList()
        i = np.asarray(nl.query_point_indices, dtype=np.int64)
        j = np.asarray(nl.point_indices, dtype=np.int64)
        keep = i < j
        i, j = i[keep], j[keep]
    dist = pair_distances(snapshot, i, j)
    keep = dist < r_max
    return i[keep], j[keep], dist[keep]
