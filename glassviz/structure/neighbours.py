"""The neighbour builders every indicator uses: Voronoi neighbours and chunked ball queries.

Separation vectors are float64: the Voronoi tessellation computes them in float64 from the
positions; freud's ball queries work in float32, so their distances are recomputed from the
float64 positions (``pair_distances``), which keeps indicators exact (e.g. Theta = 0 to 1e-15
on a perfect lattice).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np


def _freud_system(snapshot):
    return (snapshot.box, snapshot.freud_positions.astype(np.float32))


_CHUNK = 2_000_000  # pairs per vectorised step: bounds the float64 temporaries (~50 MB each)


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
    vectors : (M, d) float64, r_j - r_i (periodic image of the neighbour).
    weights : (M,) float64, facet area (3D) / edge length (2D) for Voronoi neighbours, 1 otherwise.
    n : number of particles.
    """

    def __init__(self, i: np.ndarray, j: np.ndarray, vectors: np.ndarray, weights: np.ndarray, n: int):
        self.i = i
        self.j = j
        self.vectors = vectors
        self.weights = weights
        self.n = int(n)

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
    """Periodic Voronoi tessellation (:mod:`glassviz.structure.voronoi_cells`): cell volumes
    and neighbours.

    Υ_i = volume (area in 2D) of the Voronoi cell of particle i; the cells tile the box, so
    sum_i Υ_i = V.  Neighbours share a cell face (3D) or edge (2D) of nonzero area; their
    vectors are the float64 images whose bisectors carry the faces, their weights the face
    areas (3D) / edge lengths (2D).  Pairs of a particle with its own image (boxes a few
    particles wide) shape its cell but are not neighbours.

    Attributes (after ``compute``)
    ------------------------------
    volumes : (N,) float64.
    nlist : NeighbourList, sorted by (i, j).
    """

    def __init__(self):
        self._volumes = None
        self._nlist = None

    def compute(self, snapshot) -> "VoronoiNeighbours":
        from glassviz.errors import InputError
        from glassviz.structure.voronoi_cells import OverlappingParticles, tessellate

        try:
            volumes, i, j, vectors, w = tessellate(snapshot.positions, snapshot.h)
        except OverlappingParticles as exc:
            raise InputError(snapshot.source, str(exc)) from None
        own = i == j
        if own.any():
            keep = ~own
            i, j, vectors, w = i[keep], j[keep], vectors[keep], w[keep]
        self._nlist = NeighbourList(i, j, vectors, w, snapshot.n)
        self._volumes = volumes
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
