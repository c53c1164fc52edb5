"""Static structure factor from the particle positions (periodic box).

    S(k) = |sum_j exp(-i k . r_j)|^2 / N_s,   k = 2 pi h^{-T} n,  n integer (k != 0)

binned in |k|.  Used to place q of F_s(q, t) at the first peak of S_AA(q).
"""

from __future__ import annotations

import numpy as np

from glassviz.snapshot import species_mask


class StructureFactor:
    """S(q) over the box's reciprocal lattice, isotropically binned.

    Parameters
    ----------
    q_max : largest |k| (1/sigma).
    bin_width : width of the |k| bins.
    species : species index/label to restrict to (None = all particles).

    Results
    -------
    q : (B,) bin centres with at least one k vector; s : (B,) S(q); peak : q of the maximum of S
    beyond q = 2.
    """

    def __init__(self, q_max: float = 12.0, bin_width: float = 0.1, species=None):
        self.q_max = q_max
        self.bin_width = bin_width
        self.species = species

    def compute(self, snapshot) -> "StructureFactor":
        pos = snapshot.positions[species_mask(snapshot, self.species)]
        recip = 2 * np.pi * np.linalg.inv(snapshot.h).T  # columns: reciprocal vectors
        dim = snapshot.dim
        n_max = np.ceil(self.q_max / np.linalg.norm(recip, axis=0).min()).astype(int) + 1
        grids = np.meshgrid(*[np.arange(-n_max, n_max + 1)] * dim, indexing="ij")
        n = np.stack([g.ravel() for g in grids], axis=1)
        # half of reciprocal space: S(k) = S(-k)
        first_nonzero = np.argmax(n != 0, axis=1)
        positive = n[np.arange(len(n)), first_nonzero] > 0
        k = (n[positive] @ recip.T)
        kn = np.linalg.norm(k, axis=1)
        keep = (kn > 0) & (kn <= self.q_max)
        k, kn = k[keep], kn[keep]
        s = np.empty(len(k))
        for a in range(0, len(k), 2048):
            phase = pos @ k[a:a + 2048].T
            s[a:a + 2048] = (np.cos(phase).sum(0) ** 2 + np.sin(phase).sum(0) ** 2) / len(pos)
        bins = np.floor(kn / self.bin_width).astype(int)
        total = np.bincount(bins, s)
        count = np.bincount(bins)
        ok = count > 0
        self._q = (np.flatnonzero(ok) + 0.5) * self.bin_width
        self._s = total[ok] / count[ok]
        return self

    @property
    def q(self) -> np.ndarray:
        return self._q

    @property
    def s(self) -> np.ndarray:
        return self._s

    @property
    def peak(self) -> float:
        beyond = self._q > 2.0
        return float(self._q[beyond][np.argmax(self._s[beyond])])
