"""The Batch tab (in-process): correlate over the open files or a trajectory's frames in a worker
thread, the same table as ``glassviz correlate``; the file's own columns as dashboard fields."""

import glob
import os

import numpy as np
import pytest

from tests.conftest import ASSETS, DEMO_GLASS

pytest.importorskip("panel")

HELDOUT = os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05_heldout")
FIELDS = ["voronoi_volume", "tong_tanaka", "coordination"]


def _build(files):
    from glassviz.app.layout import build

    return build(files)


def test_batch_over_open_files_equals_correlate():
    from glassviz.analysis.snapshot_correlations import correlate

    files = sorted(glob.glob(os.path.join(HELDOUT, "glass_*.npz")))[:2] + \
        sorted(glob.glob(os.path.join(HELDOUT, "config_*.npz")))[:2]
    app = _build(files)
    s, batch = app.session, app.views["batch"]
    s.xi, s.normalize, s.one_minus = 3.0, True, ["tong_tanaka"]
    s.species = s.choice.param.species.objects[1]  # the first species, as the sidebar offers it
    batch.fields.value = FIELDS
    batch.group_by.value = "temperature"
    batch.start()
    batch.wait(300)
    got = batch.table
    ref = correlate(files, FIELDS, xi=3.0, normalize=True, one_minus=["tong_tanaka"], species=s.species,
                    group_by="temperature")
    assert list(got.columns) == list(ref.columns) and len(got) == 4
    for c in ref.columns:
        if c.startswith("C("):
            np.testing.assert_allclose(got[c].to_numpy(), ref[c].to_numpy(), rtol=0, atol=1e-12)
    assert sorted(set(got["group"])) == ["T = 0.05", "T = 0.8"]
    assert batch.figure.object[:8] == b"\x89PNG\r\n\x1a\n"
    assert "mean ± std" in batch.summary.object and "1−Θ" in batch.summary.object
    assert not batch.run.disabled and batch.cancel.disabled
    pdf = batch._figure_pdf().getvalue()
    assert pdf.startswith(b"%PDF")
    import pandas as pd

    back = pd.read_csv(batch._table_csv())
    assert list(back.columns) == list(ref.columns) and len(back) == 4


def test_batch_over_frames_of_a_trajectory_and_a_bad_file_skipped(tmp_path):
    from glassviz.snapshot import tile  # noqa: F401  (the module is importable without Panel)
    from tests.analysis.trajectories import random_3d, write_dump

    traj = write_dump(tmp_path / "traj.dump", [random_3d(300, seed=k) for k in range(4)])
    bad = tmp_path / "bad.dump"
    bad.write_text("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n")
    app = _build([str(traj)])
    s, batch = app.session, app.views["batch"]
    batch.fields.value = ["voronoi_volume", "coordination"]
    batch.over.value = "frames of the shown file"
    batch.frames.value = "0:4:2"
    batch.start()
    batch.wait(300)
    assert list(batch.table["frame"]) == [0, 2]
    assert "done: 2 snapshots" in batch.status.object
    # over the open files, a file that cannot be read is one line and the others are done
    batch.over.value = "open files"
    batch.frames.value = ""
    s.open(str(traj), show=False)
    assert s.files.listed()[0][0] == str(traj)
    batch.sources = lambda: ([str(traj), str(bad)], None)
    batch.start()
    batch.wait(300)
    assert len(batch.table) == 4 and "skipped" in batch.status.object and "bad.dump" in batch.status.object


def test_a_cancelled_batch_keeps_what_it_finished(tmp_path):
    from tests.analysis.trajectories import random_3d, write_dump

    traj = write_dump(tmp_path / "traj.dump", [random_3d(300, seed=k) for k in range(6)])
    app = _build([str(traj)])
    batch = app.views["batch"]
    batch.fields.value = ["voronoi_volume", "coordination"]
    batch.over.value = "frames of the shown file"
    batch.start()
    batch._job.cancel()
    batch.wait(300)
    n = len(batch.table)
    assert 1 <= n < 6 and "cancelled" in batch.status.object


def write_columns_dump(path):
    """The demo KA2D glass as a LAMMPS dump with two extra columns, ``c_pe`` and ``v_foo``;
    returns their values."""
    import glassviz

    snap = glassviz.load(DEMO_GLASS)
    rng = np.random.default_rng(3)
    pe, foo = rng.normal(-3, 0.4, snap.n), np.arange(snap.n, dtype=float)
    lo = snap.offset - 0.5 * np.diag(snap.h)
    lines = ["ITEM: TIMESTEP", "0", "ITEM: NUMBER OF ATOMS", str(snap.n), "ITEM: BOX BOUNDS pp pp pp"]
    lines += [f"{lo[a]:.10f} {lo[a] + snap.h[a, a]:.10f}" for a in range(2)] + ["-0.5 0.5"]
    lines.append("ITEM: ATOMS id type x y c_pe v_foo")
    pos = snap.file_positions
    lines += [f"{snap.ids[i]} {snap.type_labels[snap.species[i]]} {pos[i, 0]:.10f} {pos[i, 1]:.10f} "
              f"{pe[i]:.10f} {foo[i]:.1f}" for i in range(snap.n)]
    path.write_text("\n".join(lines) + "\n")
    return pe, foo


def test_file_columns_are_dashboard_fields(tmp_path):
    path = tmp_path / "columns.dump"
    pe, foo = write_columns_dump(path)
    app = _build([str(path)])
    s = app.session
    assert {"c_pe", "v_foo"} <= set(s.available_fields())
    assert s.fields[-2:] == ["c_pe", "v_foo"]  # the file's own columns are shown when it opens
    s.fields = ["voronoi_volume", "c_pe", "v_foo"]
    np.testing.assert_allclose(s.raw("c_pe"), pe, atol=1e-9)
    np.testing.assert_array_equal(s.raw("v_foo"), foo)
    assert s.title("c_pe").startswith("c_pe  column of the file")
    assert "c_pe" in app.views["grid"].views
    s.xi = 3.0  # coarse-grained like any field
    assert np.abs(s.shown()["v_foo"] - foo).max() > 0
