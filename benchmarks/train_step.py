"""Time of one training step of the propensity networks on an N = 4096 KA3D configuration.

    python benchmarks/train_step.py [--repeats 5] [--threads 1,2] [--time 5.2]

One step is what :class:`glassviz.train.propensity.Trainer` does per configuration: forward with
a random cubic rotation, the loss (BOTAN: nodes and pair-distance edges; NT-GNN: type-A nodes),
backward, gradient clipping and an Adam update.  Prints the median step time of NT-GNN and
BOTAN, per thread count, with glibc's allocation as it comes ("before") and inside
:func:`glassviz.memory.reusing_freed_memory`, as training runs now ("after"), their ratio, and
the machine's load average (the figures are noisy while an MD job runs; the ratio is measured
in one run).  The configuration is the first of the committed 32-replica test set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "assets", "datasets", "ka3d_N4096_T0.64_test32", "config_0000.npz")


def main() -> None:
    import numpy as np
    import torch

    from glassviz.memory import reusing_freed_memory
    from glassviz.models.botan import BOTAN
    from glassviz.models.ntgnn import NTGNN
    from glassviz.train.propensity import Trainer, TrainSettings, load_samples

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", default=",".join(sorted({"1", str(os.cpu_count())})))
    ap.add_argument("--time", type=float, default=5.2)
    args = ap.parse_args()
    print(f"torch {torch.__version__}; {CONFIG}; t = {args.time}; load average {os.getloadavg()[0]:.2f}")
    for cls in (NTGNN, BOTAN):
        arch = cls.arch
        samples = load_samples([CONFIG], args.time, arch, with_edges=(arch == "botan"))
        torch.manual_seed(0)
        model = cls()
        trainer = Trainer(model, TrainSettings(arch, args.time), samples, samples, workdir=tempfile.mkdtemp())
        rng = np.random.default_rng(0)

        def step():
            s = samples[0]
            rot = trainer.group[rng.integers(len(trainer.group))]
            trainer.opt.zero_grad()
            loss = trainer._loss(s, model(*trainer._tensors(s, rot)))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            trainer.opt.step()

        def median_step() -> float:
            step()  # warm-up
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                step()
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        for threads in [int(t) for t in args.threads.split(",")]:
            torch.set_num_threads(threads)
            before = median_step()
            with reusing_freed_memory():
                after = median_step()
            print(f"{arch:6s} edges {samples[0].graph.n_edges}, {threads} thread(s): step {before:.2f} s as glibc "
                  f"allocates, {after:.2f} s reusing freed memory ({before / after:.2f}x); "
                  f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
