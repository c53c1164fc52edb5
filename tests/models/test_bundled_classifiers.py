"""The bundled classifiers on configurations made outside glassviz.

The KA2D liquid and glass below come from an independent LAMMPS input script written here in
full (random placement with ``create_atoms random``, minimisation, Nose-Hoover NVT at T = 0.8,
a linear quench to T = 0.05 at rate 5e-3 and a hold, as the training data but sharing no code
with ``glassviz.simulate``), dumped as LAMMPS text dumps and read back by ``glassviz.load``.
"""

import os

import numpy as np
import pytest

import glassviz
from glassviz.bundled import models_dir
from glassviz.simulate.engine import lammps_instance
from tests.helpers import KA2D_LAMMPS_INTERACTIONS

CNN = "cnn_ka2d_T0.8_vs_T0.05"

SCRIPT = """
units lj
dimension 2
atom_style atomic
boundary p p p
region box block 0 {L} 0 {L} -0.5 0.5
create_box 2 box
create_atoms 1 random 1300 {seed} box overlap 0.5 maxtry 1000
create_atoms 2 random 700 {seed2} box overlap 0.5 maxtry 1000
""" + KA2D_LAMMPS_INTERACTIONS + """fix flat all enforce2d
minimize 1e-6 1e-8 1000 10000
timestep 0.005
velocity all create 0.8 {seed3} dist gaussian mom yes
fix nvt all nvt temp 0.8 0.8 0.5
run 20000
write_dump all custom {liquid} id type x y z modify sort id
unfix nvt
fix quench all nvt temp 0.8 0.05 0.5
run 30000
unfix quench
fix hold all nvt temp 0.05 0.05 0.5
run 10000
write_dump all custom {glass} id type x y z modify sort id
"""


@pytest.mark.slow
def test_cnn_classifies_configurations_from_an_independent_script(tmp_path):
    if not os.path.exists(os.path.join(models_dir(), CNN + ".json")):
        pytest.fail(f"bundled model {CNN} missing")
    from glassviz.models.classify import classify
    from glassviz.models.store import load_model

    L = (2000 / 1.2) ** 0.5
    model, card = load_model(CNN)
    results = []
    for seed in (11, 12):
        liquid, glass = tmp_path / f"liquid{seed}.dump", tmp_path / f"glass{seed}.dump"
        lmp = lammps_instance()
        lmp.commands_string(SCRIPT.format(L=L, seed=seed, seed2=seed + 100, seed3=seed + 200, liquid=liquid,
                                          glass=glass))
        lmp.close()
        snaps = [glassviz.load(liquid), glassviz.load(glass)]
        assert [(s.dim, s.n) for s in snaps] == [(2, 2000)] * 2
        results += [(r["class"], want, r["probabilities"][want]) for r, want in
                    zip(classify(model, card, snaps), ("liquid", "glass"))]
    print("independent LAMMPS KA2D:", results)
    assert all(got == want for got, want, _ in results)
    assert np.mean([p for *_, p in results]) > 0.9


def test_gradcam_sanity_on_held_out_glasses():
    """Adebayo et al. (2018): re-initialising the last conv layer must change the map (Pearson
    with the original < 0.3), and the glass and liquid maps must differ.  Held-out glasses come
    from chains the CNN never saw."""
    import glob

    import torch

    from glassviz.explain.gradcam import GradCAM
    from glassviz.models.store import load_model
    from tests.conftest import ASSETS

    files = sorted(glob.glob(os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05_heldout", "glass_*.npz")))[:5]
    assert files, "held-out glasses missing"
    model, card = load_model(CNN)
    randomised, _ = load_model(CNN)
    torch.manual_seed(5)
    randomised.conv3.reset_parameters()
    for f in files:
        snap = glassviz.load(f)
        glass = GradCAM(model, card, "glass").compute(snap)
        assert glass.probabilities[card["classes"].index("glass")] > 0.99
        liquid = GradCAM(model, card, "liquid").compute(snap)
        again = GradCAM(randomised, card, "glass").compute(snap)
        assert np.corrcoef(glass.values, again.values)[0, 1] < 0.3
        assert np.corrcoef(glass.values, liquid.values)[0, 1] < 0.5
