"""DeepMind glassy_dynamics pickles (Bapst et al., Nat. Phys. 16, 448 (2020)).

A dict with ``positions`` (N, 3) in [0, L), ``types`` (0 = A), ``box`` (3,), ``time`` (list of
times), ``time_indices`` (indices into ``time`` of the stored horizons), ``is_values`` (the
F_s value defining each horizon), ``trajectory_target_positions`` (T x (R, N, 3) absolute
unwrapped positions), ``trajectory_start_velocities`` and ``metadata`` {temperature, ...}.

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
    ensemble = None
    if "trajectory_target_positions" in d and "time_indices" in d:
        times_all = np.asarray(d["time"], dtype=np.float64)
        idx = np.asarray(d["time_indices"], dtype=np.int64)
        target = np.asarray(d["trajectory_target_positions"], dtype=np.float64)
        if target.ndim != 4 or target.shape[0] != len(idx) or target.shape[2:] != pos.shape:
            raise InputError(path, f"trajectory_target_positions has shape {target.shape}, expected "
                             f"({len(idx)}, R, {pos.shape[0]}, 3)")
        check_finite(path, target, "replica positions")
        ensemble = IsoEnsemble(times=times_all[idx], initial=pos.copy(), positions=target)
    meta = {"frame": 0}
    md = d.get("metadata") or {}
    if "temperature" in md:
        meta["temperature"] = float(md["temperature"])
    for key in ("pressure", "fluid"):
        if key in md:
            meta[key] = md[key]
    if "is_values" in d:
        meta["is_values"] = [float(v) for v in np.asarray(d["is_values"])]
    return make_snapshot(path, fmt="deepmind", positions=pos, h=np.diag(box), origin=np.zeros(3),
                         labels=types.astype(np.int64), meta=meta, ensemble=ensemble)
