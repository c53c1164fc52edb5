"""The LAMMPS driver: energy conservation, thermostat, velocities, exact continuation."""

import numpy as np
import pytest

from glassviz.simulate.md import MD, MDState, maxwell_boltzmann, species_counts
from glassviz.simulate.protocols import derive_seed
from glassviz.systems import get_system


def _liquid(name, n, temperature, steps=3000, seed=7):
    system = get_system(name)
    md = MD.random(system, n, seed)
    md.set_velocities(maxwell_boltzmann(np.random.default_rng(seed), n, system.dim, temperature))
    md.integrator("nvt", temperature)
    md.run(steps)
    return md


@pytest.mark.parametrize("name,temperature", [("KA3D", 0.64), ("KA2D", 0.8), ("ABM2D", 0.6)])
def test_nve_energy_drift_per_particle_per_1000_steps(name, temperature):
    md = _liquid(name, 1000, temperature)
    md.integrator("nve")
    md.run(1)
    # drift = slope of a linear fit, per 1000 steps, over 5000 steps (the bounded O(dt^2)
    # fluctuations around the trend are about as large as the threshold over 1000 steps alone)
    steps = np.arange(0, 5001, 10)
    energy = []
    for k in range(len(steps)):
        if k:
            md.run(10)
        energy.append(md.total_energy())
    md.close()
    drift = np.polyfit(steps, energy, 1)[0] * 1000
    print(f"{name} T={temperature}: NVE energy drift {drift:.2e} per particle per 1000 steps")
    assert abs(drift) < 1e-4, drift


@pytest.mark.parametrize("name,temperature", [("KA3D", 0.64), ("KA2D", 0.8), ("ABM2D", 2.0)])
def test_nose_hoover_temperature_within_2_percent(name, temperature):
    md = _liquid(name, 1000, temperature)
    temps = []
    for _ in range(150):
        md.run(20)
        temps.append(md.temperature())
    md.close()
    print(f"{name}: mean T {np.mean(temps):.4f} for target {temperature} ({100 * (np.mean(temps) / temperature - 1):+.2f} %)")
    assert np.mean(temps) == pytest.approx(temperature, rel=0.02)


def test_maxwell_boltzmann_exact_temperature_and_zero_momentum():
    v = maxwell_boltzmann(np.random.default_rng(1), 500, 3, 0.64)
    assert np.allclose(v.sum(axis=0), 0, atol=1e-12)
    assert np.sum(v * v) / (3 * 499) == pytest.approx(0.64, rel=1e-12)


def test_random_start_has_system_composition_and_density():
    for name in ("KA3D", "KA2D", "ABM2D"):
        system = get_system(name)
        md = MD.random(system, 300, 11)
        st = md.state()
        md.close()
        assert np.array_equal(np.bincount(st.types)[1:], species_counts(system, 300))
        assert 300 / np.prod(np.diag(st.h)) == pytest.approx(system.density)
        assert np.all((st.x >= 0) & (st.x < np.diag(st.h)))


def test_state_continuation_is_exact_and_unwrapped_is_continuous():
    md = _liquid("KA3D", 300, 1.0, steps=500)
    st = md.state()
    md.close()
    runs = []
    for _ in range(2):
        m = MD.from_state(get_system("KA3D"), st)
        m.integrator("nve")
        runs.append(m.run_recording([1, 200, 2000]))
        m.close()
    assert np.array_equal(runs[0], runs[1])
    # one step moves a particle by ~v dt: the unwrapped trajectory never jumps by a box length
    assert np.abs(runs[0][0] - st.unwrapped).max() < 0.05
    assert np.abs(runs[0][2] - st.unwrapped).max() < 0.5 * st.h[0, 0]


def test_positions_outside_the_box_keep_their_unwrapped_place():
    system = get_system("KA2D")
    md = _liquid("KA2D", 200, 0.8, steps=200)
    st = md.state()
    md.close()
    L = np.diag(st.h)
    moved = MDState(x=st.x + L * [2, -1], image=st.image - [2, -1], v=st.v, types=st.types, h=st.h)
    m = MD.from_state(system, moved)
    back = m.state()
    m.close()
    assert np.allclose(back.unwrapped, st.unwrapped, atol=1e-12)


def test_derived_seeds_are_distinct_and_reproducible():
    seeds = {derive_seed(5, "replica", k, r) for k in range(20) for r in range(16)}
    assert len(seeds) == 320 and derive_seed(5, "replica", 3, 4) == derive_seed(5, "replica", 3, 4)
    assert all(1 <= s < 2**31 for s in seeds)


def test_voronoi_works_after_lammps_in_the_same_process():
    """Regression: opening LAMMPS before freud made freud's Voronoi segfault (symbol clash)."""
    import subprocess
    import sys

    code = ("import numpy as np\n"
            "from glassviz.simulate.engine import lammps_instance\n"
            "lammps_instance().close()\n"
            "from tests.helpers import make_snapshot\n"
            "from glassviz.structure.neighbours import VoronoiNeighbours\n"
            "rng = np.random.default_rng(0); L = (400 / 1.2) ** (1 / 3)\n"
            "snap = make_snapshot(rng.uniform(0, L, (400, 3)), np.eye(3) * L)\n"
            "print(VoronoiNeighbours().compute(snap).volumes.sum() / L ** 3)\n")
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert res.returncode == 0, f"exit {res.returncode}: {res.stderr[-500:]}"
    assert abs(float(res.stdout.split()[-1]) - 1) < 1e-6
