"""One LAMMPS simulation of a known system (DESIGN.md "Systems"), driven from Python.

LJ units, masses 1, timestep 0.005, pair cutoff 2.5 sigma_ab: energy-shifted ``lj/cut`` (KA)
or ``lj/smooth/linear`` (ABM); Nose-Hoover NVT with damping 100 timesteps (0.5), NVE for
isoconfigurational replicas; neighbour skin 0.3 rebuilt when needed.

Every run starts from a :class:`MDState` (double-precision positions, image flags,
velocities) in a fresh LAMMPS instance, so the same state and the same commands give the same
trajectory bit for bit: this is what makes interrupted runs resume into identical files.
Positions live in the box [0, L)^d (z = 0 in 2D); particle order is LAMMPS id order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassviz.simulate.engine import lammps_instance

DT = 0.005
T_DAMP = 100 * DT
SKIN = 0.3
CUTOFF = 2.5


def _f(x) -> str:
    """Exact text of a float for a LAMMPS command (repr round-trips)."""
    return repr(float(x))


@dataclass
class MDState:
    """A microstate: ``x`` (N, d) float64 in [0, L), ``image`` (N, d) int64, ``v`` (N, d)
    float64, ``types`` (N,) int (LAMMPS types 1..S), ``h`` (d, d) diagonal box matrix."""

    x: np.ndarray
    image: np.ndarray
    v: np.ndarray
    types: np.ndarray
    h: np.ndarray

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def dim(self) -> int:
        return self.x.shape[1]

    @property
    def unwrapped(self) -> np.ndarray:
        return self.x + self.image * np.diag(self.h)

    def arrays(self, prefix: str = "") -> dict:
        return {prefix + k: getattr(self, k) for k in ("x", "image", "v", "types", "h")}

    @classmethod
    def from_arrays(cls, arrays, prefix: str = "") -> "MDState":
        return cls(*(np.asarray(arrays[prefix + k]) for k in ("x", "image", "v", "types", "h")))


def fold(h: np.ndarray, x: np.ndarray, image: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions folded into [0, L) and image flags that keep ``x + image * L`` unchanged."""
    L = np.diag(h)
    shift = np.floor(x / L).astype(np.int64)
    x = x - shift * L
    over = x >= L
    x[over] -= np.broadcast_to(L, x.shape)[over]
    shift += over
    return x, shift if image is None else np.asarray(image, dtype=np.int64) + shift


def box_for(system, n: int) -> np.ndarray:
    """(d, d) cubic/square box matrix at the system's number density."""
    length = (n / system.density) ** (1.0 / system.dim)
    return np.eye(system.dim) * length


def species_counts(system, n: int) -> np.ndarray:
    """Particles per species: rounded fractions, the remainder to the last species."""
    counts = np.array([round(f * n) for f in system.fractions[:-1]], dtype=int)
    return np.append(counts, n - counts.sum())


def maxwell_boltzmann(rng: np.random.Generator, n: int, dim: int, temperature: float) -> np.ndarray:
    """(N, d) Gaussian velocities (masses 1), zero total momentum, rescaled so that the kinetic
    temperature sum v^2 / (d (N - 1)) equals ``temperature`` exactly (LAMMPS' convention)."""
    v = rng.normal(0.0, np.sqrt(temperature), size=(n, dim))
    v -= v.mean(axis=0)
    v *= np.sqrt(temperature * dim * (n - 1) / np.sum(v * v))
    return v


def pair_commands(system) -> list[str]:
    sig = np.asarray(system.lj_sigma)
    eps = np.asarray(system.lj_epsilon)
    s = len(sig)
    if system.potential == "lj/cut":
        cmds = [f"pair_style lj/cut {_f(CUTOFF * sig.max())}", "pair_modify shift yes"]
    elif system.potential == "lj/smooth/linear":
        cmds = [f"pair_style lj/smooth/linear {_f(CUTOFF * sig.max())}"]
    else:
        from glassviz.errors import GlassvizError

        raise GlassvizError(f"system {system.name}: glassviz simulate has no {system.potential} pair style; "
                            f"it simulates KA3D, KA2D and ABM2D")
    for a in range(s):
        for b in range(a, s):
            cmds.append(f"pair_coeff {a + 1} {b + 1} {_f(eps[a, b])} {_f(sig[a, b])} {_f(CUTOFF * sig[a, b])}")
    return cmds


class MD:
    """A LAMMPS instance holding one configuration of ``system``.

    Use :meth:`from_state` (exact continuation) or :meth:`random` (new configuration), then
    :meth:`run`, :meth:`state`, :meth:`close`.
    """

    def __init__(self, system, h: np.ndarray, types: np.ndarray, x: np.ndarray, v: np.ndarray | None,
                 image: np.ndarray | None = None, log: str | None = None):
        self.system = system
        self.dim = system.dim
        self.h = np.asarray(h, dtype=np.float64)
        self.n = len(types)
        self.lmp = lammps_instance(log)
        L = np.diag(self.h)
        z = "-0.5 0.5" if self.dim == 2 else f"0 {_f(L[2])}"
        self._commands([
            "units lj", f"dimension {self.dim}", "atom_style atomic", "atom_modify map array",
            "boundary p p p", f"region box block 0 {_f(L[0])} 0 {_f(L[1])} {z}",
            f"create_box {len(system.fractions)} box", "mass * 1.0",
            *pair_commands(system),
            f"neighbor {SKIN} bin", "neigh_modify every 1 delay 0 check yes", f"timestep {DT}",
        ])
        if x is not None:
            self._create(types, x, v, image)
        if self.dim == 2:
            self._commands(["fix e2d all enforce2d"])
        self._fix = None
        self._fresh = True

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_state(cls, system, state: MDState, log: str | None = None) -> "MD":
        return cls(system, state.h, state.types, state.x, state.v, state.image, log)

    @classmethod
    def random(cls, system, n: int, seed: int, log: str | None = None) -> "MD":
        """Random non-overlapping insertion (LAMMPS ``create_atoms random ... overlap``) followed
        by energy minimisation; velocities zero."""
        h = box_for(system, n)
        md = cls(system, h, np.zeros(n, dtype=int), None, None, log=log)
        counts = species_counts(system, n)
        sig = np.diag(np.asarray(system.lj_sigma))
        for s, c in enumerate(counts):
            md._commands([f"create_atoms {s + 1} random {int(c)} {seed + s} box "
                          f"overlap {_f(0.5 * sig[s])} maxtry 200"])
        inserted = md.lmp.get_natoms()
        if inserted != n:
            md.close()
            raise RuntimeError(f"could only insert {inserted} of {n} particles")
        md._commands(["minimize 1e-6 1e-8 2000 20000", "reset_timestep 0"])
        return md

    def _create(self, types, x, v, image):
        n, d = x.shape
        # LAMMPS folds stray coordinates into the box without touching the image flags it is
        # given, so fold here and carry the shift into the images
        x, image = fold(self.h, x, image)
        x3 = np.zeros((n, 3))
        x3[:, :d] = x
        v3 = np.zeros((n, 3))
        if v is not None:
            v3[:, :d] = v
        ids = list(range(1, n + 1))
        im3 = np.zeros((n, 3), dtype=np.int64)
        im3[:, :d] = image
        # LAMMPS packs image flags as ((z + 512) << 20) | ((y + 512) << 10) | (x + 512)
        packed = ((im3[:, 2] + 512) << 20) | ((im3[:, 1] + 512) << 10) | (im3[:, 0] + 512)
        img = [int(p) for p in packed]
        created = self.lmp.create_atoms(n, ids, [int(t) for t in types], x3.ravel().tolist(),
                                        v3.ravel().tolist(), img)
        if created != n:
            raise RuntimeError(f"LAMMPS created {created} of {n} atoms")

    def _commands(self, cmds):
        for c in cmds:
            self.lmp.command(c)

    # -- dynamics ---------------------------------------------------------------------------
    def set_velocities(self, v: np.ndarray) -> None:
        v3 = np.zeros((self.n, 3))
        v3[:, :self.dim] = v
        from ctypes import c_double

        self.lmp.scatter_atoms("v", 1, 3, (c_double * (3 * self.n))(*v3.ravel()))

    def integrator(self, kind: str, t_start: float | None = None, t_end: float | None = None) -> None:
        """Switch to ``"nve"`` or ``"nvt"`` (Nose-Hoover from ``t_start`` to ``t_end``)."""
        if self._fix:
            self._commands(["unfix integrate"])
        if kind == "nve":
            self._commands(["fix integrate all nve"])
        else:
            t_end = t_start if t_end is None else t_end
            self._commands([f"fix integrate all nvt temp {_f(t_start)} {_f(t_end)} {_f(T_DAMP)}"])
        self._fix = kind
        self._fresh = True

    def run(self, steps: int) -> None:
        """Advance ``steps`` timesteps with the current integrator (set-up only when needed)."""
        if steps <= 0:
            return
        pre = "yes" if self._fresh else "no"
        self._fresh = False
        self.lmp.command(f"run {int(steps)} pre {pre} post no")

    def run_recording(self, steps: list[int]) -> np.ndarray:
        """Run to each of the increasing step counts (from now) and return the unwrapped positions
        there, shape (len(steps), N, d)."""
        out = np.empty((len(steps), self.n, self.dim))
        done = 0
        for k, s in enumerate(steps):
            self.run(int(s) - done)
            done = int(s)
            out[k] = self.unwrapped()
        return out

    # -- reading back -----------------------------------------------------------------------
    def _gather(self, name: str, dtype: int) -> np.ndarray:
        raw = self.lmp.gather_atoms(name, dtype, 3)
        return np.ctypeslib.as_array(raw).reshape(self.n, 3)[:, :self.dim].copy()

    def state(self) -> MDState:
        x = self._gather("x", 1)
        image = self._gather("image", 0).astype(np.int64)
        v = self._gather("v", 1)
        types = np.ctypeslib.as_array(self.lmp.gather_atoms("type", 0, 1)).astype(np.int64).copy()
        x, image = fold(self.h, x, image)  # LAMMPS re-wraps only when it rebuilds neighbour lists
        return MDState(x=x, image=image, v=v, types=types, h=self.h.copy())

    def unwrapped(self) -> np.ndarray:
        return self._gather("x", 1) + self._gather("image", 0) * np.diag(self.h)

    def temperature(self) -> float:
        return float(self.lmp.get_thermo("temp"))

    def potential_energy(self) -> float:
        """Potential energy per particle."""
        return float(self.lmp.get_thermo("pe"))

    def total_energy(self) -> float:
        """Total energy per particle."""
        return float(self.lmp.get_thermo("etotal"))

    def close(self) -> None:
        if self.lmp is not None:
            self.lmp.close()
            self.lmp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
