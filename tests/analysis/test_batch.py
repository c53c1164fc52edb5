"""The batch engine and glassviz.analyze: a batch table is the concatenation of single-snapshot
computations (2D and 3D, files and trajectory frames, frame slices), whatever the backend."""

import os

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.analysis.batch import map_snapshots
from glassviz.analysis.sources import SnapshotRef, expand, parse_frames, select_frames
from glassviz.errors import GlassvizError
from glassviz.fields import compute_fields
from tests.analysis.trajectories import random_3d, write_dump
from tests.conftest import ASSETS, DEMO_GLASS, DEMO_LIQUID

FIELDS = ["voronoi_volume", "tong_tanaka"]
KA3D = os.path.join(ASSETS, "ka3d_T0.64_N4096", "config_0000.npz")
HELDOUT = os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05_heldout")


@pytest.fixture(scope="module")
def traj2d(tmp_path_factory):
    """Three frames: glass, liquid, glass moved by a small shift (timesteps 0, 1000, 2000)."""
    glass, liquid = glassviz.load(DEMO_GLASS), glassviz.load(DEMO_LIQUID)
    moved = glass.with_positions(glass.positions + 0.05)
    return write_dump(tmp_path_factory.mktemp("traj") / "traj2d.dump", [glass, liquid, moved])


@pytest.fixture(scope="module")
def traj3d(tmp_path_factory):
    return write_dump(tmp_path_factory.mktemp("traj") / "traj3d.dump", [random_3d(seed=s) for s in range(3)],
                      timesteps=[5, 10, 15])


def single_runs(items, names, **options):
    """Concatenation of one-snapshot computations, each read with glassviz.load(file, frame)."""
    pieces = []
    for path, frame in items:
        snap = glassviz.load(path, frame=frame)
        values = compute_fields(snap, names, **options)
        table = pd.DataFrame({"file": path, "frame": frame, "timestep": snap.meta.get("timestep"),
                              "id": snap.ids, "type": snap.labels})
        for k, axis in enumerate("xyz"[: snap.dim]):
            table[axis] = snap.file_positions[:, k]
        for name, v in values.items():
            table[name] = v
        pieces.append(table)
    return pd.concat(pieces, ignore_index=True)


def assert_same_table(batch, ref):
    assert list(batch.columns) == list(ref.columns)
    assert batch["file"].tolist() == ref["file"].tolist()
    assert batch["frame"].tolist() == ref["frame"].tolist()
    assert [None if pd.isna(t) else int(t) for t in batch["timestep"]] == \
           [None if t is None or pd.isna(t) else int(t) for t in ref["timestep"]]
    np.testing.assert_array_equal(batch["id"], ref["id"])
    assert batch["type"].astype(str).tolist() == ref["type"].astype(str).tolist()
    for c in ref.columns[5:]:
        np.testing.assert_allclose(batch[c].to_numpy(float), ref[c].to_numpy(float), rtol=1e-12, atol=1e-12)


# -- sources -------------------------------------------------------------------------------------
def test_frames_parsing_and_selection():
    assert parse_frames("1:7:2") == slice(1, 7, 2)
    assert parse_frames("::3") == slice(None, None, 3)
    assert parse_frames("-1") == -1
    assert select_frames(10, "1:7:2") == [1, 3, 5]
    assert select_frames(10, "-3:") == [7, 8, 9]
    assert select_frames(4, -1) == [3]
    assert select_frames(4, None) == [0, 1, 2, 3]
    with pytest.raises(GlassvizError, match="START:STOP:STEP"):
        parse_frames("1:x")
    with pytest.raises(GlassvizError, match="cannot be 0"):
        parse_frames("::0")
    with pytest.raises(GlassvizError, match="frame 5 is past the end"):
        select_frames(4, 5, "f.dump")


def test_expand_orders_files_globs_directories_and_frames(traj2d, tmp_path):
    refs = expand([traj2d, DEMO_GLASS])
    assert [(r.file, r.frame) for r in refs] == [(traj2d, 0), (traj2d, 1), (traj2d, 2), (DEMO_GLASS, 0)]
    assert [r.frame for r in expand(traj2d, frames="::2")] == [0, 2]
    assert [r.frame for r in expand(traj2d, frames=-1)] == [2]
    # a directory: its snapshot files sorted by name, the card and notes left out
    refs = expand(HELDOUT)
    names = [os.path.basename(r.file) for r in refs]
    assert names == sorted(names) and len(names) == 200 and not any(n.endswith(".json") for n in names)
    assert {r.origin for r in refs} == {HELDOUT}
    # a glob, sorted
    refs = expand(os.path.join(HELDOUT, "glass_000[2-4].npz"))
    assert [os.path.basename(r.file) for r in refs] == ["glass_0002.npz", "glass_0003.npz", "glass_0004.npz"]
    with pytest.raises(GlassvizError, match="matches no files"):
        expand(str(tmp_path / "*.dump"))
    with pytest.raises(GlassvizError, match="no such file"):
        expand(str(tmp_path / "missing.dump"))


def test_in_memory_snapshots_are_sources():
    snap = glassviz.load(DEMO_GLASS)
    refs = expand([snap, DEMO_LIQUID])
    assert refs[0].obj is snap and refs[0].file == DEMO_GLASS and refs[1].file == DEMO_LIQUID
    table = glassviz.analyze([snap], ["voronoi_volume"])
    np.testing.assert_allclose(table["voronoi_volume"], compute_fields(snap, ["voronoi_volume"])["voronoi_volume"],
                               rtol=1e-12)


def test_snapshot_ref_pickles_small():
    import pickle

    ref = SnapshotRef("a.dump", 3, "*.dump")
    assert pickle.loads(pickle.dumps(ref)) == ref


# -- the table --------------------------------------------------------------------------------------
def test_frame_slice_applies_to_each_trajectory(traj3d):
    # "1:" takes frames 1.. of every file: nothing of a one-frame file
    table = glassviz.analyze([traj3d, KA3D], ["tong_tanaka"], frames="1:", system="KA3D")
    assert_same_table(table, single_runs([(traj3d, 1), (traj3d, 2)], ["tong_tanaka"], system="KA3D"))


def test_batch_2d_equals_single_runs(traj2d):
    options = dict(xi=3.0, normalize=True, one_minus=["tong_tanaka"])
    table = glassviz.analyze([traj2d, DEMO_LIQUID], FIELDS, frames="0:3:2", **options)
    ref = single_runs([(traj2d, 0), (traj2d, 2), (DEMO_LIQUID, 0)], FIELDS, **options)
    assert_same_table(table, ref)
    assert list(table.columns[:8]) == ["file", "frame", "timestep", "id", "type", "x", "y", "voronoi_volume"]
    liquid_step = glassviz.load(DEMO_LIQUID).meta["timestep"]
    assert table["timestep"].tolist() == [0] * 2000 + [2000] * 2000 + [liquid_step] * 2000


def test_batch_3d_equals_single_runs(traj3d):
    table = glassviz.analyze([traj3d, KA3D], ["voronoi_volume", "coordination"])
    ref = single_runs([(traj3d, 0), (traj3d, 1), (traj3d, 2), (KA3D, 0)], ["voronoi_volume", "coordination"])
    assert_same_table(table, ref)
    assert "z" in table.columns
    assert pd.isna(table["timestep"].iloc[-1])  # npz files carry no timestep
    # Voronoi volumes of each snapshot fill its box
    for (f, k), block in table.groupby(["file", "frame"], sort=False):
        assert block["voronoi_volume"].sum() == pytest.approx(glassviz.load(f, frame=k).volume, rel=1e-6)


def test_parquet_dataset_written_incrementally(traj2d, tmp_path):
    out = str(tmp_path / "t.parquet")
    assert glassviz.analyze(traj2d, FIELDS, to=out) == out
    back = pd.read_parquet(out)
    assert_same_table(back, glassviz.analyze(traj2d, FIELDS))
    assert not os.path.exists(out + ".part")
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out).metadata.num_rows == 6000


def test_dask_client_in_process_gives_the_same_table(traj2d):
    # a LocalCluster whose workers are threads of this process: fast enough for every run
    from distributed import Client, LocalCluster

    serial = glassviz.analyze(traj2d, FIELDS, frames="0:2")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = glassviz.analyze(traj2d, FIELDS, frames="0:2", client=client)
        assert client.status == "running"
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)


@pytest.mark.slow
def test_backends_give_the_same_table(traj2d):
    from distributed import Client, LocalCluster

    serial = glassviz.analyze([traj2d, DEMO_LIQUID], FIELDS, xi=3.0)
    processes = glassviz.analyze([traj2d, DEMO_LIQUID], FIELDS, xi=3.0, backend="processes", n_workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask = glassviz.analyze([traj2d, DEMO_LIQUID], FIELDS, xi=3.0, backend="dask", client=client)
        assert client.status == "running"  # a client given is used unchanged, never closed
    for other in (processes, dask):
        pd.testing.assert_frame_equal(serial, other, check_exact=True)


# -- engine behaviour -------------------------------------------------------------------------------
def _n_particles(snapshot):
    return snapshot.n


def test_map_snapshots_keeps_input_order_and_reports_bad_files(traj2d, tmp_path):
    bad = tmp_path / "bad.dump"
    bad.write_text("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n10\nITEM: BOX BOUNDS pp pp pp\n0 1\n")
    refs = expand([traj2d, str(bad), DEMO_GLASS])
    with pytest.raises(GlassvizError) as err:
        list(map_snapshots(_n_particles, refs, progress=False))
    assert str(bad) in str(err.value) and "\n" not in str(err.value)
    run = map_snapshots(_n_particles, refs, keep_going=True, progress=False)
    got = [(r.file, r.frame, n) for r, n in run]
    assert got == [(traj2d, 0, 2000), (traj2d, 1, 2000), (traj2d, 2, 2000), (DEMO_GLASS, 0, 2000)]
    assert len(run.skipped) == 1 and str(bad) in run.skipped[0].message
    # a file that cannot even be opened is skipped in its place too
    junk = tmp_path / "junk.xyz"
    junk.write_text("not a snapshot\n")
    with pytest.raises(GlassvizError, match="junk.xyz"):
        expand([str(junk), DEMO_GLASS])
    refs = expand([str(junk), DEMO_GLASS], keep_going=True)
    run = map_snapshots(_n_particles, refs, keep_going=True, progress=False)
    assert [r.file for r, _ in run] == [DEMO_GLASS] and "junk.xyz" in run.skipped[0].message


def test_every_snapshot_failing_is_an_error(tmp_path):
    with pytest.raises(GlassvizError, match="every snapshot failed"):
        glassviz.analyze([DEMO_GLASS, DEMO_LIQUID], ["compactness"], keep_going=True)  # 3D only field on 2D


class _Interrupt:
    """Raises KeyboardInterrupt at the second snapshot, as Ctrl-C would."""

    def __init__(self):
        self.seen = 0

    def __call__(self, snapshot):
        self.seen += 1
        if self.seen == 2:
            raise KeyboardInterrupt
        from glassviz.io.tables import particle_table

        return particle_table(snapshot, {"n": np.zeros(snapshot.n)}, keys=True)


@pytest.mark.parametrize("ext", [".parquet", ".csv"])
def test_interrupted_run_leaves_no_complete_looking_file(traj2d, tmp_path, ext):
    from glassviz.io.tables import TableWriter

    out = str(tmp_path / f"t{ext}")
    with pytest.raises(KeyboardInterrupt):
        with TableWriter(out, row_group_rows=1) as writer:
            for _, piece in map_snapshots(_Interrupt(), expand(traj2d), progress=False):
                writer.write(piece)
                assert os.path.exists(out + ".part") and not os.path.exists(out)
    assert os.listdir(tmp_path) == []


def test_a_worker_caps_the_thread_pools_numpy_already_started():
    """numpy's OpenBLAS starts a thread per core when numpy is imported, before any worker code
    runs; setup_worker caps it (and the later-loaded ones through the variables)."""
    import subprocess
    import sys

    code = ("import numpy\n"
            "from threadpoolctl import threadpool_info\n"
            "from glassviz.analysis.batch import setup_worker\n"
            "setup_worker(1)\n"
            "import os\n"
            "print(max(p['num_threads'] for p in threadpool_info()), os.environ['OMP_NUM_THREADS'])\n")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    after, omp = out.stdout.split()
    assert int(after) == 1 and omp == "1"
