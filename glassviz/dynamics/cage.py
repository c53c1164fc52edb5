"""Cage-relative displacement (DESIGN.md "Propensity").

    dr_i^CR(t) = dr_i(t) - (1/|V_i|) sum_{j in V_i} dr_j(t)

with V_i the Voronoi neighbours of i in the initial configuration.  Removing the mean motion of
the cage filters out the collective long-wavelength (Mermin-Wagner) fluctuations that dominate
raw displacements in 2D (Illing et al., PNAS 114, 1856 (2017); Flenner & Szamel, PNAS 116, 2015
(2019)); glassviz stores the replica average of |dr^CR| as ``cage_propensity``.

Oyama, Koyama & Kawasaki (Front. Phys. 10, 1007861 (2023), Sec. IV D) use the cage-relative
*squared* displacement (CRSD) with the cage mean taken over i and its neighbours,

    Delta_i^s(t) = | d_i^s(t) - (1/(|V_i| + 1)) sum_{j in V_i + {i}} d_j^s(t) |^2,

and its replica mean Delta_i = < Delta_i^s >_s, stored as ``cage_msd``; their clock is the
cage-relative root mean-squared displacement delta(t) = (1/N) sum_i sqrt(Delta_i(t))
(:func:`cage_rms_displacement`).
"""

from __future__ import annotations

import numpy as np

from glassviz.dynamics.propensity import ensemble_frame, replica_displacements, stored_average


def cage_relative(dr: np.ndarray, nlist, include_self: bool = False) -> np.ndarray:
    """(..., N, d) cage-relative displacements.

    Parameters
    ----------
    dr : (..., N, d) displacements (any leading replica/time axes).
    nlist : :class:`~glassviz.structure.neighbours.NeighbourList` of the initial configuration
        (Voronoi neighbours, both directions).
    include_self : the cage mean runs over i and its neighbours (Oyama et al.) instead of the
        neighbours alone.
    """
    from scipy.sparse import csr_matrix

    n, d = dr.shape[-2], dr.shape[-1]
    lead = dr.shape[:-2]
    rows, cols_ = np.asarray(nlist.i), np.asarray(nlist.j)
    if include_self:
        rows = np.concatenate([rows, np.arange(n)])
        cols_ = np.concatenate([cols_, np.arange(n)])
    counts = np.bincount(rows, minlength=n).astype(np.float64)
    mean_op = csr_matrix((1.0 / np.maximum(counts, 1)[rows], (rows, cols_)), shape=(n, n))
    # one sparse product over all replicas/times: columns are (replica, component)
    cols = np.moveaxis(dr.reshape(-1, n, d), 1, 0).reshape(n, -1)
    cage = np.moveaxis((mean_op @ cols).reshape(n, -1, d), 0, 1).reshape(*lead, n, d)
    return dr - cage


def cage_propensity(snapshot, time: float | None = None) -> np.ndarray:
    """(N,) replica average of |dr^CR| at the stored ``time``."""
    ens, k = ensemble_frame(snapshot, time)
    if ens.replicas_at(k) is None:
        return stored_average(snapshot, "cage_propensity", time, "cage-relative propensity")
    from glassviz.structure.neighbours import VoronoiNeighbours

    initial = snapshot.with_positions(ens.initial)
    nlist = VoronoiNeighbours().compute(initial).nlist
    cr = cage_relative(replica_displacements(snapshot, time), nlist)
    return np.sqrt(np.einsum("rnd,rnd->rn", cr, cr)).mean(axis=0)


def cage_msd(snapshot, time: float | None = None) -> np.ndarray:
    """(N,) Oyama's dynamic propensity Delta_i: the replica mean of the cage-relative squared
    displacement (cage = i and its Voronoi neighbours) at the stored ``time``."""
    ens, _ = ensemble_frame(snapshot, time)
    if ens.positions is None:
        return stored_average(snapshot, "cage_msd", time, "cage-relative squared displacement (cage_msd)")
    from glassviz.structure.neighbours import VoronoiNeighbours

    initial = snapshot.with_positions(ens.initial)
    nlist = VoronoiNeighbours().compute(initial).nlist
    cr = cage_relative(replica_displacements(snapshot, time), nlist, include_self=True)
    return np.einsum("rnd,rnd->rn", cr, cr).mean(axis=0)


def cage_rms_displacement(delta: np.ndarray) -> float:
    """Oyama's clock delta = (1/N) sum_i sqrt(Delta_i) from the (N,) CRSD propensities."""
    return float(np.sqrt(np.asarray(delta, dtype=np.float64)).mean())
