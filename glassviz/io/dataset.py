"""glassviz dataset files: one compressed ``.npz`` per configuration (format ``glassviz-dataset/1``).

Written by ``glassviz simulate``; read by :func:`glassviz.load` like any snapshot.  Arrays
(``numpy.load(path, allow_pickle=False)`` opens them too):

==================  ==============  ==========================================================
key                 shape, dtype    meaning
==================  ==============  ==========================================================
format              () str          ``"glassviz-dataset/1"``
positions           (N, d) float32  configuration, box [0, L)^d, LAMMPS id order (ids 1..N)
types               (N,) int8       LAMMPS types 1..S (1 = A)
box                 (d, d) float64  box matrix (columns = box vectors), origin 0
meta                () str          JSON: system, temperature, protocol, config index, seeds...
times               (T,) float64    LJ times of the isoconfigurational averages (optional)
propensity          (T, N) float32  < |dr_i| > over replicas (float16 in --compact sets)
propensity2         (T, N) float32  < |dr_i|^2 >
cage_propensity     (T, N) float32  < |dr_i - mean_{Voronoi nbrs} dr_j| >
cage_msd            (T, N) float32  < |dr_i - mean_{i and Voronoi nbrs} dr_j|^2 > (Oyama's CRSD; newer files)
bond_breakage       (T, N) float32  mean fraction of broken initial bonds (A1 1.1, A2 1.5)
edge_index          (E, 2) int32    pairs i < j with r_ij(0) < edge_cutoff (meta)
edge_change         (T, E) float32  < |r_ij(t)| - |r_ij(0)| >  (BOTAN edge target; float16 in --compact)
replica_positions   (T, R, N, d)    float32 unwrapped replica positions (demo files only)
==================  ==============  ==========================================================

The replicas started from the float64 configuration the averages were computed from; the
float32 ``positions`` differ from it by < 1e-6.  The zip entries carry a fixed date so that the
same data give the same bytes (resumed runs are compared file by file).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import IsoEnsemble, check_finite

FORMAT = "glassviz-dataset/1"
AVERAGES = ("propensity", "propensity2", "cage_propensity", "cage_msd", "bond_breakage")
_DATE = (1980, 1, 1, 0, 0, 0)


def write(path, arrays: dict) -> None:
    """Write ``arrays`` (name -> array, plus ``meta`` as a dict) as a deterministic compressed
    npz, atomically (a temporary file renamed over ``path``)."""
    path = os.fspath(path)
    arrays = dict(arrays)
    arrays["format"] = np.array(FORMAT)
    if isinstance(arrays.get("meta"), dict):
        arrays["meta"] = np.array(json.dumps(arrays["meta"], sort_keys=True))
    tmp = f"{path}.tmp{os.getpid()}"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    os.replace(tmp, path)


def is_dataset(path) -> bool:
    try:
        with zipfile.ZipFile(os.fspath(path)) as zf:
            return "format.npy" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def read_arrays(path) -> dict:
    """All arrays of a dataset file (``meta`` decoded to a dict)."""
    path = os.fspath(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise InputError(path, f"truncated or corrupt npz ({exc.__class__.__name__}: {exc})") from None
    fmt = str(data.get("format", ""))
    if fmt != FORMAT:
        raise InputError(path, f"not a {FORMAT} file (format {fmt or 'missing'!r})")
    try:
        data["meta"] = json.loads(str(data["meta"]))
    except (KeyError, ValueError):
        raise InputError(path, "dataset file has no readable 'meta'") from None
    return data


def n_frames(path) -> int:
    return 1


def read(path, frame: int | None = None, dim: int | None = None, **_):
    path = os.fspath(path)
    check_frame(path, frame, 1)
    data = read_arrays(path)
    missing = {"positions", "types", "box"} - set(data)
    if missing:
        raise InputError(path, f"dataset file lacks {', '.join(sorted(missing))}")
    pos = np.asarray(data["positions"], dtype=np.float64)
    types = np.asarray(data["types"])
    h = np.asarray(data["box"], dtype=np.float64)
    n, d = pos.shape if pos.ndim == 2 else (0, 0)
    if pos.ndim != 2 or d not in (2, 3) or types.shape != (n,) or h.shape != (d, d):
        raise InputError(path, f"inconsistent shapes: positions {pos.shape}, types {types.shape}, box {h.shape}")
    if dim is not None and dim != d:
        raise InputError(path, f"cannot read as {dim}D: the file is {d}D")
    check_finite(path, pos)
    meta = dict(data["meta"])
    meta["frame"] = 0
    meta["source"] = path
    ensemble = None
    if "times" in data:
        times = np.asarray(data["times"], dtype=np.float64)
        # --compact sets store float16: compute in float32 as for every other file
        averages = {k: np.asarray(data[k], dtype=np.float32) for k in AVERAGES if k in data}
        for k, arr in averages.items():
            if arr.shape != (len(times), n):
                raise InputError(path, f"'{k}' has shape {arr.shape}, expected {(len(times), n)}")
        replicas = data.get("replica_positions")
        if replicas is not None:
            replicas = np.asarray(replicas, dtype=np.float64)
            if replicas.ndim != 4 or replicas.shape[0] != len(times) or replicas.shape[2:] != (n, d):
                raise InputError(path, f"'replica_positions' has shape {replicas.shape}")
            check_finite(path, replicas, "replica positions")
        ensemble = IsoEnsemble(times=times, initial=pos.copy(), positions=replicas, averages=averages,
                               edge_index=data.get("edge_index"),
                               edge_change=None if data.get("edge_change") is None
                               else np.asarray(data["edge_change"], dtype=np.float32),
                               edge_cutoff=meta.get("edge_cutoff"), replicas=meta.get("replicas"))
    return make_snapshot(path, fmt="glassviz", positions=pos, h=h, origin=np.zeros(d), labels=types.astype(np.int64),
                         ids=np.arange(1, n + 1), meta=meta, ensemble=ensemble)
