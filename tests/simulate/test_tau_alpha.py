"""tau_alpha of KA3D at T = 0.64, N = 4096 against the value of an independent LAMMPS run (8.2)."""

import numpy as np
import pytest

from glassviz.simulate.protocols import measurement_steps, start_chain


def test_measurement_times_are_log_spaced():
    s = measurement_steps(100.0)
    assert s[0] == 1 and s[-1] == 20000 and np.all(np.diff(s) > 0)


@pytest.mark.slow
def test_ka3d_tau_alpha_at_T064_N4096():
    result = start_chain("KA3D", 4096, 0.64, seed=640, chain=0, equilibration=30, min_equilibration=20,
                         tau_max=200)
    print(f"tau_alpha = {result['tau_alpha']:.3f} (first estimate {result['tau_first']:.3f}, "
          f"equilibrated for t = {result['equilibration_time']:.1f}, T = {result['temperature_measured']:.4f})")
    assert result["q"] == 7.25
    assert result["tau_alpha"] == pytest.approx(8.2, rel=0.2)
    fs = np.array(result["fs"])
    assert fs[0] > 0.99 and fs[-1] < 0.2 and np.all(np.diff(fs) < 0.02)  # a decaying F_s(q, t)
