"""Known glass-forming systems (DESIGN.md, "Systems") and recognising them from a snapshot.

A snapshot is matched by dimension, species fractions and number density. The recognised
system supplies the default particle-size matrix ``sigma`` used by the Tong-Tanaka indicators.

KA uses Oyama's additive assumption for the Tong-Tanaka sizes: sigma_AA = 1, sigma_BB = 0.88,
sigma_AB = (1 + 0.88)/2 = 0.94 (the LJ sigma_AB = 0.8 is non-additive and would make the
"touching" triangle ill-defined).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassviz.errors import GlassvizError


@dataclass(frozen=True)
class System:
    """A glass-forming model system.

    Attributes
    ----------
    name : str, e.g. ``"KA3D"``.
    dim : int.
    fractions : (S,) number fraction of each species (species 0 = "A").
    density : number density (LJ units).
    sigma : (S, S) particle-size matrix for Tong-Tanaka indicators.
    lj_sigma, lj_epsilon : (S, S) pair-potential parameters.
    potential : ``"lj/cut"`` (energy-shifted at 2.5 sigma_ab) or ``"lj/smooth/linear"``
        (force and energy linearly smoothed to zero at 2.5 sigma_ab; Oyama's ABM).
    q_peak : q of the first peak of S_AA(q) used for F_s(q, t), when fixed by convention
        (KA3D: 7.25); None = measured from the configuration.
    """

    name: str
    dim: int
    fractions: tuple
    density: float
    sigma: tuple
    lj_sigma: tuple
    lj_epsilon: tuple
    description: str = ""
    potential: str = "lj/cut"
    q_peak: float | None = None

    @property
    def sigma_matrix(self) -> np.ndarray:
        return np.asarray(self.sigma, dtype=np.float64)


_KA_LJ_SIGMA = ((1.0, 0.8), (0.8, 0.88))
_KA_LJ_EPS = ((1.0, 1.5), (1.5, 0.5))
_KA_TT_SIGMA = ((1.0, 0.94), (0.94, 0.88))

SYSTEMS: dict[str, System] = {
    "KA3D": System("KA3D", 3, (0.8, 0.2), 1.2, _KA_TT_SIGMA, _KA_LJ_SIGMA, _KA_LJ_EPS,
                   "Kob-Andersen 80:20, rho 1.2", q_peak=7.25),
    "KA2D": System("KA2D", 2, (0.65, 0.35), 1.2, _KA_TT_SIGMA, _KA_LJ_SIGMA, _KA_LJ_EPS,
                   "Kob-Andersen 65:35 in 2D, rho 1.2"),
    "ABM2D": System("ABM2D", 2, (0.5, 0.5), 1.2,
                    ((5 / 6, 1.0), (1.0, 7 / 6)), ((5 / 6, 1.0), (1.0, 7 / 6)),
                    ((1.0, 1.0), (1.0, 1.0)),
                    "additive binary mixture 50:50, rho 1.2", potential="lj/smooth/linear"),
    # Oyama et al. (2023) Table I "KAM": N_A = 700, N_B = 1300, rho = 1.09, linearly smoothed LJ. The
    # table's epsilon columns read eps_AB = 0.5, eps_BB = 1.5, but their text says unlike species bind
    # most strongly, as in Kob-Andersen: eps_AB = 1.5, eps_BB = 0.5 here (DESIGN.md, "Systems").
    "KAM2D": System("KAM2D", 2, (0.35, 0.65), 1.09, _KA_TT_SIGMA, _KA_LJ_SIGMA, _KA_LJ_EPS,
                    "Oyama's Kob-Andersen mixture in 2D, 35:65, rho 1.09", potential="lj/smooth/linear"),
}

FRACTION_TOL = 0.03
DENSITY_RTOL = 0.05


def get_system(name: str) -> System:
    key = name.upper()
    if key not in SYSTEMS:
        raise GlassvizError(f"unknown system {name!r}; known systems: {', '.join(SYSTEMS)}")
    return SYSTEMS[key]


def recognise(snapshot) -> System | None:
    """The known system matching ``snapshot`` (dimension, species fractions within 0.03,
    number density within 5 %), or None."""
    fractions = snapshot.species_counts / snapshot.n
    for system in SYSTEMS.values():
        if system.dim != snapshot.dim or len(system.fractions) != len(fractions):
            continue
        if np.all(np.abs(fractions - np.asarray(system.fractions)) <= FRACTION_TOL) and \
                abs(snapshot.density / system.density - 1.0) <= DENSITY_RTOL:
            return system
    return None


def parse_sigma(text: str, n_species: int = 2) -> np.ndarray:
    """Parse ``"AA=1,AB=0.94,BB=0.88"`` into a symmetric (S, S) matrix.

    Species letters A, B, C... are species 0, 1, 2...; every pair must be given.
    """
    sigma = np.full((n_species, n_species), np.nan)
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            pair, value = item.split("=")
            a, b = (ord(c) - 65 for c in pair.strip().upper())
            v = float(value)
        except ValueError:
            raise GlassvizError(f"--sigma: cannot read {item!r}; expected e.g. AA=1,AB=0.94,BB=0.88") from None
        if not (0 <= a < n_species and 0 <= b < n_species):
            raise GlassvizError(f"--sigma: pair {pair!r} names a species the snapshot does not have "
                                f"({n_species} species)")
        if not v > 0:
            raise GlassvizError(f"--sigma: {pair}={value} must be positive")
        sigma[a, b] = sigma[b, a] = v
    if np.isnan(sigma).any():
        missing = [chr(65 + a) + chr(65 + b) for a in range(n_species) for b in range(a, n_species)
                   if np.isnan(sigma[a, b])]
        raise GlassvizError(f"--sigma: missing pair(s) {', '.join(missing)}")
    return sigma


def default_sigma(snapshot, system: str | System | None = None) -> np.ndarray:
    """The sigma matrix for ``snapshot``: from ``system`` (name or System), else from the
    recognised system; one species needs none (its value cancels out of every ideal angle)."""
    if isinstance(system, str):
        system = get_system(system)
    if system is None:
        system = recognise(snapshot)
    if system is not None:
        if len(system.fractions) != snapshot.n_species:
            raise GlassvizError(f"{snapshot.source}: system {system.name} has {len(system.fractions)} "
                                f"species, the snapshot {snapshot.n_species}")
        return system.sigma_matrix
    if snapshot.n_species == 1:
        return np.ones((1, 1))
    raise GlassvizError(
        f"{snapshot.source}: unrecognised system ({snapshot.dim}D, {snapshot.n_species} species, "
        f"fractions {', '.join(f'{f:.3f}' for f in snapshot.species_counts / snapshot.n)}, "
        f"density {snapshot.density:.4g}); give particle sizes with --sigma "
        f"AA=..,AB=..,BB=.. or --system {'|'.join(SYSTEMS)}")
