"""The datasets committed under assets/ (made by glassviz simulate): cards, files, ground truth.

Every configuration file loads as a snapshot of the card's system, N and T; every file that
holds an isoconfigurational ensemble gives its stored propensity back through
``glassviz fields FILE --fields propensity --time t``.
"""

import glob
import json
import os

import numpy as np
import pytest

import glassviz
from glassviz.cli import main
from tests.conftest import ASSETS

CARDS = sorted(glob.glob(os.path.join(ASSETS, "datasets", "*", "card.json"))
               + glob.glob(os.path.join(ASSETS, "*", "card.json")))


def _files(card_path):
    d = os.path.dirname(card_path)
    return sorted(glob.glob(os.path.join(d, "config_*.npz"))), sorted(glob.glob(os.path.join(d, "glass_*.npz")))


@pytest.mark.parametrize("card_path", CARDS, ids=[os.path.basename(os.path.dirname(c)) for c in CARDS])
def test_dataset(card_path, tmp_path):
    card = json.load(open(card_path))
    configs, glasses = _files(card_path)
    assert card["format"] == "glassviz-dataset/1"
    if not configs:  # a run that has not finished its first configuration yet
        assert not card["complete"]
        return
    assert card["lammps_version"] and len(configs) <= card["configs"]
    if card["complete"]:
        assert len(configs) == card["configs"]
        if card["quench_to"] is not None:
            assert len(glasses) == card["configs"]
    for path in configs + glasses:
        snap = glassviz.load(path)
        is_glass = os.path.basename(path).startswith("glass_")
        assert snap.n == card["n_particles"] and snap.dim == card["dim"]
        assert snap.temperature == (card["quench_to"] if is_glass else card["temperature"])
        assert snap.system().name == card["system"]
    for i, path in enumerate(configs if card["replicas"] else []):
        snap = glassviz.load(path)
        times = list(snap.ensemble.times)
        assert times == card["times"] and snap.ensemble.n_replicas == card["replicas"]
        t = times[i % len(times)]
        out = tmp_path / f"{i}.csv"
        assert main(["fields", path, "--fields", "propensity", "--time", str(t), "-o", str(out), "-q"]) == 0
        col = np.loadtxt(out, delimiter=",", skiprows=1, usecols=2 + card["dim"])
        stored = snap.ensemble.averages["propensity"][times.index(t)]
        # files that keep the replicas recompute it from their float32 positions
        assert np.allclose(col, stored, rtol=1e-7, atol=0 if snap.ensemble.positions is None else 2e-5)
        p = snap.ensemble.averages["propensity"]
        assert np.all(np.diff(p.mean(axis=1)) > 0)  # mean |dr| grows with t
        if snap.ensemble.positions is not None:  # demo files keep the replicas: averages agree
            from glassviz.dynamics.propensity import displacement_moments

            for k in range(len(times)):
                dr = snap.ensemble.positions[k] - snap.ensemble.initial[None]
                assert np.allclose(displacement_moments(dr)[0], p[k], atol=2e-5)
