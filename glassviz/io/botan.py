"""pyg_botan / GlassBench isoconfigurational npz files (Shiba et al., J. Chem. Phys. 158,
084503 (2023)).

Keys: ``types`` int8 (N,) (0 = A), ``initial_positions`` (N, 3), ``positions`` (R, N, 3): the
absolute unwrapped positions of R isoconfigurational replicas at one time.  The files store
neither the box nor the time:

* the box is cubic with the KA3D density rho = 1.2, L = (N / 1.2)^(1/3) (15.05658 for
  N = 4096), unless ``box_length`` is given;
* temperature and time come from the name ``isoconfig_N4096T0.44_<k>_tc07.npz``; the
  time code is turned into an LJ time through :data:`TIME_CODES` (tc07 at T = 0.44 is
  tau_alpha, t = 4120); an unknown code leaves the time as NaN and says so in ``meta``.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import IsoEnsemble, check_finite

KA3D_DENSITY = 1.2
TIME_CODES = {(0.44, 7): 4120.0}
_NAME = re.compile(r"N(\d+)T(\d+(?:\.\d+)?)_(\d+)_tc(\d+)")


def n_frames(path) -> int:
    return 1


def read(path, frame: int | None = None, dim: int | None = None, box_length: float | None = None, **_):
    path = os.fspath(path)
    check_frame(path, frame, 1)
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = {"types", "initial_positions", "positions"} - set(z.files)
            if missing:
                raise InputError(path, f"not a BOTAN isoconfiguration file (missing {', '.join(sorted(missing))})")
            types = np.asarray(z["types"])
            initial = np.asarray(z["initial_positions"], dtype=np.float64)
            replicas = np.asarray(z["positions"], dtype=np.float64)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise InputError(path, f"truncated or corrupt npz ({exc.__class__.__name__}: {exc})") from None
    n = initial.shape[0]
    if initial.shape != (n, 3) or types.shape != (n,) or replicas.ndim != 3 or replicas.shape[1:] != (n, 3):
        raise InputError(path, f"unexpected shapes: types {types.shape}, initial_positions {initial.shape}, "
                         f"positions {replicas.shape}")
    if dim not in (None, 3):
        raise InputError(path, f"cannot read as {dim}D: BOTAN files are 3D")
    check_finite(path, replicas, "replica positions")
    L = float(box_length) if box_length else (n / KA3D_DENSITY) ** (1.0 / 3.0)
    meta = {"frame": 0, "box_from": "given" if box_length else "KA3D density 1.2 (not stored in the file)"}
    time = np.nan
    m = _NAME.search(os.path.basename(path))
    if m:
        temperature = float(m.group(2))
        code = int(m.group(4))
        meta.update(temperature=temperature, config_index=int(m.group(3)), time_code=code)
        time = TIME_CODES.get((round(temperature, 4), code), np.nan)
        if np.isnan(time):
            meta["time_note"] = f"time code tc{code:02d} at T={temperature:g} has no known LJ time"
    ensemble = IsoEnsemble(times=np.array([time]), initial=initial, positions=replicas[None])
    return make_snapshot(path, fmt="botan", positions=initial, h=np.diag([L, L, L]), origin=np.zeros(3),
                         labels=types.astype(np.int64), meta=meta, ensemble=ensemble)
