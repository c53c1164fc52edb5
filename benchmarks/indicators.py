"""Timing of the structural indicators (median over repeats, 1 process).

    python benchmarks/indicators.py [--large N] [--repeats R]

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
    args = ap.parse_args()
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
