"""Tong-Tanaka structural order: the bond-angle form Θ (2D and 3D) and tetrahedral compactness Ω (3D).

Tong & Tanaka, PRX 8, 011041 (2018); Nat. Commun. 10, 5596 (2019); as used by Oyama et al.,
Front. Phys. 10, 1007861 (2023), eq. (6):

    Θ_o = (1 / N_o) Σ_<ij> | θ¹_ij - θ²_ij |

over the pairs (i, j) of Voronoi neighbours of o that are also Voronoi neighbours of each
other (the Delaunay triangles around o).  θ¹_ij is the measured angle i-o-j (periodic image of
the Voronoi neighbour), θ²_ij the ideal angle of touching particles, from the law of cosines
with sides σ_oi, σ_oj, σ_ij:

    cos θ² = (σ_oi² + σ_oj² - σ_ij²) / (2 σ_oi σ_oj).

N_o is the number of such pairs, so Θ_o is their mean.  In 2D it equals the number of Voronoi
neighbours of o (Oyama's wording); in 3D it is Tong & Tanaka's count of neighbouring pairs.
A perfect triangular lattice of equal discs gives Θ = 0 exactly.

Compactness (3D; partycls ``CompactnessDescriptor``): over the tetrahedra (o, i, j, k) of
mutual Voronoi neighbours,

    ω_oijk = Σ_<ab> |r_ab - σ_ab| / Σ_<ab> σ_ab   (the 6 edges),   Ω_o = mean_t ω_t.

The σ matrix is a parameter; the defaults come from the recognised system
(:mod:`glassviz.systems`): additive mixtures (σ_i + σ_j)/2, KA with σ_AA = 1, σ_BB = 0.88,
σ_AB = 0.94 (Oyama's additive assumption).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from glassviz.structure.neighbours import VoronoiNeighbours
from glassviz.systems import default_sigma

_CHUNK_ENTRIES = 8_000_000


def _chunks(counts: np.ndarray, width_of) -> list[tuple[int, int]]:
    """Split particles into chunks holding about _CHUNK_ENTRIES candidate entries each."""
    n = len(counts)
    cmax = int(counts.max()) if n else 0
    step = max(1, _CHUNK_ENTRIES // max(1, width_of(cmax)))
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def _local(nlist, start: int, stop: int):
    """Per-chunk local neighbour tables.

    Returns
    -------
    J : (n, cmax) neighbour indices (0 where absent).
    V : (n, cmax, d) vectors o -> neighbour.
    mutual : (n, cmax, cmax) bool, local neighbours a, b of o are neighbours of each other
        (False wherever a or b is absent).
    """
    counts = nlist.counts
    starts = nlist.starts
    c = counts[start:stop]
    cmax = int(c.max())
    a = np.arange(cmax)
    present = a[None, :] < c[:, None]
    e = np.where(present, starts[start:stop, None] + a[None, :], 0)
    J = np.where(present, nlist.j[e], 0)
    V = nlist.vectors[e]
    ia, ib = np.triu_indices(cmax, 1)
    ok = present[:, ib]  # b < c implies a < c
    rows, cols = np.nonzero(ok)
    mutual = np.zeros((len(c), cmax, cmax), dtype=bool)
    hit = nlist.has_pairs(J[rows, ia[cols]], J[rows, ib[cols]])
    mutual[rows[hit], ia[cols][hit], ib[cols][hit]] = True
    mutual |= mutual.transpose(0, 2, 1)
    return J, V, mutual


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between vectors (..., d), accurate at 0 and pi: atan2(|u x v|, u.v)."""
    dot = np.einsum("...k,...k->...", u, v)
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    return np.arctan2(cross, dot)


class _LocalOrder:
    """Shared settings and loop: a per-particle mean of terms over neighbour simplices."""

    def __init__(self, sigma=None, system: str | None = None):
        self.sigma = None if sigma is None else np.asarray(sigma, dtype=np.float64)
        self.system = system

    def _mean_over_chunks(self, snapshot, neighbours, width_of, terms):
        """Mean over each particle's simplices of ``terms(start, J, V, mutual, sigma, species)``,
        which returns (centre indices, values); NaN where a particle has none.

        Returns (mean (N,), count (N,)).
        """
        sigma = self.sigma if self.sigma is not None else default_sigma(snapshot, self.system)
        nlist = (neighbours or VoronoiNeighbours().compute(snapshot)).nlist
        total = np.zeros(snapshot.n)
        count = np.zeros(snapshot.n, dtype=np.int64)
        for start, stop in _chunks(nlist.counts, width_of):
            J, V, mutual = _local(nlist, start, stop)
            o, values = terms(start, J, V, mutual, sigma, snapshot.species)
            total += np.bincount(o, values, minlength=snapshot.n)
            count += np.bincount(o, minlength=snapshot.n)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return mean, count


class TongTanaka(_LocalOrder):
    """Tong-Tanaka bond-angle order Θ_o (2D and 3D); see the module docstring.

    Parameters
    ----------
    sigma : (S, S) particle-size matrix, or None for the recognised system's default.
    system : system name overriding recognition (e.g. ``"KA2D"``).

    Attributes (after ``compute``)
    ------------------------------
    theta : (N,) float64, radians (NaN for a particle with no neighbouring pair).
    n_pairs : (N,) int64, N_o.
    """

    def compute(self, snapshot, neighbours: VoronoiNeighbours | None = None) -> "TongTanaka":
        self._theta, self._n_pairs = self._mean_over_chunks(
            snapshot, neighbours, lambda m: m * (m - 1) // 2, _angle_terms)
        return self

    @property
    def theta(self) -> np.ndarray:
        return self._theta

    @property
    def n_pairs(self) -> np.ndarray:
        return self._n_pairs


def _angle_terms(start, J, V, mutual, sigma, sp):
    """|θ¹ - θ²| for every pair (a, b) of mutual neighbours of each centre o."""
    ia, ib = np.triu_indices(J.shape[1], 1)
    rows, cols = np.nonzero(mutual[:, ia, ib])
    a, b = ia[cols], ib[cols]
    o = rows + start
    theta1 = _angle(V[rows, a], V[rows, b])
    s_oa = sigma[sp[o], sp[J[rows, a]]]
    s_ob = sigma[sp[o], sp[J[rows, b]]]
    s_ab = sigma[sp[J[rows, a]], sp[J[rows, b]]]
    cos2 = (s_oa**2 + s_ob**2 - s_ab**2) / (2.0 * s_oa * s_ob)
    return o, np.abs(theta1 - np.arccos(np.clip(cos2, -1.0, 1.0)))


class Compactness(_LocalOrder):
    """Tetrahedral compactness Ω_o (3D only); see the module docstring.

    Attributes (after ``compute``)
    ------------------------------
    omega : (N,) float64 (NaN for a particle in no tetrahedron).
    n_tetrahedra : (N,) int64.
    """

    def compute(self, snapshot, neighbours: VoronoiNeighbours | None = None) -> "Compactness":
        from glassviz.errors import GlassvizError

        if snapshot.dim != 3:
            raise GlassvizError(f"{snapshot.source}: tetrahedral compactness is defined in 3D only "
                                f"(this snapshot is {snapshot.dim}D); use tong_tanaka")
        self._omega, self._n_tet = self._mean_over_chunks(
            snapshot, neighbours, lambda m: m * (m - 1) * (m - 2) // 6, _tetrahedron_terms)
        return self

    @property
    def omega(self) -> np.ndarray:
        return self._omega

    @property
    def n_tetrahedra(self) -> np.ndarray:
        return self._n_tet


def _tetrahedron_terms(start, J, V, mutual, sigma, sp):
    """ω of every tetrahedron (o, a, b, c) of mutual neighbours of each centre o."""
    trip = np.array(list(combinations(range(J.shape[1]), 3)), dtype=np.int64).reshape(-1, 3)
    ta, tb, tc = trip.T
    rows, cols = np.nonzero(mutual[:, ta, tb] & mutual[:, ta, tc] & mutual[:, tb, tc])
    o = rows + start
    idx = [ta[cols], tb[cols], tc[cols]]
    vecs = [np.zeros((len(o), 3))] + [V[rows, k] for k in idx]      # o at the origin
    spec = [sp[o]] + [sp[J[rows, k]] for k in idx]
    num = np.zeros(len(o))
    den = np.zeros(len(o))
    for p, q in combinations(range(4), 2):                          # the 6 edges
        s_pq = sigma[spec[p], spec[q]]
        num += np.abs(np.linalg.norm(vecs[q] - vecs[p], axis=1) - s_pq)
        den += s_pq
    return o, num / den
