"""Throughput and memory of batch jobs over many snapshots (issue 12, point 6).

    python benchmarks/batch.py [--n 200] [--loop-n 20] [--what fields,predict]
                               [--layouts files,trajectory] [--rss-steps 4] [--model NAME]

Data: ``--n`` snapshots of the bundled N = 4096 KA3D configuration
(assets/ka3d_T0.64_N4096/config_0000.npz), each displaced by independent Gaussian noise
(sigma = 0.02, seeded) so that no two are equal, written once into a temporary directory in two
layouts: ``files`` (one extended-XYZ file per snapshot) and ``trajectory`` (all of them as the
frames of one extended-XYZ file).

Work: ``fields`` = Voronoi volume + Tong-Tanaka Θ coarse-grained at ξ = 3
(``glassviz fields --fields voronoi_volume,tong_tanaka --xi 3``); ``predict`` = BOTAN
(``glassviz predict --model botan_ka3d_T0.64_t16.5``).  Each run writes a Parquet table.

Modes, each a fresh process timed from start to exit (start-up included):
  per-file CLI loop   one ``glassviz`` command per snapshot (today's usage), over the first
                      ``--loop-n`` snapshots (throughput is per snapshot);
  serial, all threads one ``glassviz fields DATA...`` command (freud/torch use every core);
  serial, 1 thread    the same in one process capped at one thread (the per-worker baseline);
  --jobs 2            two worker processes x cores/2 threads;
  dask 2 x 1          ``glassviz.analyze(..., backend="dask", n_workers=2)``: a LocalCluster of
                      two single-threaded worker processes (its start-up included).
Printed: snapshots/s (start-up included), speed-up over the per-file loop, 2-worker scaling
over 1 thread; the per-snapshot rate, (n - 20) / (t(n) - t(20)) from a second run of each mode
on the first 20 snapshots (start-up and shut-down excluded: what more snapshots cost), with
its scaling; and the peak resident memory of the main process against the number of snapshots
(serial runs of n/steps ... n snapshots; flat = memory does not grow with the batch).  Worker
processes are separate processes, not counted in the main process's peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import glassviz  # noqa: E402
from glassviz.io.tables import extxyz_text  # noqa: E402

SOURCE = os.path.join(ROOT, "assets", "ka3d_T0.64_N4096", "config_0000.npz")
FIELDS = ["--fields", "voronoi_volume,tong_tanaka", "--xi", "3"]


def make_data(directory: str, n: int) -> dict:
    """The two layouts of n displaced copies of the KA3D configuration."""
    base = glassviz.load(SOURCE)
    rng = np.random.default_rng(2024)
    files_dir = os.path.join(directory, "files")
    os.makedirs(files_dir)
    traj = os.path.join(directory, "trajectory.extxyz")
    with open(traj, "w") as all_frames:
        for k in range(n):
            snap = base.with_positions(base.positions + rng.normal(0.0, 0.02, base.positions.shape))
            snap.meta["temperature"] = base.temperature
            text = extxyz_text(snap, {})
            all_frames.write(text)
            with open(os.path.join(files_dir, f"config_{k:04d}.extxyz"), "w") as fh:
                fh.write(text)
    files = sorted(os.path.join(files_dir, f) for f in os.listdir(files_dir))
    return {"files": files, "trajectory": [traj]}


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the process itself) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "glassviz.cli", *map(str, args)]


def python_call(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def work_args(what: str, model: str) -> list[str]:
    return ["fields", *FIELDS] if what == "fields" else ["predict", "--model", model]


def api_call(what: str, model: str, data: list[str], out: str, frames: str | None, extra: str) -> str:
    fields = ("['voronoi_volume', 'tong_tanaka'], xi=3" if what == "fields" else f"['propensity@{model}']")
    return (f"import glassviz; from glassviz.analysis.batch import limit_threads; {extra}; "
            f"glassviz.analyze({data!r}, {fields}, frames={frames!r}, to={out!r}")


N_SMALL = 20  # the short run whose time, taken from the long run's, leaves the per-snapshot rate


def run_modes(what: str, layout: str, data: list[str], n: int, loop_n: int, model: str, tmp: str) -> dict:
    results = {}
    for m in (N_SMALL, n):
        results[m] = run_modes_once(what, layout, data, m, loop_n if m == n else 0, model, tmp)
    full, small = results[n], results[N_SMALL]
    for mode, (rate, rss) in full.items():
        if mode in small:  # snapshots n_small..n over the time they added: start-up and shut-down excluded
            marginal = (n - N_SMALL) / (n / rate - N_SMALL / small[mode][0])
            full[mode] = (rate, rss, marginal)
    return full


def run_modes_once(what: str, layout: str, data: list[str], n: int, loop_n: int, model: str, tmp: str) -> dict:
    out = os.path.join(tmp, f"{what}_{layout}.parquet")
    work = work_args(what, model)
    verb, rest = work[0], work[1:]
    data = data[:n] if layout == "files" else data
    frames = None if layout == "files" else f"0:{n}"
    batch = list(data) if layout == "files" else [data[0], "--frames", frames]
    results = {}
    # per-file loop: one command per snapshot
    if layout == "files":
        loop_items = [(f, None) for f in data[:loop_n]]
    else:
        loop_items = [(data[0], k) for k in range(min(loop_n, n))]
    t = 0.0
    for path, frame in loop_items:
        frame_args = [] if frame is None else ["--frame", frame]
        wall, _ = timed(cli(verb, path, *frame_args, *rest, "-o", out, "-q"))
        t += wall
    if loop_items:
        results["per-file CLI loop"] = (len(loop_items) / t, None)
    wall, rss = timed(cli(verb, *batch, *rest, "-o", out, "-q"))
    results["serial, all threads"] = (n / wall, rss)
    wall, rss = timed(python_call(api_call(what, model, data, out, frames, "limit_threads(1)") + ")"))
    results["serial, 1 thread"] = (n / wall, rss)
    wall, rss = timed(cli(verb, *batch, *rest, "--jobs", 2, "-o", out, "-q"))
    results["--jobs 2"] = (n / wall, rss)
    wall, rss = timed(python_call(api_call(what, model, data, out, frames, "pass")
                                  + ", backend='dask', n_workers=2)"))
    results["dask LocalCluster 2 x 1"] = (n / wall, rss)
    return results


def print_modes(what: str, layout: str, results: dict) -> None:
    loop = results["per-file CLI loop"][0]
    one = results["serial, 1 thread"]
    print(f"\n{what}, {layout} (load average {os.getloadavg()[0]:.2f} at the end):")
    print(f"  {'mode':<26s} {'snap/s':>8s} {'x loop':>7s} {'x 1 thread':>10s} {'peak RSS MiB':>13s}"
          f" {'per-snapshot rate':>18s} {'x 1 thread':>10s}")
    for mode, row in results.items():
        rate, rss = row[0], row[1]
        rss_text = f"{rss:13.0f}" if rss is not None else f"{'':13s}"
        marginal = f" {row[2]:18.3f} {row[2] / one[2]:10.2f}" if len(row) > 2 else ""
        print(f"  {mode:<26s} {rate:8.3f} {rate / loop:7.2f} {rate / one[0]:10.2f} {rss_text}{marginal}")


def rss_curve(what: str, data: list[str], n: int, steps: int, model: str, tmp: str, layout: str) -> None:
    out = os.path.join(tmp, f"rss_{what}.parquet")
    work = work_args(what, model)
    print(f"\npeak RSS of a serial {what} batch against the number of snapshots ({layout}):")
    for m in sorted({max(1, round(n * (k + 1) / steps)) for k in range(steps)}):
        args = data[:m] if layout == "files" else [data[0], "--frames", f"0:{m}"]
        wall, rss = timed(cli(work[0], *args, *work[1:], "-o", out, "-q"))
        print(f"  {m:5d} snapshots  {rss:8.0f} MiB  ({m / wall:.3f} snap/s)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=200, help="snapshots (default 200)")
    p.add_argument("--loop-n", type=int, default=20, help="snapshots timed in the per-file loop (default 20)")
    p.add_argument("--what", default="fields,predict")
    p.add_argument("--layouts", default="files,trajectory")
    p.add_argument("--rss-steps", type=int, default=4)
    p.add_argument("--model", default="botan_ka3d_T0.64_t16.5")
    p.add_argument("--keep", default=None, help="keep the generated data in this directory")
    args = p.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix="glassviz_batch_")
    os.makedirs(tmp, exist_ok=True)
    try:
        t0 = time.perf_counter()
        layouts = make_data(os.path.join(tmp, "data"), args.n) if not os.path.exists(os.path.join(tmp, "data")) \
            else {"files": sorted(os.path.join(tmp, "data", "files", f)
                                  for f in os.listdir(os.path.join(tmp, "data", "files")))[: args.n],
                  "trajectory": [os.path.join(tmp, "data", "trajectory.extxyz")]}
        print(f"{args.n} snapshots of N = 4096 KA3D written in {time.perf_counter() - t0:.1f} s; "
              f"{os.cpu_count()} cores; glassviz {glassviz.__version__}; load average "
              f"{os.getloadavg()[0]:.2f} (other work on the machine skews the absolute rates, "
              "less the ratios)")
        for what in args.what.split(","):
            for layout in args.layouts.split(","):
                print_modes(what, layout, run_modes(what, layout, layouts[layout], args.n, args.loop_n,
                                                    args.model, tmp))
            rss_curve(what, layouts["files"], args.n, args.rss_steps, args.model, tmp, "files")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
