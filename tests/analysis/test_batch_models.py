"""Model fields in batch jobs: one model read per process, one forward pass per batch of
snapshots, the same numbers as one snapshot at a time."""

import os

import numpy as np
import pytest

import glassviz
from glassviz.analysis.batch import map_snapshots
from glassviz.analysis.field_table import FieldTableJob
from glassviz.analysis.sources import expand
from tests.analysis.trajectories import random_3d, write_dump
from tests.conftest import ASSETS, DEMO_GLASS

MODEL = "botan_ka3d_T0.64_t16.5"


@pytest.fixture(scope="module")
def traj(tmp_path_factory):
    # random KA3D-like configurations (80:20, rho = 1.2): recognised as KA3D, small and fast
    return write_dump(tmp_path_factory.mktemp("models") / "ka3d.dump", [random_3d(500, seed=s) for s in range(3)])


def test_one_model_load_and_one_forward_for_a_batch(traj, monkeypatch):
    import glassviz.fields.models as model_fields
    from glassviz.models import inference, store

    calls = {"load": 0, "predict": []}
    real_load, real_predict = store.load_model, inference.predict

    def counting_load(name):
        calls["load"] += 1
        return real_load(name)

    def counting_predict(model, card, snapshots, **kw):
        snapshots = list(snapshots)
        calls["predict"].append(len(snapshots))
        return real_predict(model, card, snapshots, **kw)

    monkeypatch.setattr(model_fields, "_MODELS", {})
    monkeypatch.setattr(store, "load_model", counting_load)
    monkeypatch.setattr(inference, "predict", counting_predict)
    names = [f"propensity@{MODEL}", f"edge_change@{MODEL}"]
    table = glassviz.analyze(traj, names)
    assert calls == {"load": 1, "predict": [3]}
    # the same numbers as predicting each snapshot alone
    model, card = model_fields.cached_model(MODEL)
    for k in range(3):
        alone = real_predict(model, card, [glassviz.load(traj, frame=k)])[0].nodes
        np.testing.assert_array_equal(table.loc[table["frame"] == k, names[0]].to_numpy(), alone.astype(np.float64))
    assert calls["load"] == 1


def test_a_bad_snapshot_in_a_model_batch_is_the_one_named(traj):
    job = FieldTableJob((f"propensity@{MODEL}",))
    refs = expand([traj, DEMO_GLASS])  # a 2D snapshot among 3D ones: the batch is redone one by one
    run = map_snapshots(job, refs, keep_going=True, progress=False, batch_size=job.batch_size)
    done = [(r.file, r.frame) for r, _ in run]
    assert done == [(traj, 0), (traj, 1), (traj, 2)]
    assert len(run.skipped) == 1 and DEMO_GLASS in run.skipped[0].message and "2D" in run.skipped[0].message


def test_predict_command_batch_equals_single_runs(traj, tmp_path):
    import pandas as pd

    from glassviz.cli import main

    out, one = tmp_path / "all.parquet", tmp_path / "one.parquet"
    assert main(["predict", traj, "--model", MODEL, "-o", str(out), "-q"]) == 0
    assert main(["predict", traj, "--frame", "2", "--model", MODEL, "-o", str(one), "-q"]) == 0
    table, single = pd.read_parquet(out), pd.read_parquet(one)
    assert list(table.columns) == ["file", "frame", "timestep", "id", "type", "x", "y", "z", f"propensity@{MODEL}"]
    assert list(single.columns) == ["id", "type", "x", "y", "z", f"propensity@{MODEL}"]
    last = table[table["frame"] == 2].reset_index(drop=True)
    np.testing.assert_allclose(last[f"propensity@{MODEL}"], single[f"propensity@{MODEL}"], rtol=1e-12, atol=0)


def _count_passes(monkeypatch, cls, method="_explain"):
    calls = []
    real = getattr(cls, method)

    def counting(self, *args):
        calls.append(len(args[-1]))
        return real(self, *args)

    monkeypatch.setattr(cls, method, counting)
    return calls


def test_gradcam_is_one_pass_per_batch_and_equals_one_snapshot_at_a_time(monkeypatch):
    import glob

    import glassviz.fields.models as model_fields
    from glassviz.explain.gradcam import GradCAM

    files = sorted(glob.glob(os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05_heldout", "glass_*.npz")))[:3]
    name = "gradcam@cnn_ka2d_T0.8_vs_T0.05"
    calls = _count_passes(monkeypatch, GradCAM)
    table = glassviz.analyze(files, [name])
    assert calls == [3]
    model, card = model_fields.cached_model("cnn_ka2d_T0.8_vs_T0.05")
    for f in files:
        alone = GradCAM(model, card).compute(glassviz.load(f)).values
        # float32 convolutions of a batch may sum in another order than one sample's
        np.testing.assert_allclose(table.loc[table["file"] == f, name].to_numpy(), alone, rtol=1e-5, atol=1e-6)
    assert alone.std() > 0


def test_attention_is_one_pass_per_batch_and_equals_one_snapshot_at_a_time(traj, monkeypatch):
    import glassviz.fields.models as model_fields
    from glassviz.explain.attention import Attention

    name = "attention@attention_ka3d_T4"
    calls = _count_passes(monkeypatch, Attention)
    table = glassviz.analyze(traj, [name])
    assert calls == [3]
    model, card = model_fields.cached_model("attention_ka3d_T4")
    for k in range(3):
        one = Attention(model, card).compute(glassviz.load(traj, frame=k))
        got = table.loc[table["frame"] == k, name].to_numpy()
        np.testing.assert_allclose(got, one.values, rtol=1e-5, atol=1e-6)
        assert got.mean() == pytest.approx(1.0, abs=1e-5)  # every particle hands out a total of 1
