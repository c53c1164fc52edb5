"""Known glass-forming systems (DESIGN.md, "Systems") and recognising them from a snapshot.

A snapshot is matched by dimension, species fractions and number density. The recognised
system supplies the default particle-size matrix ``sigma`` used by the Tong-Tanaka indicators.

KA uses Oyama's additive assumption for the Tong-Tanaka sizes: sigma_AA = 1, sigma_BB = 0.88,
sigma_AB = (1 + 0.88)/2 = 0.94 (the LJ sigma_AB = 0.8 is non-additive and would make the
"touching" triangle ill-defined).

TKA2D is the 2D ternary Kob-Andersen mixture of GlassBench (Jung et al., "Roadmap on machine
learning glassy dynamics", Nat. Rev. Phys. (2025), arXiv:2311.14752, its 2D data set) as
simulated and analysed with G. Jung's StructDynGlass / GlassMLP code
(github.com/GerhardJung/StructDynGlass, commit ac3d2bc, model ``KA2-2D``): N = 1290 with
600 : 330 : 360 particles of types 1, 2, 3 (``machine_learning/KA2D/machine_learning_mlptrain.py``:
``N=1290``, ``NArray = [600, 330, 360]``, ``boxL=32.8962``, so rho = 1290 / 32.8962^2 = 1.19206),
pair parameters from ``struct_base.cpp`` (``determine_sigma`` / ``determine_epsilon``, model
``KA2-2D``): sigma_AA 1, sigma_BB 0.88, sigma_CC 0.94, sigma_AB 0.8, sigma_AC 0.9,
sigma_BC 0.8; eps_AA 1, eps_BB 0.5, eps_CC 0.75, eps_AB 1.5, eps_AC 0.75, eps_BC 1.5; cut at
2.5 sigma_ab with a quartic smoothing 4 eps (C0 + C2 (r/sigma)^2 + C4 (r/sigma)^4) added
(``struct_base.h``: C0 = 0.04049023795, C2 = -0.00970155098, C4 = 0.00062012616).  Its
Tong-Tanaka sizes are the LJ sizes, as StructDynGlass computes Theta for this model
(``struct_base.cpp``, the ``theta2`` law of cosines with ``determine_sigma``); ``--sigma``
overrides them.
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
    potential : ``"lj/cut"`` (energy-shifted at 2.5 sigma_ab), ``"lj/smooth/linear"``
        (force and energy linearly smoothed to zero at 2.5 sigma_ab; Oyama's ABM) or
        ``"lj/smooth/quartic"`` (Jung's quartic smoothing at 2.5 sigma_ab; TKA2D, not simulated
        by glassviz).
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
_TKA_LJ_SIGMA = ((1.0, 0.8, 0.9), (0.8, 0.88, 0.8), (0.9, 0.8, 0.94))
_TKA_LJ_EPS = ((1.0, 1.5, 0.75), (1.5, 0.5, 1.5), (0.75, 1.5, 0.75))

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
    "TKA2D": System("TKA2D", 2, (600 / 1290, 330 / 1290, 360 / 1290), 1290 / 32.8962**2,
                    _TKA_LJ_SIGMA, _TKA_LJ_SIGMA, _TKA_LJ_EPS,
                    "ternary Kob-Andersen 600:330:360 in 2D, rho 1.192 (GlassBench 2D; StructDynGlass KA2-2D)",
                    potential="lj/smooth/quartic"),
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
