"""pyg_botan / GlassBench isoconfigurational npz files (Shiba et al., J. Chem. Phys. 158,
084503 (2023)).

Keys: ``types`` int8 (N,) (0 = A), ``initial_positions`` (N, 3), ``positions`` (R, N, 3): the
absolute unwrapped positions of R isoconfigurational replicas at one time.  The files store
neither the box nor the time:

* the box is cubic with the KA3D density rho = 1.2, L = (N / 1.2)^(1/3) (15.05658 for
  N = 4096), unless ``box_length`` is given;
* temperature and time come from the name ``isoconfig_N4096T0.44_<k>_tc07.npz``; the
  time code is turned into an LJ time through :data:`TIME_CODES` (tc07 is the benchmark time
  near tau_alpha: 4120 at T = 0.44, 217 at 0.50, 52 at 0.56, 16.5 at 0.64); an unknown code or
  temperature leaves the time as NaN and says so in ``meta["time_note"]``, and ``--time``
  (``fields``, ``evaluate``) then labels it (:func:`glassviz.dynamics.propensity.ensemble_frame`).

Sources of :data:`TIME_CODES` (codes tc01..tc10 in order):

* Shiba et al., J. Chem. Phys. 158, 084503 (2023), Table I ("Tagging" 1-10) for T = 0.44, 0.50
  and 0.64; pyg_botan's README points to it for ``time_index`` ("The default is
  ``time_index=7``, alpha-relaxation time") and its ``run.py`` lists the four temperatures
  0.44, 0.50, 0.56, 0.64.  The table's T = 0.64 row has nine times, 0.100 ... 520;
* the GlassBench benchmark tables by temperature (Jung et al., "Roadmap on machine learning
  glassy dynamics", Nat. Rev. Phys. (2025), arXiv:2311.14752; dataset doi
  10.5281/zenodo.10118191) as republished with the BOTAN/CAGE/GlassMLP/SE(3)-GNN Pearson
  columns in github.com/xjiang-hnu/EIGNN, ``results/pcc_mean_0{44,50,56,64}.csv`` (commit
  5bb2df0): ten times per temperature, the same as Table I at 0.44 and 0.50, and at 0.64 the
  nine of Table I preceded by t = 0.032 (so Table I's row holds codes 2-10).  T = 0.56 is only
  there.  Their T = 0.44 row at t = 4120 holds BOTAN 0.752, GlassMLP 0.756, CAGE 0.782,
  SE(3)-GNN 0.791, the published values PROVENANCE.md quotes for tc07.
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
_TIMES = {  # temperature -> LJ time of tc01..tc10 (see the module docstring for the sources)
    0.44: (0.13, 1.3, 13.0, 130.0, 412.0, 1300.0, 4120.0, 13000.0, 41200.0, 130000.0),
    0.50: (0.108, 0.434, 2.17, 6.86, 21.7, 68.6, 217.0, 686.0, 2170.0, 6860.0),
    0.56: (0.104, 0.33, 0.99, 1.65, 5.2, 16.5, 52.0, 165.0, 520.0, 1650.0),
    0.64: (0.032, 0.1, 0.165, 0.52, 1.65, 5.2, 16.5, 52.0, 165.0, 520.0),
}
TIME_CODES = {(temp, code): t for temp, times in _TIMES.items() for code, t in enumerate(times, start=1)}
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
        else:
            meta["time_from"] = f"time code tc{code:02d} at T={temperature:g} (GlassBench / BOTAN Table I)"
    ensemble = IsoEnsemble(times=np.array([time]), initial=initial, positions=replicas[None])
    return make_snapshot(path, fmt="botan", positions=initial, h=np.diag([L, L, L]), origin=np.zeros(3),
                         labels=types.astype(np.int64), meta=meta, ensemble=ensemble)
