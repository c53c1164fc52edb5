"""DeepMind glassy_dynamics pickles (Bapst et al., Nat. Phys. 16, 448 (2020)).

A dict with ``positions`` (N, 3) in [0, L), ``types`` (0 = A), ``box`` (3,), ``time`` (list of
times, 169 in their files), ``time_indices`` (indices into ``time`` of the H stored horizons,
10 in their files), ``is_values`` (H,) (the F_s value defining each horizon),
``trajectory_start_velocities`` (or None) and ``metadata`` {temperature, ...}.  Two layouts:

* the toy file of their code (``test_small.pickle``): ``trajectory_target_positions`` holds
  H x (R, N, 3) absolute unwrapped replica positions, one block per horizon, and the
  propensity is computed from them, p_i = < |r_i^k(t) - r_i(0)| >_k;
* the full-size files (N = 4096): ``targets`` holds H arrays (N,), the propensity at each
  horizon as the authors computed it, which is the ground truth; ``trajectory_target_positions``
  holds the replicas of fewer horizons (for example one) or none at all.  Each stored replica
  block is matched to the horizon whose target it reproduces (the authors' mean |dr| within
  a relative 1e-3), so cage-relative propensities, bond breakage and pair-distance changes are
  available at those horizons; a block that reproduces no target is left out and ``meta``
  says so.

The file is read with a restricted unpickler that only rebuilds numpy arrays and plain Python
containers: a pickle naming any other class is refused, so no code in it can run.
"""

from __future__ import annotations

import os
import pickle

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import IsoEnsemble, check_finite

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def load_dict(path) -> dict:
    path = os.fspath(path)
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    try:
        with open(path, "rb") as fh:
            data = _ArrayUnpickler(fh, encoding="latin1").load()
    except pickle.UnpicklingError as exc:
        raise InputError(path, f"not a glassy_dynamics pickle ({exc})") from None
    except (EOFError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise InputError(path, f"truncated or corrupt pickle ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not {"positions", "types", "box"} <= set(data):
        raise InputError(path, "not a glassy_dynamics pickle (needs keys positions, types, box)")
    return data


def n_frames(path) -> int:
    return 1


def read(path, frame: int | None = None, dim: int | None = None, **_):
    path = os.fspath(path)
    check_frame(path, frame, 1)
    d = load_dict(path)
    pos = np.asarray(d["positions"], dtype=np.float64)
    types = np.asarray(d["types"])
    box = np.asarray(d["box"], dtype=np.float64).reshape(-1)
    if pos.ndim != 2 or pos.shape[1] != 3 or box.shape != (3,) or types.shape != (pos.shape[0],):
        raise InputError(path, f"unexpected shapes: positions {pos.shape}, types {types.shape}, box {box.shape}")
    if dim not in (None, 3):
        raise InputError(path, f"cannot read as {dim}D: glassy_dynamics files are 3D")
    meta = {"frame": 0}
    ensemble = _ensemble(path, d, pos, meta)
    md = d.get("metadata") or {}
    if "temperature" in md:
        meta["temperature"] = float(md["temperature"])
    for key in ("pressure", "fluid"):
        if key in md:
            meta[key] = md[key]
    if d.get("is_values") is not None:
        meta["is_values"] = [float(v) for v in np.asarray(d["is_values"]).reshape(-1)]
    return make_snapshot(path, fmt="deepmind", positions=pos, h=np.diag(box), origin=np.zeros(3),
                         labels=types.astype(np.int64), meta=meta, ensemble=ensemble)


def _horizon_times(path, d) -> np.ndarray:
    try:
        times_all = np.asarray(d["time"], dtype=np.float64).reshape(-1)
        idx = np.asarray(d["time_indices"], dtype=np.int64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(path, "'time' / 'time_indices' are not numeric lists") from None
    if idx.size == 0 or idx.min() < 0 or idx.max() >= len(times_all):
        raise InputError(path, f"time_indices {idx.tolist()} do not index the {len(times_all)} stored times")
    return times_all[idx]


def _replica_blocks(path, d, n: int) -> list[np.ndarray]:
    """The stored replica blocks, each (R, N, 3); [] when the file keeps none."""
    raw = d.get("trajectory_target_positions")
    if raw is None or len(raw) == 0:
        return []
    blocks = []
    for b, block in enumerate(raw):
        arr = np.asarray(block, dtype=np.float64)
        if arr.ndim != 3 or arr.shape[1:] != (n, 3):
            raise InputError(path, f"trajectory_target_positions[{b}] has shape {arr.shape}, expected (R, {n}, 3)")
        check_finite(path, arr, "replica positions")
        blocks.append(arr)
    if len({b.shape[0] for b in blocks}) != 1:
        raise InputError(path, "trajectory_target_positions blocks hold different numbers of replicas")
    return blocks


def _ensemble(path, d, pos: np.ndarray, meta: dict) -> IsoEnsemble | None:
    n = pos.shape[0]
    has_targets = d.get("targets") is not None
    blocks = _replica_blocks(path, d, n)
    if not has_targets and not blocks:
        return None
    if "time" not in d or "time_indices" not in d:
        raise InputError(path, "holds propensities or replicas but no 'time' / 'time_indices'")
    times = _horizon_times(path, d)
    if not has_targets:  # the toy layout: one replica block per horizon
        if len(blocks) != len(times):
            raise InputError(path, f"trajectory_target_positions holds {len(blocks)} horizon(s) for "
                             f"{len(times)} time_indices, and the file has no 'targets'")
        return IsoEnsemble(times=times, initial=pos.copy(), positions=np.stack(blocks))
    targets = _targets(path, d["targets"], len(times), n)
    index = np.full(len(times), -1, dtype=np.int64)
    if len(blocks) == len(times):
        index[:] = np.arange(len(times))
    else:
        unmatched = []
        for b, block in enumerate(blocks):
            k = _matching_horizon(block, pos, targets)
            if k is None or index[k] >= 0:
                unmatched.append(b)
            else:
                index[k] = b
        if unmatched:
            meta["replicas_note"] = (f"trajectory_target_positions block(s) {unmatched} reproduce none of the "
                                     f"targets and are not used")
    used = sorted(int(b) for b in index if b >= 0)
    if not used:
        return IsoEnsemble(times=times, initial=pos.copy(), averages={"propensity": targets})
    rows = np.array([used.index(b) if b >= 0 else -1 for b in index], dtype=np.int64)
    positions = np.stack([blocks[b] for b in used])
    return IsoEnsemble(times=times, initial=pos.copy(), positions=positions, averages={"propensity": targets},
                       replica_index=None if np.array_equal(rows, np.arange(len(times))) else rows)


def _targets(path, raw, n_times: int, n: int) -> np.ndarray:
    try:
        targets = np.asarray([np.asarray(t, dtype=np.float64).reshape(-1) for t in raw])
    except (TypeError, ValueError):
        raise InputError(path, "'targets' must be a list of per-particle arrays") from None
    if targets.shape != (n_times, n):
        raise InputError(path, f"'targets' has shape {targets.shape}, expected ({n_times}, {n}): one propensity "
                         f"array per time index")
    check_finite(path, targets, "targets")
    return targets


def _matching_horizon(block: np.ndarray, initial: np.ndarray, targets: np.ndarray, rtol: float = 1e-3):
    """Index of the target row that the mean |dr| of ``block`` (R, N, 3) reproduces, or None."""
    p = np.linalg.norm(block - initial[None], axis=2).mean(axis=0)
    err = np.linalg.norm(targets - p[None], axis=1) / np.maximum(np.linalg.norm(targets, axis=1), 1e-300)
    k = int(np.argmin(err))
    return k if err[k] < rtol else None
