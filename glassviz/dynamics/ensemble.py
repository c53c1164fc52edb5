"""All per-time ensemble averages of one isoconfigurational ensemble at once.

Used when an ensemble is simulated: glassviz datasets store these averages instead of the
replicas' positions (R times smaller), and :mod:`glassviz.dynamics` reads them back.
"""

from __future__ import annotations

import numpy as np

from glassviz.dynamics.cage import cage_relative
from glassviz.dynamics.pairs import A1, EDGE_CUTOFF, broken_bond_fraction, distance_change, initial_pairs
from glassviz.dynamics.propensity import displacement_moments


def ensemble_averages(snapshot, replicas: np.ndarray, lj_sigma, edge_cutoff: float = EDGE_CUTOFF,
                      initial: np.ndarray | None = None):
    """Averages over replicas at every stored time.

    Parameters
    ----------
    snapshot : the initial configuration (its ``positions`` are the replicas' start, same frame).
    replicas : (T, R, N, d) unwrapped replica positions at T times.
    lj_sigma : (S, S) LJ pair sizes (bond breakage).
    edge_cutoff : pairs with r_ij(0) below it get the pair-distance change.
    initial : (N, d) the replicas' exact start in their frame (default ``snapshot.positions``).

    Returns
    -------
    averages : dict name -> (T, N) float32: ``propensity``, ``propensity2``, ``cage_propensity``,
        ``cage_msd`` (Oyama's CRSD), ``bond_breakage``.
    edge_index : (E, 2) int32, pairs i < j.
    edge_change : (T, E) float32.
    """
    from glassviz.structure.neighbours import VoronoiNeighbours

    lj_sigma = np.asarray(lj_sigma, dtype=np.float64)
    x0 = snapshot.positions if initial is None else np.asarray(initial, dtype=np.float64)
    h = snapshot.h
    nlist = VoronoiNeighbours().compute(snapshot).nlist
    pairs, r0 = initial_pairs(snapshot, max(edge_cutoff, A1 * float(lj_sigma.max())))
    edge = r0 < edge_cutoff
    names = ("propensity", "propensity2", "cage_propensity", "cage_msd", "bond_breakage")
    out = {name: np.empty((len(replicas), len(x0)), dtype=np.float32) for name in names}
    change = np.empty((len(replicas), int(edge.sum())), dtype=np.float32)
    for k, xk in enumerate(replicas):
        dr = xk - x0[None]
        out["propensity"][k], out["propensity2"][k] = displacement_moments(dr)
        cr = cage_relative(dr, nlist)
        out["cage_propensity"][k] = np.sqrt(np.einsum("rnd,rnd->rn", cr, cr)).mean(axis=0)
        crs = cage_relative(dr, nlist, include_self=True)
        out["cage_msd"][k] = np.einsum("rnd,rnd->rn", crs, crs).mean(axis=0)
        out["bond_breakage"][k] = broken_bond_fraction(h, x0, xk, snapshot.species, lj_sigma, pairs, r0)
        change[k] = distance_change(h, x0, xk, pairs[edge], r0[edge])
    return out, pairs[edge].astype(np.int32), change
