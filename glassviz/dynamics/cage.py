"""Cage-relative displacement (DESIGN.md "Propensity").

    dr_i^CR(t) = dr_i(t) - (1/|V_i|) sum_{j in V_i} dr_j(t)

with V_i the Voronoi neighbours of i in the initial configuration.  Removing the mean motion of
the cage filters out the collective long-wavelength (Mermin-Wagner) fluctuations that dominate
raw displacements in 2D (Illing et al., PNAS 114, 1856 (2017); Flenner & Szamel, PNAS 116, 2015
(2019)); glassviz stores the replica average of |dr^CR| as ``cage_propensity``.
"""

from __future__ import annotations

import numpy as np

from glassviz.dynamics.propensity import ensemble_frame, replica_displacements, stored_average


def cage_relative(dr: np.ndarray, nlist) -> np.ndarray:
    """(..., N, d) cage-relative displacements.

    Parameters
    ----------
    dr : (..., N, d) displacements (any leading replica/time axes).
    nlist : :class:`~glassviz.structure.neighbours.NeighbourList` of the initial configuration
        (Voronoi neighbours, both directions).
    """
    from scipy.sparse import csr_matrix

    n, d = dr.shape[-2], dr.shape[-1]
    lead = dr.shape[:-2]
    counts = np.bincount(nlist.i, minlength=n).astype(np.float64)
    mean_op = csr_matrix((1.0 / np.maximum(counts, 1)[nlist.i], (nlist.i, nlist.j)), shape=(n, n))
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
