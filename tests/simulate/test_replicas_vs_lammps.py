"""glassviz's isoconfigurational replicas against an independent LAMMPS input script.

The script below is written out in full here (it shares no code with glassviz.simulate): it
reads the demo KA2D liquid (N = 2000, T = 0.8) from a data file this test writes, draws
velocities with LAMMPS' own ``velocity create``, integrates NVE and reports the mean type-A
|dr| at t = 0.5 and t = 2.0 through ``compute displace/atom`` (``${...}`` freezes each value when
it is read).  Both sides average 8 replicas of
1300 type-A particles; they must agree within their statistical spread.
"""

import numpy as np
import pytest

import glassviz
from glassviz.simulate.engine import lammps_instance
from glassviz.simulate.protocols import replica
from tests.conftest import DEMO_LIQUID
from tests.helpers import KA2D_LAMMPS_INTERACTIONS

SCRIPT = """
units lj
dimension 2
atom_style atomic
boundary p p p
read_data {data}
""" + KA2D_LAMMPS_INTERACTIONS + """timestep 0.005
group A type 1
velocity all create 0.8 {seed} dist gaussian mom yes
fix integrate all nve
fix flat all enforce2d
compute d A displace/atom
compute mean A reduce ave c_d[4]
thermo_style custom step c_mean
run 100
variable now05 equal c_mean
variable t05 equal ${{now05}}
run 300
variable now20 equal c_mean
variable t20 equal ${{now20}}
"""


def _write_data(path, snap):
    x = snap.file_positions
    L = np.diag(snap.h)
    lines = ["KA2D demo liquid", "", f"{snap.n} atoms", "2 atom types", "",
             f"0 {float(L[0])!r} xlo xhi", f"0 {float(L[1])!r} ylo yhi", "-0.5 0.5 zlo zhi", "", "Atoms # atomic", ""]
    lines += [f"{i + 1} {int(t)} {float(x[i, 0])!r} {float(x[i, 1])!r} 0.0" for i, t in enumerate(snap.labels)]
    path.write_text("\n".join(lines) + "\n")


def test_mean_type_a_displacement_matches_independent_script(tmp_path):
    snap = glassviz.load(DEMO_LIQUID)
    data = tmp_path / "liquid.data"
    _write_data(data, snap)
    ref = {0.5: [], 2.0: []}
    for seed in range(101, 109):
        lmp = lammps_instance()
        lmp.commands_string(SCRIPT.format(data=data, seed=seed))
        ref[0.5].append(lmp.extract_variable("t05"))
        ref[2.0].append(lmp.extract_variable("t20"))
        lmp.close()

    # glassviz: the same positions as a state, replicas with its own velocities
    order = np.argsort(snap.ids)
    state = {"x": snap.file_positions[order], "image": np.zeros((snap.n, 2), dtype=np.int64),
             "v": np.zeros((snap.n, 2)), "types": np.asarray(snap.labels[order], dtype=np.int64),
             "h": snap.h}
    a = state["types"] == 1
    ours = {0.5: [], 2.0: []}
    for r in range(8):
        traj = replica("KA2D", state, 0.8, [0.5, 2.0], seed=9, config=0, index=r)
        for k, t in enumerate((0.5, 2.0)):
            ours[t].append(np.linalg.norm(traj[k][a] - state["x"][a], axis=1).mean())
    for t in (0.5, 2.0):
        m_ref, m_ours = np.mean(ref[t]), np.mean(ours[t])
        spread = np.hypot(np.std(ref[t]), np.std(ours[t])) / np.sqrt(8)
        print(f"t={t}: independent script {m_ref:.5f}, glassviz {m_ours:.5f}, +- {spread:.5f}")
        assert m_ours == pytest.approx(m_ref, abs=max(4 * spread, 0.01 * m_ref))
