"""LAMMPS speed per system and the overhead of glassviz's Python driver (medians over repeats).

    python benchmarks/simulate.py [--steps 10000] [--repeats 3]

For KA3D (N = 1000), KA2D (N = 2000) and ABM2D (N = 2000), from the same liquid state:

* pure LAMMPS: one ``run STEPS`` in an instance that is already set up (the baseline);
* driver: :func:`glassviz.simulate.protocols.replica` doing the same number of steps the way a
  dataset run does (fresh instance from the state, Maxwell-Boltzmann velocities, NVE, positions
  gathered at 9 log-spaced times), and :func:`~glassviz.simulate.protocols.advance` (an NVT
  segment).

Prints steps per second and the driver overhead relative to the pure LAMMPS time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from glassviz.simulate import protocols  # noqa: E402
from glassviz.simulate.md import DT, MD, maxwell_boltzmann  # noqa: E402
from glassviz.systems import get_system  # noqa: E402

CASES = [("KA3D", 1000, 0.64), ("KA2D", 2000, 0.8), ("ABM2D", 2000, 2.0)]


def liquid_state(name: str, n: int, temperature: float):
    system = get_system(name)
    md = MD.random(system, n, 1)
    md.set_velocities(maxwell_boltzmann(np.random.default_rng(1), n, system.dim, temperature))
    md.integrator("nvt", temperature)
    md.run(2000)
    state = md.state()
    md.close()
    return state


def pure_lammps(name: str, state, steps: int) -> float:
    md = MD.from_state(get_system(name), state)
    md.integrator("nve")
    md.run(1)  # set-up outside the timing
    t0 = time.perf_counter()
    md.lmp.command(f"run {steps} pre no post no")
    dt = time.perf_counter() - t0
    md.close()
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    steps = args.steps
    times = list(np.round(np.logspace(np.log10(20 * DT), np.log10(steps * DT), 9) / DT) * DT)
    print(f"{'system':7s} {'N':>5s} {'LAMMPS steps/s':>15s} {'replica steps/s':>16s} {'overhead':>9s} "
          f"{'NVT segment steps/s':>20s} {'overhead':>9s}")
    for name, n, temperature in CASES:
        state = liquid_state(name, n, temperature)
        arrays = state.arrays()
        pure, rep, seg = [], [], []
        for r in range(args.repeats):
            pure.append(pure_lammps(name, state, steps))
            t0 = time.perf_counter()
            protocols.replica(name, arrays, temperature, times, seed=1, config=0, index=r)
            rep.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            protocols.advance(name, arrays, temperature, steps * DT)
            seg.append(time.perf_counter() - t0)
        p, q, s = statistics.median(pure), statistics.median(rep), statistics.median(seg)
        print(f"{name:7s} {n:5d} {steps / p:15.0f} {steps / q:16.0f} {100 * (q / p - 1):8.1f}% "
              f"{steps / s:20.0f} {100 * (s / p - 1):8.1f}%", flush=True)
    print(f"({steps} steps, median of {args.repeats}; overhead = driver time / pure LAMMPS time - 1)")


if __name__ == "__main__":
    main()
