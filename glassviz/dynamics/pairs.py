"""Pair-resolved dynamics: the BOTAN edge target and bond breakage.

Pair-distance change (Shiba et al., JCP 158, 084503 (2023), the BOTAN edge target):

    Delta_ij(t) = < |r_ij^k(t)| - |r_ij(0)| >_k      for pairs with |r_ij(0)| < r_c (r_c = 2.0)

minimum-image separations, replica average over k.  BOTAN scores A-A pairs with
|r_ij(0)| < 1.35.

Bond breakage (Yamamoto & Onuki, PRE 58, 3515 (1998)): i and j are bonded at t = 0 when
|r_ij(0)| < A1 sigma_ij and the bond is broken at t when |r_ij(t)| > A2 sigma_ij
(A1 = 1.1, A2 = 1.5, sigma the LJ pair sizes).  Per particle, the replica average of the
fraction of its initial bonds that are broken.
"""

from __future__ import annotations

import numpy as np

from glassviz.dynamics.propensity import ensemble_frame, stored_average
from glassviz.errors import InputError
from glassviz.snapshot import minimum_image

EDGE_CUTOFF = 2.0
A1, A2 = 1.1, 1.5


def initial_pairs(snapshot, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """(E, 2) pairs i < j with |r_ij| < cutoff in ``snapshot`` and their (E,) distances."""
    from glassviz.structure.neighbours import pairs_within

    i, j, dist = pairs_within(snapshot, cutoff)
    return np.column_stack([i, j]), dist


def pair_distances_in(h: np.ndarray, positions: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """(..., E) minimum-image |r_j - r_i| for positions of shape (..., N, d)."""
    vec = positions[..., pairs[:, 1], :] - positions[..., pairs[:, 0], :]
    vec = minimum_image(h, vec.reshape(-1, vec.shape[-1])).reshape(vec.shape)
    return np.sqrt(np.einsum("...d,...d->...", vec, vec))


def distance_change(h, initial: np.ndarray, replicas: np.ndarray, pairs: np.ndarray,
                    r0: np.ndarray | None = None) -> np.ndarray:
    """(E,) replica-averaged |r_ij(t)| - |r_ij(0)| from replica positions (R, N, d)."""
    if r0 is None:
        r0 = pair_distances_in(h, initial, pairs)
    return (pair_distances_in(h, replicas, pairs) - r0[None]).mean(axis=0)


def broken_bond_fraction(h, initial: np.ndarray, replicas: np.ndarray, species: np.ndarray,
                         lj_sigma: np.ndarray, pairs: np.ndarray, r0: np.ndarray) -> np.ndarray:
    """(N,) replica average of the fraction of each particle's initial bonds broken.

    ``pairs``/``r0``: candidate pairs (i < j) and their initial distances, covering every pair
    closer than ``A1 * max(sigma)``.  Particles with no bond get 0.
    """
    n = initial.shape[0]
    sig = np.asarray(lj_sigma)[species[pairs[:, 0]], species[pairs[:, 1]]]
    bonded = r0 < A1 * sig
    bp, bsig = pairs[bonded], sig[bonded]
    n_bonds = np.bincount(bp.ravel(), minlength=n).astype(np.float64)
    broken = (pair_distances_in(h, replicas, bp) > A2 * bsig[None]).astype(np.float64)  # (R, B)
    per = np.zeros((replicas.shape[0], n))
    for r in range(replicas.shape[0]):
        per[r] = np.bincount(bp[:, 0], broken[r], minlength=n) + np.bincount(bp[:, 1], broken[r], minlength=n)
    return (per / np.maximum(n_bonds, 1)[None]).mean(axis=0)


def pair_distance_change(snapshot, time: float | None = None, cutoff: float = EDGE_CUTOFF):
    """Edge target at the stored ``time``: ((E, 2) pairs i < j, (E,) mean distance change).

    Read from the file when stored (glassviz datasets), else computed from the replicas.
    """
    ens, k = ensemble_frame(snapshot, time)
    if ens.edge_change is not None and ens.edge_index is not None:
        if ens.edge_cutoff is not None and cutoff > ens.edge_cutoff + 1e-12:
            raise InputError(snapshot.source, f"stores pair changes for r < {ens.edge_cutoff:g} only, "
                             f"not {cutoff:g}")
        keep = np.ones(len(ens.edge_index), dtype=bool)
        if ens.edge_cutoff is None or cutoff < ens.edge_cutoff:
            keep = pair_distances_in(snapshot.h, ens.initial, ens.edge_index) < cutoff
        return ens.edge_index[keep], np.asarray(ens.edge_change[k][keep], dtype=np.float64)
    reps = ens.replicas_at(k)
    if reps is None:
        raise InputError(snapshot.source, "stores neither pair-distance changes nor replica positions"
                         + (f" at t = {ens.times[k]:g}" if ens.positions is not None else ""))
    initial = snapshot.with_positions(ens.initial)
    pairs, r0 = initial_pairs(initial, cutoff)
    return pairs, distance_change(snapshot.h, ens.initial, reps, pairs, r0)


def bond_breakage(snapshot, time: float | None = None, lj_sigma=None) -> np.ndarray:
    """(N,) mean fraction of broken initial bonds at the stored ``time``.

    ``lj_sigma``: (S, S) pair sizes; default from the recognised system (KA: 1, 0.8, 0.88).
    """
    ens, k = ensemble_frame(snapshot, time)
    reps = ens.replicas_at(k)
    if reps is None:
        return stored_average(snapshot, "bond_breakage", time, "bond breakage")
    if lj_sigma is None:
        system = snapshot.system()
        if system is None:
            raise InputError(snapshot.source, "unrecognised system: give the pair sizes lj_sigma")
        lj_sigma = np.asarray(system.lj_sigma)
    lj_sigma = np.asarray(lj_sigma, dtype=np.float64)
    initial = snapshot.with_positions(ens.initial)
    pairs, r0 = initial_pairs(initial, A1 * float(lj_sigma.max()))
    return broken_bond_fraction(snapshot.h, ens.initial, reps, snapshot.species, lj_sigma, pairs, r0)
