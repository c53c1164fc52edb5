"""Dynamic propensity from an isoconfigurational ensemble.

Widmer-Cooper, Harrowell & Fynewever, PRL 93, 135701 (2004); the ML convention of
Bapst et al., Nat. Phys. 16, 448 (2020) and Shiba et al., JCP 158, 084503 (2023):

    moment 1:  p_i(t) = < |r_i^k(t) - r_i(0)| >_k
    moment 2:  p_i(t) = < |r_i^k(t) - r_i(0)|^2 >_k

the average running over the R replicas k that start from the same positions with fresh
Maxwell-Boltzmann velocities.  Positions must be unwrapped.  Model quality is judged on type-A
particles (``species == 0``): use :func:`glassviz.snapshot.species_mask`.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError


def replica_displacements(snapshot, time: float | None = None) -> np.ndarray:
    """(R, N, d) displacement of every particle in every replica at the stored ``time``."""
    ens = snapshot.ensemble
    if ens is None:
        raise InputError(snapshot.source, "holds no isoconfigurational ensemble, so no ground-truth propensity")
    k = ens.time_index(time, source=snapshot.source)
    if np.isnan(ens.times[k]) and time is not None:
        raise InputError(snapshot.source, "the stored time is unknown; read it without --time")
    return ens.positions[k] - ens.initial[None]


def propensity(snapshot, time: float | None = None, moment: int = 1) -> np.ndarray:
    """(N,) propensity of each particle at ``time`` (moment 1: mean |dr|, moment 2: mean |dr|^2).

    Parameters
    ----------
    snapshot : Snapshot with an ``ensemble``.
    time : LJ time of a stored frame; None when the file stores a single time.
    moment : 1 or 2.
    """
    if moment not in (1, 2):
        raise ValueError(f"moment must be 1 or 2, got {moment}")
    dr = replica_displacements(snapshot, time)
    sq = np.einsum("rnd,rnd->rn", dr, dr)
    return (np.sqrt(sq) if moment == 1 else sq).mean(axis=0)
