"""Time of one training step of the propensity networks on an N = 4096 KA3D configuration.

    python benchmarks/train_step.py [--repeats 5] [--threads 1,2] [--time 5.2]

One step is what :class:`glassviz.train.propensity.Trainer` does per configuration: forward with
a random cubic rotation, the loss (BOTAN: nodes and pair-distance edges; NT-GNN: type-A nodes),
backward, gradient clipping and an Adam update.  Prints the median step time of NT-GNN and
BOTAN, per thread count, with glibc's allocation as it comes ("before") and inside
:func:`glassviz.memory.reusing_freed_memory`, as training runs now ("after"), their ratio, and
the machine's load average (the figures are noisy while an MD job runs; the ratio is measured
in one run).  Each figure comes from its own fresh process: a heap that has held the large
blocks once serves them again without faults whatever the setting, so "before" measured after
"after" in one process would be "after".  The configuration is the first of the committed
32-replica test set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from gnn import median_time  # noqa: E402 - benchmarks/ is this script's folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "assets", "datasets", "ka3d_N4096_T0.64_test32", "config_0000.npz")


def one(arch: str, threads: int, reuse: bool, repeats: int, t: float) -> float:
    """Median step time of ``arch`` in this process."""
    import contextlib

    import numpy as np
    import torch

    from glassviz.memory import reusing_freed_memory
    from glassviz.models.store import architecture
    from glassviz.train.propensity import Trainer, TrainSettings, load_samples

    torch.set_num_threads(threads)
    samples = load_samples([CONFIG], t, arch, with_edges=(arch == "botan"))
    torch.manual_seed(0)
    model = architecture(arch)()
    trainer = Trainer(model, TrainSettings(arch, t), samples, samples, workdir=tempfile.mkdtemp())
    rng = np.random.default_rng(0)

    def step():
        s = samples[0]
        rot = trainer.group[rng.integers(len(trainer.group))]
        trainer.opt.zero_grad()
        loss = trainer._loss(s, model(*trainer._tensors(s, rot)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        trainer.opt.step()

    with reusing_freed_memory() if reuse else contextlib.nullcontext():
        step()  # warm-up
        return median_time(step, repeats)


def measure(arch: str, threads: int, reuse: bool, args) -> float:
    out = subprocess.run([sys.executable, __file__, "--one", arch, str(threads), str(int(reuse)),
                          "--repeats", str(args.repeats), "--time", str(args.time)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", default=",".join(sorted({"1", str(os.cpu_count())})))
    ap.add_argument("--time", type=float, default=5.2)
    ap.add_argument("--one", nargs=3, metavar=("ARCH", "THREADS", "REUSE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        arch, threads, reuse = args.one
        print(one(arch, int(threads), bool(int(reuse)), args.repeats, args.time))
        return
    print(f"torch {torch.__version__}; {CONFIG}; t = {args.time}; load average {os.getloadavg()[0]:.2f}")
    for arch in ("ntgnn", "botan"):
        for threads in [int(t) for t in args.threads.split(",")]:
            before = measure(arch, threads, False, args)
            after = measure(arch, threads, True, args)
            print(f"{arch:6s} {threads} thread(s): step {before:.2f} s as glibc allocates, {after:.2f} s reusing "
                  f"freed memory ({before / after:.2f}x); load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
