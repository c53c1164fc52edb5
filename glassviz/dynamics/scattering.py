"""Self-intermediate scattering function and the structural relaxation time.

    F_s(q, t) = (1/N_s) sum_i < exp(i q . [r_i(t) - r_i(0)]) >

averaged isotropically over the directions of q: sin(q r)/(q r) in 3D and J_0(q r) in 2D
(r = |dr_i|).  tau_alpha is where F_s(q, t) = 1/e, q at the first peak of S_AA(q), type-A
particles (KA3D: q = 7.25, Kob & Andersen PRE 51, 4626 (1995)).
"""

from __future__ import annotations

import numpy as np


def self_intermediate_scattering(dr: np.ndarray, q: float) -> np.ndarray:
    """F_s(q) for displacements ``dr`` of shape (..., N, d): mean over the N axis, shape (...)."""
    r = np.sqrt(np.einsum("...d,...d->...", dr, dr))
    x = q * r
    if dr.shape[-1] == 3:
        return np.sinc(x / np.pi).mean(axis=-1)  # numpy's sinc is sin(pi x)/(pi x)
    from scipy.special import j0

    return j0(x).mean(axis=-1)


def crossing_time(times: np.ndarray, values: np.ndarray, level: float = float(np.exp(-1.0))) -> float:
    """First time at which the decaying ``values`` fall to ``level``, interpolated linearly in
    log t; NaN when they never do within ``times``."""
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    below = np.flatnonzero(values <= level)
    if len(below) == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1 = np.log(times[k - 1]), np.log(times[k])
    v0, v1 = values[k - 1], values[k]
    return float(np.exp(t0 + (level - v0) * (t1 - t0) / (v1 - v0)))


def tau_alpha(times: np.ndarray, fs: np.ndarray) -> float:
    """tau_alpha: F_s(q, tau_alpha) = 1/e (see :func:`crossing_time`)."""
    return crossing_time(times, fs, float(np.exp(-1.0)))


def ensemble_scattering(snapshot, q: float | None = None, species=0) -> tuple[np.ndarray, np.ndarray]:
    """F_s(q, t) at the stored times of an isoconfigurational ensemble: the mean over replicas
    and over the particles of ``species`` (default A), at the stored times that have the
    replicas' positions.

    ``q`` defaults to the recognised system's conventional value (KA3D 7.25), else the first
    peak of S(q) of the snapshot.  Returns (times (T,), F_s (T,)).
    """
    from glassviz.dynamics.propensity import replica_displacements
    from glassviz.snapshot import species_mask

    if q is None:
        system = snapshot.system()
        if system is not None and system.q_peak is not None:
            q = system.q_peak
        else:
            from glassviz.structure.structure_factor import StructureFactor

            q = StructureFactor(species=species).compute(snapshot).peak
    mask = species_mask(snapshot, species)
    times = np.asarray(snapshot.ensemble.replica_times, dtype=np.float64)
    if len(times) == 0:
        from glassviz.errors import InputError

        raise InputError(snapshot.source, "stores ensemble averages only, not the replicas' positions")
    fs = np.array([self_intermediate_scattering(replica_displacements(snapshot, t)[:, mask], q).mean()
                   for t in times])
    return times, fs
