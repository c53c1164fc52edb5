"""Speed of the graph networks on an N = 4096 KA3D snapshot (medians over repeats).

    python benchmarks/gnn.py [--repeats 5] [--threads 2]

Prints, for NT-GNN and BOTAN (random weights: speed does not depend on them): the radius-graph
build, the literal forward pass (concatenations written out, the baseline), the factored forward
pass used by glassviz with its ratio to the baseline and the largest difference between the two,
the end-to-end prediction (graph + forward) and one full two-mode shell ablation (n = 1..7).  On a machine with CUDA, the same on the GPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import glassviz  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOT = os.path.join(ROOT, "assets", "ka3d_T0.64_N4096", "config_0000.npz")


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    import torch

    from glassviz.explain.ablation import ShellAblation
    from glassviz.models.botan import BOTAN
    from glassviz.models.graphs import radius_graph
    from glassviz.models.inference import predict
    from glassviz.models.ntgnn import NTGNN

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    snap = glassviz.load(SNAPSHOT)
    print(f"{snap}; torch {torch.__version__}, {args.threads} threads")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for cls in (NTGNN, BOTAN):
        torch.manual_seed(0)
        model = cls().eval()
        self_edges = cls is NTGNN
        t_graph = median_time(lambda: radius_graph(snap, 2.0, self_edges=self_edges), args.repeats)
        g = radius_graph(snap, 2.0, self_edges=self_edges)
        for dev in devices:
            model = model.to(dev)
            inputs = [torch.from_numpy(a).to(dev) for a in (snap.species, g.vectors, g.senders, g.receivers)]

            def run(fn):
                with torch.inference_mode():
                    out = fn(*inputs)
                if dev == "cuda":
                    torch.cuda.synchronize()
                return out

            run(model)  # warm-up
            t_lit = median_time(lambda: run(model.forward_literal), args.repeats)
            t_fast = median_time(lambda: run(model), args.repeats)
            a, b = run(model), run(model.forward_literal)
            a = a[0] if isinstance(a, tuple) else a
            b = b[0] if isinstance(b, tuple) else b
            diff = float((a - b).abs().max())
            print(f"{cls.arch:6s} {dev:4s} edges {g.n_edges}: graph {t_graph:.3f} s, literal {t_lit:.3f} s, "
                  f"factored {t_fast:.3f} s ({t_lit / t_fast:.2f}x), max |difference| {diff:.1e}")
            card = {"name": "bench", "arch": cls.arch, "kind": "propensity", "system": "KA3D", "dim": 3,
                    "graph": {"cutoff": 2.0, "self_edges": self_edges}}
            if dev == "cpu":
                t_pred = median_time(lambda: predict(model, card, [snap]), args.repeats)
                print(f"{cls.arch:6s} {dev:4s} end to end (graph + forward, glassviz.models.inference.predict): "
                      f"{t_pred:.3f} s")
            ab = ShellAblation(model, card, snap)
            t_ab = median_time(lambda: ab.compute(100, range(1, 8), ("keep", "stretch"), 0.1), max(1, args.repeats // 2))
            print(f"{cls.arch:6s} {dev:4s} shell ablation n = 1..7, keep + stretch: {t_ab:.2f} s")
        model.to("cpu")


if __name__ == "__main__":
    main()
