"""A Snapshot from Cartesian positions in a general periodic cell (ase, MDAnalysis, OVITO).

The cell is given by its lattice vectors as rows a, b, c (ase's ``cell``, MDAnalysis'
``triclinic_vectors``, OVITO's cell matrix columns).  It is rotated into freud's
upper-triangular form by a QR decomposition, M = (a b c) = Q R with diag(R) > 0, and the
positions follow, x' = Q^T (x - origin).  The snapshot is 2D, as for LAMMPS files, when every z
is equal or the cell is thin along z (|c| < 0.1 min(|a|, |b|) and |c| <= 1), or when c is
zero; a and b must then lie in the xy plane.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import make_snapshot


def cell_snapshot(source: str, fmt: str, positions, lattice, labels, ids=None, origin=None, dim=None,
                  meta=None):
    """Snapshot from (N, 3) ``positions`` and a (3, 3) ``lattice`` (rows = cell vectors).

    Parameters
    ----------
    source : what to call the object in messages and ``meta["source"]``.
    fmt : ``meta["format"]``, e.g. ``"ase"``.
    labels : (N,) type labels; ids : (N,) ids or None (then the order 0..N-1).
    origin : (3,) the cell's lower corner (default 0).
    dim : 2 or 3 to insist on a dimension.
    """
    pos = np.asarray(positions, dtype=np.float64)
    lattice = np.asarray(lattice, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or lattice.shape != (3, 3):
        raise InputError(source, f"unexpected shapes: positions {pos.shape}, cell {lattice.shape}")
    if len(pos) == 0:
        raise InputError(source, "no particles")
    origin = np.zeros(3) if origin is None else np.asarray(origin, dtype=np.float64)
    lengths = np.linalg.norm(lattice, axis=1)
    if lengths[0] == 0 or lengths[1] == 0:
        raise InputError(source, f"has no periodic cell (cell vector lengths {lengths.tolist()}); glassviz needs "
                         f"a periodic box")
    thin = lengths[2] == 0 or (lengths[2] < 0.1 * min(lengths[:2]) and lengths[2] <= 1.0)
    file_dim = 2 if (np.ptp(pos[:, 2]) == 0.0 or thin) else 3
    if dim is not None and dim != file_dim:
        raise InputError(source, f"cannot read as {dim}D: the object is {file_dim}D")
    if file_dim == 2:
        if np.any(lattice[:2, 2] != 0):
            raise InputError(source, "2D cell vectors a, b leave the xy plane")
        M = lattice[:2, :2].T
    else:
        if lengths[2] == 0:
            raise InputError(source, "3D positions but no cell vector along z")
        M = lattice.T
    q, r = np.linalg.qr(M)
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    q, r = q * signs, (r.T * signs).T
    if np.any(np.diag(r) <= 0):
        raise InputError(source, "degenerate cell")
    xyz = (pos[:, :file_dim] - origin[:file_dim]) @ q
    return make_snapshot(source, fmt=fmt, positions=xyz, h=r, origin=np.zeros(file_dim), labels=labels, ids=ids,
                         meta=meta)
