"""Timing of the structural indicators (median over repeats, 1 process).

    python benchmarks/indicators.py [--large N] [--repeats R] [--only voronoi] [--ovito-path DIR]

First, the Voronoi comparison on the bundled N = 4096 KA3D snapshot
(assets/ka3d_T0.64_N4096/config_0000.npz): glassviz's ``voronoi_volume,coordination`` through
the field registry (a fresh field context per call, as ``glassviz fields`` does), with all
cores and with one thread (OMP_NUM_THREADS=1, as in a batch worker), freud's
``locality.Voronoi`` alone (single-threaded), and OVITO's ``VoronoiAnalysisModifier`` (volumes
+ coordination) when the ``ovito`` package imports (it is not a glassviz dependency;
``--ovito-path`` adds a directory such as a ``pip install --target`` one to the end of
sys.path; OVITO_THREAD_COUNT=1 or 2 gave the same time here).  They run interleaved in the
same process; medians over the repeats, the machine load (os.getloadavg) before and after,
and the ratios glassviz / freud and glassviz / OVITO are printed.

Prints, for N = 4096 in 3D (the BOTAN/Bapst KA3D size) and N = 2000 in 2D (the Oyama KA2D
size): freud's Voronoi alone (the baseline), then Voronoi + Tong-Tanaka Θ + coarse-graining
(ξ = 3, two fields) with the ratio to the baseline; the accuracy of the split coarse-graining
against the exact pair sum; and one run at N = --large (default 10^6, 3D) with its wall time
and peak memory (ru_maxrss).  Configurations are KA-like random packings relaxed from a
lattice (positions jittered around an FCC / triangular lattice), species 80:20 (3D) and
65:35 (2D) at rho = 1.2; real files are used where present (../shared/data, assets/).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import glassviz  # noqa: E402
from glassviz.snapshot import Snapshot  # noqa: E402
from glassviz.structure import CoarseGrain, TongTanaka, VoronoiNeighbours, VoronoiVolume  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def synthetic(n: int, dim: int, seed: int = 0) -> Snapshot:
    """Disordered KA-like snapshot at rho = 1.2: uniform random points (Voronoi-wise the
    hardest case: no lattice regularity)."""
    rng = np.random.default_rng(seed)
    L = (n / 1.2) ** (1.0 / dim)
    pos = (rng.random((n, dim)) - 0.5) * L
    frac_a = 0.8 if dim == 3 else 0.65
    species = (rng.random(n) > frac_a).astype(int)
    return Snapshot(positions=pos, species=species, type_labels=(1, 2), ids=np.arange(n),
                    h=np.eye(dim) * L, meta={"source": f"synthetic N={n}"})


def pipeline(s):
    vn = VoronoiNeighbours().compute(s)
    vv = VoronoiVolume().compute(s, vn)
    tt = TongTanaka(sigma=[[1.0, 0.94], [0.94, 0.88]]).compute(s, vn)
    return CoarseGrain(3.0).compute(s, np.column_stack([vv.volumes, tt.theta])).fields


def voronoi_only(s):
    import freud

    return freud.locality.Voronoi().compute((s.box, s.freud_positions.astype(np.float32))).volumes


VORONOI_FILE = "assets/ka3d_T0.64_N4096/config_0000.npz"


def ovito_voronoi(snapshot):
    """A callable running OVITO's Voronoi analysis (volumes + coordination) on ``snapshot``, or
    None when the ovito package is not installed."""
    try:
        from ovito.data import DataCollection
        from ovito.modifiers import VoronoiAnalysisModifier
    except ImportError:
        return None
    data = DataCollection()
    cell = np.zeros((3, 4))
    cell[:, :3] = snapshot.h
    cell[:, 3] = -snapshot.h @ np.full(3, 0.5)  # glassviz positions are centred on the origin
    data.create_cell(cell, pbc=(True, True, True))
    data.create_particles(count=snapshot.n).create_property("Position", data=snapshot.positions)
    modifier = VoronoiAnalysisModifier(compute_indices=False)

    def run():
        out = data.clone()
        out.apply(modifier)
        return np.asarray(out.particles["Atomic Volume"]), np.asarray(out.particles["Coordination"])

    return run


def voronoi_comparison(repeats: int) -> None:
    """glassviz vs freud vs OVITO on the bundled N = 4096 KA3D snapshot (see the module docstring)."""
    import freud

    from glassviz.fields import compute_fields

    s = glassviz.load(os.path.join(ROOT, VORONOI_FILE))
    pts = s.freud_positions.astype(np.float32)
    def one_thread():
        before = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"  # glassviz's compute-thread setting (limit_threads)
        try:
            return compute_fields(s, ["voronoi_volume", "coordination"])
        finally:
            if before is None:
                del os.environ["OMP_NUM_THREADS"]
            else:
                os.environ["OMP_NUM_THREADS"] = before

    runs = {
        "glassviz": lambda: compute_fields(s, ["voronoi_volume", "coordination"]),
        "glassviz 1 thread": one_thread,
        "freud": lambda: freud.locality.Voronoi().compute((s.box, pts)).volumes,
    }
    ovito = ovito_voronoi(s)
    if ovito is not None:
        runs["OVITO"] = ovito
        vol, coord = ovito()
        ours = runs["glassviz"]()
        print(f"  OVITO vs glassviz: max |volume difference| {np.abs(vol - ours['voronoi_volume']).max():.1e}, "
              f"coordination equal for {np.mean(coord == ours['coordination']):.4f} of the particles")
    for fn in runs.values():  # warm imports and caches
        fn()
    times = {name: [] for name in runs}
    load_before = os.getloadavg()
    for _ in range(repeats):
        for name, fn in runs.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    load_after = os.getloadavg()
    med = {name: statistics.median(v) * 1e3 for name, v in times.items()}
    line = ", ".join(f"{name} {ms:.1f} ms" for name, ms in med.items())
    print(f"Voronoi volume + coordination, {os.path.basename(VORONOI_FILE)} (N={s.n}, 3D), median of {repeats}: "
          f"{line}")
    ratios = f"glassviz / freud = {med['glassviz'] / med['freud']:.2f}"
    if "OVITO" in med:
        ratios += (f", glassviz / OVITO = {med['glassviz'] / med['OVITO']:.2f} (1 thread: "
                   f"{med['glassviz 1 thread'] / med['OVITO']:.2f}), freud / OVITO = {med['freud'] / med['OVITO']:.2f}")
    else:
        ratios += " (OVITO not installed: no OVITO figure)"
    print(f"  {ratios}; load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after, "
          f"{os.cpu_count()} CPUs")


def median_time(fn, arg, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def load_or_synthetic(path, n, dim):
    full = os.path.join(ROOT, path)
    if os.path.exists(full):
        return glassviz.load(full)
    return synthetic(n, dim)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--only", choices=("voronoi",), default=None, help="run only the Voronoi comparison")
    ap.add_argument("--ovito-path", default=None, help="directory holding the ovito package (appended to sys.path)")
    args = ap.parse_args()
    if args.ovito_path:
        sys.path.append(args.ovito_path)
    voronoi_comparison(max(args.repeats, 15))
    if args.only == "voronoi":
        return
    cases = [
        ("3D N=4096", load_or_synthetic("../shared/data/pyg_botan/small_data/T0.44/train/"
                                        "isoconfig_N4096T0.44_1_tc07.npz", 4096, 3)),
        ("2D N=2000", load_or_synthetic("assets/ka2d_glass_T0.05.dump", 2000, 2)),
    ]
    for name, s in cases:
        pipeline(s)  # warm caches and imports
        base = median_time(voronoi_only, s, args.repeats)
        full = median_time(pipeline, s, args.repeats)
        print(f"{name} ({os.path.basename(str(s.source))}): freud Voronoi {base * 1e3:.1f} ms; "
              f"Voronoi + Theta + coarse-graining {full * 1e3:.1f} ms = {full / base:.2f} x Voronoi")
        vn = VoronoiNeighbours().compute(s)
        x = np.column_stack([vn.volumes, TongTanaka(sigma=[[1.0, 0.94], [0.94, 0.88]]).compute(s, vn).theta])
        exact = CoarseGrain(3.0, method="exact").compute(s, x).fields
        split = CoarseGrain(3.0).compute(s, x).fields
        err = np.abs(split - exact).max(axis=0)
        sci = {"float_kind": lambda v: f"{v:.1e}"}
        print(f"  split vs exact coarse-graining (xi=3; Voronoi volume, Theta): max |error| / range of the raw "
              f"field {np.array2string(err / np.ptp(x, axis=0), formatter=sci)}, / range of the coarse-grained "
              f"field {np.array2string(err / np.ptp(exact, axis=0), formatter=sci)}; "
              f"Pearson(split, exact) {[round(float(np.corrcoef(split[:, k], exact[:, k])[0, 1]), 6) for k in range(2)]}")
    if args.large:
        s = synthetic(args.large, 3)
        t = time.perf_counter()
        vn = VoronoiNeighbours().compute(s)
        t_v = time.perf_counter() - t
        tt = TongTanaka(sigma=[[1.0, 0.94], [0.94, 0.88]]).compute(s, vn)
        t_t = time.perf_counter() - t - t_v
        CoarseGrain(3.0).compute(s, np.column_stack([vn.volumes, tt.theta]))
        total = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(f"3D N={args.large}: Voronoi {t_v:.1f} s, Theta {t_t:.1f} s, coarse-graining "
              f"{total - t_v - t_t:.1f} s, total {total:.1f} s; peak memory {peak:.2f} GB")


if __name__ == "__main__":
    main()
