"""Shell ablation: exactness limits, batching, pruning."""

import numpy as np
import pytest
import torch

from glassviz.explain.ablation import ShellAblation, hop_shells
from glassviz.models.botan import BOTAN
from glassviz.models.graphs import radius_graph
from glassviz.models.ntgnn import NTGNN
from tests.helpers import make_snapshot


def _ka3d(rng, n=700):
    L = (n / 1.2) ** (1 / 3)
    return make_snapshot(rng.uniform(0, L, (n, 3)), np.eye(3) * L, species=(np.arange(n) >= 0.8 * n).astype(int))


def _card(arch):
    return {"name": "m", "arch": arch, "kind": "propensity", "system": "KA3D", "dim": 3,
            "graph": {"cutoff": 2.0, "self_edges": arch == "ntgnn"}}


def test_hop_shells_on_a_chain():
    from glassviz.models.graphs import RadiusGraph

    s = np.array([0, 1, 1, 2, 2, 3, 0, 1, 2, 3])
    r = np.array([1, 0, 2, 1, 3, 2, 0, 1, 2, 3])
    g = RadiusGraph(s, r, np.zeros((10, 3), np.float32), 5, 2.0, True)
    assert hop_shells(g, 0).tolist() == [0, 1, 2, 3, -1]


@pytest.mark.parametrize("cls", [NTGNN, BOTAN])
def test_pruned_core_gives_the_targets_exactly(rng, cls):
    torch.manual_seed(1)
    model = cls().eval()
    snap = _ka3d(rng)
    g = radius_graph(snap, 2.0, self_edges=cls is NTGNN)
    args = [torch.from_numpy(a) for a in (snap.species, g.vectors, g.senders, g.receivers)]
    with torch.no_grad():
        full = model(*args)
        full = full[0] if isinstance(full, tuple) else full
        hops = torch.from_numpy(np.where(hop_shells(g, 17) < 0, 10**6, hop_shells(g, 17)))
        pruned = model(*args, hops=hops)
        pruned = pruned[0] if isinstance(pruned, tuple) else pruned
    assert abs(float(full[17]) - float(pruned[17])) < 1e-6


@pytest.mark.parametrize("cls", [NTGNN, BOTAN])
def test_full_keep_and_zero_stretch_equal_the_full_prediction(rng, cls):
    torch.manual_seed(2)
    model = cls().eval()
    snap = _ka3d(rng)
    ab = ShellAblation(model, _card(cls.arch), snap).compute(3, n_values=range(1, 12), delta=0.0)
    shells = ab.shells
    assert shells[3] == 0 and shells.max() < 11
    # equal up to float32 rounding: the batched matrix products may round the last bit differently
    tol = 1e-6 * abs(ab.full)
    assert np.abs(ab.stretch - ab.full).max() <= tol
    assert abs(ab.keep[-1] - ab.full) <= tol and ab.kept_counts[-1] == snap.n
    assert abs(ab.keep[6] - ab.full) <= tol  # 7 core steps see 7 shells: keeping them is exact
    assert abs(ab.keep[0] - ab.full) > 10 * tol
    moved = ShellAblation(model, _card(cls.arch), snap).compute(3, n_values=[1, 2, 9], modes=("stretch",), delta=0.3)
    assert abs(moved.stretch[0] - ab.full) > 10 * tol and moved.stretch[2] == pytest.approx(ab.full, abs=1e-6)
    table = moved.table()
    assert list(table.columns) == ["n", "full", "stretch_delta_0.3", "shell_size"]


def test_cli_ablate(rng, tmp_path, monkeypatch):
    from glassviz.models.store import save_model
    from tests.conftest import run_cli

    monkeypatch.setenv("GLASSVIZ_HOME", str(tmp_path / "home"))
    torch.manual_seed(3)
    save_model(BOTAN(), dict(_card("botan"), name="b"))
    snap = _ka3d(rng, 500)
    from glassviz.io.tables import write_table

    path = tmp_path / "s.extxyz"
    write_table(snap, {}, str(path))
    rc, out, err = run_cli("ablate", path, "--model", "b", "--particle", 7, "--max-shell", 3)
    assert rc == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "n,full,keep,kept_particles,stretch_delta_0.1,shell_size" and len(lines) == 4
    # the same numbers drawn (Bapst Fig. 4): both modes, n = 1..3 on the x axis, the full prediction dashed
    rc, out, err = run_cli("ablate", path, "--model", "b", "--particle", 7, "--max-shell", 3, "-o", tmp_path / "c.svg")
    assert rc == 0 and out == "", err
    svg = (tmp_path / "c.svg").read_text()
    assert "(a) keep shells ≤ n" in svg and "(b) shells &gt; n moved out by δ = 0.1" in svg
    assert "shell n" in svg and "full configuration" in svg and "particle 7 of s.extxyz" in svg
    rc, _, err = run_cli("ablate", path, "--model", "b", "--particle", 7, "-o", tmp_path / "c.jpg")
    assert rc == 2 and "unknown output extension '.jpg'" in err and ".svg" in err and "Traceback" not in err
    rc, _, err = run_cli("ablate", path, "--model", "b", "--particle", 99999)
    assert rc == 2 and "no particle with id 99999" in err
