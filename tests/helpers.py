"""Small constructors shared by tests."""

import numpy as np

from glassviz.snapshot import Snapshot, wrap


def make_snapshot(positions, h, species=None, labels=None, source="test"):
    positions = np.asarray(positions, dtype=float)
    h = np.asarray(h, dtype=float)
    n, d = positions.shape
    wrapped, _ = wrap(h, positions - h @ np.full(d, 0.5))
    species = np.zeros(n, int) if species is None else np.asarray(species)
    labels = labels or tuple(range(1, species.max() + 2))
    return Snapshot(positions=wrapped, species=species, type_labels=labels, ids=np.arange(n), h=h,
                    offset=h @ np.full(d, 0.5), meta={"source": source})


# The KA2D interactions (Kob-Andersen 2D: epsilon_AB 1.5, sigma_AB 0.8, sigma_BB 0.88, shifted,
# cut at 2.5 sigma) as plain LAMMPS commands, for the independent input scripts tests write
# (they must share no code with glassviz.simulate).
KA2D_LAMMPS_INTERACTIONS = """mass * 1.0
pair_style lj/cut 2.5
pair_modify shift yes
pair_coeff 1 1 1.0 1.0 2.5
pair_coeff 1 2 1.5 0.8 2.0
pair_coeff 2 2 0.5 0.88 2.2
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
"""


def unknown_ternary_2d(n_side: int = 20, seed: int = 0, source: str = "ternary_2d_unknown"):
    """A 2D 3-species configuration of no known system (fractions 50:30:20, density 1.0): a
    square lattice of spacing 1 with small random displacements."""
    rng = np.random.default_rng(seed)
    grid = np.stack(np.meshgrid(np.arange(n_side), np.arange(n_side), indexing="ij"), -1).reshape(-1, 2)
    positions = grid + 0.5 + rng.normal(0.0, 0.08, grid.shape)
    n = len(grid)
    species = np.repeat([0, 1, 2], [n // 2, 3 * n // 10, n - n // 2 - 3 * n // 10])
    rng.shuffle(species)
    return make_snapshot(positions, np.eye(2) * n_side, species=species, labels=(1, 2, 3), source=source)
