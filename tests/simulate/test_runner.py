"""glassviz simulate: files, cards, resuming after an interruption."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import glassviz
from glassviz.errors import GlassvizError
from glassviz.simulate.runner import Plan, Simulation
from tests.conftest import ROOT, run_cli

ARGS = dict(system="KA3D", temperature=1.0, n_particles=200, configs=4, replicas=2, times=(0.1, 0.5),
            quench_to=0.3, cooling_rate=0.2, hold_time=1.0, seed=11, chains=2, equilibration=10)
CLI = ["simulate", "ka3d", "--temperature", "1.0", "--n-particles", "200", "--configs", "4", "--replicas", "2",
       "--times", "0.1,0.5", "--quench-to", "0.3", "--cooling-rate", "0.2", "--hold-time", "1", "--seed", "11",
       "--equilibration", "10"]


def _files(d):
    return {f: open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d)) if not f.startswith(".")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim") / "ref"
    card = Simulation(Plan(**ARGS), out, workers=2, progress=False).run()
    return out, card


def test_files_cards_and_ground_truth(reference):
    out, card = reference
    names = sorted(_files(out))
    assert names == ["card.json"] + [f"config_{k:04d}.npz" for k in range(4)] + [f"glass_{k:04d}.npz" for k in range(4)]
    assert card["complete"] and card["system"] == "KA3D" and card["replicas"] == 2 and card["lammps_version"]
    assert len(card["tau_alpha"]["per_chain"]) == 2 and 0.5 < card["tau_alpha"]["mean"] < 5
    on_disk = json.load(open(out / "card.json"))
    assert on_disk["tau_alpha"] == card["tau_alpha"] and on_disk["complete"]
    for k in range(4):
        snap = glassviz.load(out / f"config_{k:04d}.npz")
        assert snap.n == 200 and snap.dim == 3 and snap.temperature == 1.0 and snap.system().name == "KA3D"
        assert snap.ensemble.n_replicas == 2 and list(snap.ensemble.times) == [0.1, 0.5]
        p = snap.ensemble.averages["propensity"]
        assert np.all(p[1] > 0) and p[1].mean() > p[0].mean()
        e = snap.ensemble.edge_index
        assert e.shape[1] == 2 and np.all(e[:, 0] < e[:, 1]) and snap.ensemble.edge_change.shape == (2, len(e))
        glass = glassviz.load(out / f"glass_{k:04d}.npz")
        assert glass.temperature == 0.3 and glass.meta["parent"] == f"config_{k:04d}.npz"
        assert glass.ensemble is None
    # the configurations of one chain are spaced samples, not copies
    a, b = glassviz.load(out / "config_0000.npz"), glassviz.load(out / "config_0002.npz")
    assert np.abs(a.positions - b.positions).max() > 0.5


def test_fields_reads_the_ground_truth_back(reference):
    out, _ = reference
    snap = glassviz.load(out / "config_0001.npz")
    for t in (0.1, 0.5):
        rc, stdout, stderr = run_cli("fields", out / "config_0001.npz", "--fields", "propensity", "--time", t, "-q")
        assert rc == 0, stderr
        col = np.loadtxt(stdout.splitlines()[1:], delimiter=",", usecols=5)
        k = list(snap.ensemble.times).index(t)
        assert np.allclose(col, snap.ensemble.averages["propensity"][k], rtol=1e-8)
    rc, _, stderr = run_cli("fields", out / "config_0001.npz", "--fields", "propensity", "--time", 3)
    assert rc == 2 and "no stored time 3" in stderr and "0.1, 0.5" in stderr


def test_interrupted_run_resumes_to_the_same_files(reference, tmp_path):
    ref, _ = reference
    out = tmp_path / "resumed"
    partial = Simulation(Plan(**ARGS), out, workers=2, progress=False, max_tasks=5).run()
    assert not partial["complete"]
    assert len(_files(out)) < len(_files(ref))
    Simulation(Plan(**ARGS), out, workers=1, progress=False).run()  # other worker count, same files
    assert _files(out) == _files(ref)


def test_killed_command_resumes_to_the_same_files(tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "glassviz.cli", *CLI, "-o", str(out), "-q"]
    env = {**os.environ, "PYTHONPATH": ROOT}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not (out / "config_0000.npz").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(_files(out)) < 9
    rc = subprocess.run(cmd, env=env).returncode
    assert rc == 0
    fresh = tmp_path / "fresh"
    assert subprocess.run([sys.executable, "-m", "glassviz.cli", *CLI, "-o", str(fresh), "-q"], env=env).returncode == 0
    a, b = _files(out), _files(fresh)
    card_a, card_b = json.loads(a.pop("card.json")), json.loads(b.pop("card.json"))
    assert a == b
    assert card_a.pop("command").endswith("killed") and card_b.pop("command").endswith("fresh")
    assert card_a == card_b


def test_other_settings_in_the_same_directory_are_refused(reference):
    out, _ = reference
    with pytest.raises(GlassvizError, match="other settings.*seed"):
        Simulation(Plan(**{**ARGS, "seed": 12}), out, progress=False).run()


@pytest.mark.parametrize("bad,match", [
    (dict(replicas=2, times=()), "--replicas needs --times"),
    (dict(replicas=0, times=(1.0,)), "--times needs --replicas"),
    (dict(times=(0.5, 0.1)), "increasing"),
    (dict(quench_to=0.1, cooling_rate=None), "go together"),
    (dict(system="LJ"), "unknown system"),
])
def test_bad_plans(bad, match):
    with pytest.raises(GlassvizError, match=match):
        Plan(**{**ARGS, **bad})


def test_cli_bad_plan_is_one_line(tmp_path):
    rc, _, stderr = run_cli("simulate", "ka2d", "--temperature", "0.8", "--n-particles", "100", "--configs", "1",
                            "--replicas", "2", "-o", tmp_path / "x")
    assert rc == 2 and stderr.strip() == "glassviz: error: --replicas needs --times"


@pytest.mark.slow
def test_replicas_from_the_glass_at_another_temperature_and_resume(tmp_path):
    """Oyama's ageing propensity: replicas start from the quenched glass with velocities at
    --replica-temperature; the glass file holds the averages (cage_msd from the stored replicas
    equals the stored one), the liquid none; an interrupted run resumes to the same bytes."""
    args = dict(system="ABM2D", temperature=4.0, n_particles=120, configs=2, chains=1, replicas=2, tau_max=20.0,
                times=(0.2, 0.6), quench_to=0.05, cooling_rate=0.5, hold_time=1.0, seed=5, equilibration=2,
                replicas_from="glass", replica_temperature=1.0, store_replicas=True, compact=True)
    full = tmp_path / "full"
    card = Simulation(Plan(**args), full, workers=1, progress=False).run()
    assert card["complete"] and "quenched glass" in card["protocol"]["replicas"]
    for k in range(2):
        liquid = glassviz.load(full / f"config_{k:04d}.npz")
        glass = glassviz.load(full / f"glass_{k:04d}.npz")
        assert liquid.ensemble is None and glass.ensemble is not None
        assert glass.meta["replica_temperature"] == 1.0 and glass.temperature == 0.05
        stored = glass.ensemble.averages["cage_msd"][1].copy()
        glass.ensemble.averages.pop("cage_msd")
        from glassviz.dynamics import cage_msd

        assert np.allclose(cage_msd(glass, 0.6), stored, rtol=2e-3, atol=1e-6)  # float16 storage
    part = tmp_path / "part"
    Simulation(Plan(**args), part, workers=1, progress=False, max_tasks=3).run()
    Simulation(Plan(**args), part, workers=1, progress=False).run()
    assert _files(part) == _files(full)
    with pytest.raises(GlassvizError, match="--replicas-from glass needs"):
        Plan(**{**args, "quench_to": None, "cooling_rate": None})
