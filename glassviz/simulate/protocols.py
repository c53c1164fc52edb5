"""Simulation protocols, each a function of plain data that runs in a worker process.

* :func:`start_chain` - random insertion, minimisation, NVT at T; a first tau_alpha estimate
  from F_s(q, t), equilibration for ``equilibration`` x that estimate, then the reported
  tau_alpha measured on the equilibrated liquid.
* :func:`advance` - NVT at T for a given time (the spacing between sampled configurations).
* :func:`replica` - one isoconfigurational replica: fresh Maxwell-Boltzmann velocities, NVE,
  unwrapped positions at the requested times.
* :func:`quench` - linear NVT ramp T -> T_G at a cooling rate, then a hold at T_G.

All randomness comes from integer seeds derived with :func:`derive_seed` from the run seed and
the task's place in the run, so a task gives the same result whenever and wherever it runs.
"""

from __future__ import annotations

import numpy as np

from glassviz.dynamics.scattering import self_intermediate_scattering, tau_alpha
from glassviz.simulate.md import DT, MD, MDState, maxwell_boltzmann
from glassviz.systems import get_system

SEED_PURPOSE = {"insert": 1, "velocities": 2, "replica": 3}


def derive_seed(seed: int, purpose: str, *index: int) -> int:
    """A seed in [1, 2^31 - 1) for LAMMPS or numpy from the run seed and a task position."""
    ss = np.random.SeedSequence([int(seed), SEED_PURPOSE[purpose], *map(int, index)])
    return int(ss.generate_state(1, dtype=np.uint32)[0] % (2**31 - 2)) + 1


def steps_for(time: float) -> int:
    return int(round(float(time) / DT))


def measurement_steps(t_max: float, per_decade: int = 12) -> np.ndarray:
    """Log-spaced step counts from 1 to t_max/DT."""
    top = max(steps_for(t_max), 1)
    return np.unique(np.round(np.logspace(0, np.log10(top), int(np.log10(top) * per_decade) + 2)).astype(int))


def measure_fs(md: MD, q: float, t_max: float, stop_below: float = 0.2):
    """Run NVT from now, recording F_s(q, t) of species A (type 1) at log-spaced times until it
    falls below ``stop_below`` or t reaches ``t_max``.  Returns (times, F_s)."""
    types = md.state().types
    start = md.unwrapped()
    a = types == 1
    times, fs = [], []
    done = 0
    for s in measurement_steps(t_max):
        md.run(int(s) - done)
        done = int(s)
        dr = md.unwrapped()[a] - start[a]
        times.append(s * DT)
        fs.append(float(self_intermediate_scattering(dr, q)))
        if fs[-1] < stop_below:
            break
    return np.array(times), np.array(fs)


def first_peak_q(system, state: MDState) -> float:
    """q at the first peak of S_AA(q) for the configuration (or the system's conventional value)."""
    if system.q_peak is not None:
        return float(system.q_peak)
    from glassviz.io.assemble import make_snapshot
    from glassviz.structure.structure_factor import StructureFactor

    snap = make_snapshot("<simulation>", fmt="memory", positions=state.x, h=state.h,
                         origin=np.zeros(state.dim), labels=state.types)
    return StructureFactor(q_max=12.0, bin_width=0.05, species=0).compute(snap).peak


def _measure_tau(system, md: MD, tau_max: float, temperature: float, when: str):
    """(q, tau_alpha, times, F_s) measured from now; an error when F_s never reaches 1/e."""
    q = first_peak_q(system, md.state())
    times, fs = measure_fs(md, q, tau_max)
    tau = tau_alpha(times, fs)
    if not np.isfinite(tau):
        raise RuntimeError(f"F_s(q={q:.3g}, t) did not fall to 1/e within t = {tau_max:g} at "
                           f"T = {temperature:g}{when}: raise --tau-max or the temperature")
    return q, tau, times, fs


def start_chain(system_name: str, n: int, temperature: float, seed: int, chain: int,
                equilibration: float, min_equilibration: float, tau_max: float) -> dict:
    """A new equilibrated chain.  Returns the state arrays and the tau_alpha measurement."""
    system = get_system(system_name)
    md = MD.random(system, n, derive_seed(seed, "insert", chain))
    try:
        rng = np.random.default_rng(derive_seed(seed, "velocities", chain))
        md.set_velocities(maxwell_boltzmann(rng, n, system.dim, temperature))
        md.integrator("nvt", temperature)
        _, tau0, _, _ = _measure_tau(system, md, tau_max, temperature, "")
        t_eq = max(equilibration * tau0, min_equilibration)
        md.run(steps_for(t_eq))
        q, tau, times, fs = _measure_tau(system, md, tau_max, temperature, " after equilibration")
        st = md.state()
        return {"state": st.arrays(), "tau_alpha": tau, "tau_first": tau0, "q": q, "equilibration_time": t_eq,
                "fs_times": times.tolist(), "fs": fs.tolist(), "temperature_measured": md.temperature(),
                "lammps_version": md.lmp.version()}
    finally:
        md.close()


def advance(system_name: str, state: dict, temperature: float, time: float) -> dict:
    """NVT at ``temperature`` for ``time``; returns the new state arrays."""
    system = get_system(system_name)
    md = MD.from_state(system, MDState.from_arrays(state))
    try:
        md.integrator("nvt", temperature)
        md.run(steps_for(time))
        return md.state().arrays()
    finally:
        md.close()


def replica(system_name: str, state: dict, temperature: float, times: list, seed: int,
            config: int, index: int) -> np.ndarray:
    """(T, N, d) unwrapped positions of one NVE replica started from the state's positions
    (image flags zero) with fresh Maxwell-Boltzmann velocities at ``temperature``."""
    system = get_system(system_name)
    st = MDState.from_arrays(state)
    rng = np.random.default_rng(derive_seed(seed, "replica", config, index))
    v = maxwell_boltzmann(rng, st.n, st.dim, temperature)
    start = MDState(x=st.x, image=np.zeros_like(st.image), v=v, types=st.types, h=st.h)
    md = MD.from_state(system, start)
    try:
        md.integrator("nve")
        return md.run_recording([steps_for(t) for t in times])
    finally:
        md.close()


def quench(system_name: str, state: dict, temperature: float, quench_to: float, cooling_rate: float,
           hold_time: float) -> dict:
    """Linear NVT ramp from ``temperature`` to ``quench_to`` at ``cooling_rate`` (per LJ time),
    then ``hold_time`` at ``quench_to``; returns the glass state arrays."""
    system = get_system(system_name)
    md = MD.from_state(system, MDState.from_arrays(state))
    try:
        md.integrator("nvt", temperature, quench_to)
        md.run(steps_for(abs(temperature - quench_to) / cooling_rate))
        md.integrator("nvt", quench_to)
        md.run(steps_for(hold_time))
        return md.state().arrays()
    finally:
        md.close()
