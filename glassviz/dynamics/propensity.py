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

_MOMENT_KEY = {1: "propensity", 2: "propensity2"}


def ensemble_frame(snapshot, time: float | None):
    """(ensemble, k): the snapshot's ensemble and the index of the stored ``time``.

    A file that stores a single frame at an unknown time (a GlassBench/BOTAN time code with no
    published time) takes ``time`` as its label: the snapshot's ``meta`` then records
    ``time_source = "user"`` so that outputs can say where the time came from.
    """
    ens = snapshot.ensemble
    if ens is None:
        raise InputError(snapshot.source, "holds no isoconfigurational ensemble, so no ground-truth dynamics")
    times = np.asarray(ens.times, dtype=float)
    if time is not None and len(times) == 1 and np.isnan(times[0]):
        ens.times = np.array([float(time)])
        snapshot.meta["time"] = float(time)
        snapshot.meta["time_source"] = "user"
    k = ens.time_index(time, source=snapshot.source)
    return ens, k


def time_source(snapshot) -> str:
    """Where the snapshot's ensemble time came from: ``"user"`` (labelled with ``--time``
    because the file does not say it), ``"unknown"`` (not labelled) or ``"file"``."""
    if snapshot.meta.get("time_source") == "user":
        return "user"
    ens = snapshot.ensemble
    if ens is not None and np.isnan(np.asarray(ens.times, dtype=float)).any():
        return "unknown"
    return "file"


def _times_text(times) -> str:
    return ", ".join(f"{t:g}" for t in times) or "none"


def replica_displacements(snapshot, time: float | None = None) -> np.ndarray:
    """(R, N, d) displacement of every particle in every replica at the stored ``time``."""
    ens, k = ensemble_frame(snapshot, time)
    reps = ens.replicas_at(k)
    if reps is None:
        if ens.positions is None:
            raise InputError(snapshot.source, "stores ensemble averages only, not the replicas' positions")
        raise InputError(snapshot.source, f"stores no replica positions at t = {ens.times[k]:g} (replicas are "
                         f"stored at t = {_times_text(ens.replica_times)})")
    return reps - ens.initial[None]


def displacement_moments(dr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moments 1 and 2 of |dr| over replicas: ((N,), (N,)) from dr of shape (R, N, d)."""
    sq = np.einsum("rnd,rnd->rn", dr, dr)
    return np.sqrt(sq).mean(axis=0), sq.mean(axis=0)


def stored_average(snapshot, name: str, time: float | None, what: str | None = None) -> np.ndarray | None:
    """(N,) a per-particle average stored in the file at ``time``; when it is not stored, None,
    or an error saying the file stores no ``what`` when ``what`` is given."""
    ens, k = ensemble_frame(snapshot, time)
    if name in ens.averages:
        return np.asarray(ens.averages[name][k], dtype=np.float64)
    if what is not None:
        extra = ""
        if ens.positions is not None:
            extra = f" and no replica positions at t = {ens.times[k]:g} (replicas are stored at t = " \
                    f"{_times_text(ens.replica_times)})"
        raise InputError(snapshot.source, f"stores no {what}{extra}")
    return None


def propensity(snapshot, time: float | None = None, moment: int = 1) -> np.ndarray:
    """(N,) propensity of each particle at ``time`` (moment 1: mean |dr|, moment 2: mean |dr|^2).

    A propensity the file stores (computed by its authors, e.g. DeepMind's ``targets``, or by
    ``glassviz simulate``) is the ground truth; otherwise it is computed from the replicas'
    positions at that time.

    Parameters
    ----------
    snapshot : Snapshot with an ``ensemble``.
    time : LJ time of a stored frame; None when the file stores a single time.
    moment : 1 or 2.
    """
    if moment not in (1, 2):
        raise ValueError(f"moment must be 1 or 2, got {moment}")
    ens, k = ensemble_frame(snapshot, time)
    if _MOMENT_KEY[moment] in ens.averages or ens.replicas_at(k) is None:
        return stored_average(snapshot, _MOMENT_KEY[moment], time, f"propensity of moment {moment}")
    return displacement_moments(replica_displacements(snapshot, time))[moment - 1]
