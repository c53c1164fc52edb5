"""Small trajectories written by tests: LAMMPS text dumps of given snapshots (independent of
glassviz's readers: plain text in the documented dump layout)."""

import numpy as np

from tests.helpers import make_snapshot


def write_dump(path, snapshots, timesteps=None):
    """Write ``snapshots`` (same N, orthogonal boxes) as frames of one LAMMPS dump."""
    lines = []
    for k, snap in enumerate(snapshots):
        d = snap.dim
        lo = snap.offset - 0.5 * np.diag(snap.h)
        hi = lo + np.diag(snap.h)
        bounds = [(lo[a], hi[a]) for a in range(d)] + ([(-0.5, 0.5)] if d == 2 else [])
        lines += ["ITEM: TIMESTEP", str(1000 * k if timesteps is None else timesteps[k]),
                  "ITEM: NUMBER OF ATOMS", str(snap.n), "ITEM: BOX BOUNDS pp pp pp"]
        lines += [f"{a:.16e} {b:.16e}" for a, b in bounds]
        lines.append("ITEM: ATOMS id type " + " ".join("xyz"[:d]))
        pos = snap.file_positions
        for i in range(snap.n):
            lines.append(f"{snap.ids[i]} {snap.labels[i]} " + " ".join(f"{v:.12f}" for v in pos[i]))
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def random_3d(n=300, density=1.2, seed=0):
    """A random binary 3D configuration (80:20) in a cubic box: fast Voronoi and Tong-Tanaka."""
    rng = np.random.default_rng(seed)
    L = (n / density) ** (1 / 3)
    species = (np.arange(n) >= int(0.8 * n)).astype(int)
    return make_snapshot(rng.uniform(0, L, (n, 3)), np.eye(3) * L, species=species, labels=(1, 2))
