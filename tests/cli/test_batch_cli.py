"""`glassviz fields/predict/correlate DATA...` per the DESIGN.md contract: a long table that is the
concatenation of single-snapshot runs, bad files, streaming outputs."""

import io
import os

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.analysis.correlation import correlation_table
from glassviz.cli import main
from glassviz.fields import compute_fields
from tests.analysis.trajectories import write_dump
from tests.conftest import ASSETS, DEMO_GLASS, DEMO_LIQUID, run_cli

HELDOUT = os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05_heldout")
KA3D = os.path.join(ASSETS, "ka3d_T0.64_N4096", "config_0000.npz")
OYAMA = ["--xi", "3", "--normalize", "--one-minus", "tong_tanaka"]


@pytest.fixture(scope="module")
def traj(tmp_path_factory):
    glass, liquid = glassviz.load(DEMO_GLASS), glassviz.load(DEMO_LIQUID)
    moved = glass.with_positions(glass.positions - 0.1)
    return write_dump(tmp_path_factory.mktemp("cli") / "traj.dump", [glass, liquid, moved])


def test_long_table_is_the_concatenation_of_single_runs(traj, tmp_path):
    out = tmp_path / "all.parquet"
    rc, _, err = run_cli("fields", traj, DEMO_LIQUID, "--frames", "::2", "--fields", "voronoi_volume,tong_tanaka",
                         *OYAMA, "-o", out)
    assert rc == 0, err
    table = pd.read_parquet(out)
    assert list(table.columns) == ["file", "frame", "timestep", "id", "type", "x", "y", "voronoi_volume",
                                   "tong_tanaka"]
    pieces = []
    for path, frame in [(traj, 0), (traj, 2), (DEMO_LIQUID, 0)]:
        one = tmp_path / f"one_{frame}_{os.path.basename(path)}.parquet"
        # in this process (the same code path as the command, without its start-up time)
        assert main(["fields", path, "--frame", str(frame), "--fields", "voronoi_volume,tong_tanaka", *OYAMA,
                     "-o", str(one), "-q"]) == 0
        piece = pd.read_parquet(one)
        assert list(piece.columns) == ["id", "type", "x", "y", "voronoi_volume", "tong_tanaka"]  # today's table
        piece.insert(0, "file", path)
        piece.insert(1, "frame", frame)
        pieces.append(piece)
    ref = pd.concat(pieces, ignore_index=True)
    assert table["file"].tolist() == ref["file"].tolist() and table["frame"].tolist() == ref["frame"].tolist()
    for c in ["id", "x", "y", "voronoi_volume", "tong_tanaka"]:
        np.testing.assert_allclose(table[c], ref[c], rtol=1e-12, atol=1e-12)
    assert table.loc[table["file"] == traj, "timestep"].unique().tolist() == [0, 2000]


@pytest.mark.slow
def test_csv_stdout_long_table_and_3d_jobs(tmp_path):
    # two 3D files through two worker processes, CSV on stdout; empty timestep where unknown
    rc, out, err = run_cli("fields", KA3D, KA3D, "--fields", "voronoi_volume", "--jobs", "2", "-q")
    assert rc == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["file", "frame", "timestep", "id", "type", "x", "y", "z", "voronoi_volume"]
    assert len(table) == 2 * 4096 and table["timestep"].isna().all()
    ref = compute_fields(glassviz.load(KA3D), ["voronoi_volume"])["voronoi_volume"]
    np.testing.assert_allclose(table["voronoi_volume"].to_numpy()[4096:], ref, rtol=1e-9)


def test_bad_file_stops_cleanly_or_is_skipped(traj, tmp_path):
    bad = tmp_path / "broken.dump"
    bad.write_text(open(DEMO_GLASS).read()[:3000])  # truncated mid-atoms
    out = tmp_path / "t.csv"
    rc, _, err = run_cli("fields", DEMO_GLASS, bad, DEMO_LIQUID, "--fields", "voronoi_volume", "-o", out, "-q")
    assert rc == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "broken.dump" in lines[0] and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "t.csv.part").exists()
    rc, _, err = run_cli("fields", DEMO_GLASS, bad, DEMO_LIQUID, "--fields", "voronoi_volume", "-o", out,
                         "--keep-going")
    assert rc == 0, err
    assert "skipped" in err and "broken.dump" in err and "2 snapshot(s) done, 1 skipped" in err
    table = pd.read_csv(out)
    assert table["file"].unique().tolist() == [DEMO_GLASS, DEMO_LIQUID]


def test_multi_frame_extxyz_output(traj, tmp_path):
    out = tmp_path / "t.extxyz"
    rc, _, err = run_cli("fields", traj, "--fields", "tong_tanaka", "-o", out, "-q")
    assert rc == 0, err
    assert glassviz.n_frames(out) == 3
    back = glassviz.load(out, frame=2)
    np.testing.assert_allclose(back.file_positions, glassviz.load(traj, frame=2).file_positions, atol=1e-8)


def test_correlate_table_equals_direct_correlations_and_figures(tmp_path):
    files = [os.path.join(HELDOUT, f"{kind}_000{k}.npz") for kind in ("glass", "config") for k in range(3)]
    table_path, fig = tmp_path / "c.csv", tmp_path / "c.png"
    rc, out, err = run_cli("correlate", *files, "--fields", "voronoi_volume,tong_tanaka,coordination", *OYAMA,
                           "--species", "A", "-o", table_path, "-o", fig, "-q")
    assert rc == 0, err
    table = pd.read_csv(table_path)
    pairs = ["C(voronoi_volume,tong_tanaka)", "C(voronoi_volume,coordination)", "C(tong_tanaka,coordination)"]
    assert list(table.columns) == ["file", "frame", "group"] + pairs
    assert table["group"].tolist() == ["T = 0.05"] * 3 + ["T = 0.8"] * 3
    for row, path in zip(table.itertuples(index=False), files):
        snap = glassviz.load(path)
        values = compute_fields(snap, ["voronoi_volume", "tong_tanaka", "coordination"], xi=3, normalize=True,
                                one_minus=["tong_tanaka"])
        direct = correlation_table(values, snapshot=snap, species="A")
        assert row.file == path
        for k, (a, b) in enumerate([("voronoi_volume", "tong_tanaka"), ("voronoi_volume", "coordination"),
                                    ("tong_tanaka", "coordination")]):
            assert row[3 + k] == pytest.approx(direct.loc[a, b], rel=1e-9, abs=1e-12)
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the summary on stdout: mean per pair and group
    assert "T = 0.05" in out and "C(voronoi_volume,tong_tanaka)" in out


def test_correlate_trajectory_against_time_and_spearman(traj, tmp_path):
    fig = tmp_path / "t.svg"
    table_path = tmp_path / "t.parquet"
    rc, _, err = run_cli("correlate", traj, "--fields", "voronoi_volume,coordination", "--method", "spearman",
                         "--group-by", "file", "-o", fig, "-o", table_path, "-q")
    assert rc == 0, err
    svg = fig.read_text()
    assert "timestep" in svg and "<svg" in svg  # coefficient against time for one trajectory
    table = pd.read_parquet(table_path)
    assert table["frame"].tolist() == [0, 1, 2] and table["group"].unique().tolist() == [traj]
    from glassviz.analysis.correlation import correlation

    snap = glassviz.load(traj, frame=1)
    v = compute_fields(snap, ["voronoi_volume", "coordination"])
    assert table["C(voronoi_volume,coordination)"][1] == pytest.approx(
        correlation(v["voronoi_volume"], v["coordination"], "spearman"), rel=1e-12)


def test_correlate_errors_are_one_line(tmp_path):
    rc, _, err = run_cli("correlate", DEMO_GLASS, "--fields", "voronoi_volume", "-o", tmp_path / "x.csv")
    assert rc == 2 and "at least two fields" in err
    rc, _, err = run_cli("correlate", DEMO_GLASS, "--fields", "voronoi_volume,tong_tanaka", "-o", tmp_path / "x.txt")
    assert rc == 2 and "x.txt" in err and len(err.strip().splitlines()) == 1
    rc, _, err = run_cli("correlate", DEMO_GLASS, "--fields", "voronoi_volume,tong_tanaka", "--species", "Q",
                         "-o", tmp_path / "x.csv", "-q")
    assert rc == 2 and "unknown species 'Q'" in err


def test_scheduler_option_runs_on_a_running_dask_scheduler(traj, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "t.parquet"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        assert main(["fields", traj, "--frames", "1:", "--fields", "voronoi_volume", "--scheduler",
                     cluster.scheduler_address, "-o", str(out), "-q"]) == 0
        assert len(cluster.scheduler.workers) == 1  # the cluster is left running
    table = pd.read_parquet(out)
    assert table["frame"].unique().tolist() == [1, 2]
    ref = compute_fields(glassviz.load(traj, frame=2), ["voronoi_volume"])["voronoi_volume"]
    np.testing.assert_allclose(table.loc[table["frame"] == 2, "voronoi_volume"], ref, rtol=1e-12)
