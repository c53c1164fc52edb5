"""Make the bundled KA2D demo snapshots with LAMMPS.

Kob-Andersen 65:35 in 2D (DESIGN.md "KA2D"): N = 2000, rho = 1.2, LJ units, masses 1,
timestep 0.005, pair cutoff 2.5 sigma_ab, energy-shifted.  Protocol: random start, energy
minimisation, Nose-Hoover NVT at T_L = 0.8 for 2e5 steps (t = 1000), write the liquid; then a
linear quench to T_G = 0.05 at cooling rate 2e-3 (t = 375), hold 2e4 steps, write the glass.

    python assets/make_demo.py [--seed 2026] [--outdir assets]

writes ``ka2d_liquid_T0.8.dump`` and ``ka2d_glass_T0.05.dump`` (LAMMPS text dumps,
``id type x y``).
"""

from __future__ import annotations

import argparse
import math
import os

from glassviz.simulate.engine import lammps_instance

KA = {  # (eps, sigma) per pair, DESIGN.md
    (1, 1): (1.0, 1.0),
    (1, 2): (1.5, 0.8),
    (2, 2): (0.5, 0.88),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--outdir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    n = args.n
    n_a = round(0.65 * n)
    length = math.sqrt(n / 1.2)
    lmp = lammps_instance()
    cmds = [
        "units lj", "dimension 2", "atom_style atomic", "boundary p p p",
        f"region box block 0 {length!r} 0 {length!r} -0.5 0.5",
        "create_box 2 box",
        f"create_atoms 1 random {n_a} {args.seed} box overlap 0.7 maxtry 200",
        f"create_atoms 2 random {n - n_a} {args.seed + 1} box overlap 0.6 maxtry 200",
        "mass * 1.0",
        "pair_style lj/cut 2.5", "pair_modify shift yes",
    ]
    for (a, b), (eps, sig) in KA.items():
        cmds.append(f"pair_coeff {a} {b} {eps} {sig} {2.5 * sig}")
    cmds += [
        "neighbor 0.3 bin", "neigh_modify every 1 delay 0 check yes",
        "timestep 0.005",
        "fix e2d all enforce2d",
        "minimize 1e-6 1e-8 2000 20000",
        f"velocity all create 0.8 {args.seed + 2} dist gaussian mom yes",
        "fix nvt all nvt temp 0.8 0.8 0.5",
        "run 200000",
        f"write_dump all custom {args.outdir}/ka2d_liquid_T0.8.dump id type x y modify sort id",
        "unfix nvt",
        "fix nvt all nvt temp 0.8 0.05 0.5",
        "run 75000",
        "unfix nvt",
        "fix nvt all nvt temp 0.05 0.05 0.5",
        "run 20000",
        f"write_dump all custom {args.outdir}/ka2d_glass_T0.05.dump id type x y modify sort id",
    ]
    for c in cmds:
        if c:
            lmp.command(c)
    lmp.close()


if __name__ == "__main__":
    main()
