"""Dashboard latency (issue 6): prints

1. the time from starting ``glassviz serve`` (bundled demo) to the first full render in the
   system Chromium (every 2D view and the 3D scene drawn), and the time a second visitor waits
   for the same page on the warm server;
2. the server-side time to update every view after a change of ξ, for the N = 4096 KA3D demo
   (target < 0.3 s) and for N = 128 000 KA2D (the bundled glass tiled 8 x 8; rasterised views,
   target < 2 s), with the store's own share (coarse-graining the shown fields) as the
   in-process baseline.

Medians over repeats; every ξ value is new, so no cached result is reused.

    python benchmarks/app_latency.py [--repeats 5] [--skip-browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def serve_to_render(repeats: int) -> tuple[list, list]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import CHROMIUM, FLAGS, Page, start_server

    first, warm = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _ in range(repeats):
            t0 = time.perf_counter()
            proc, url = start_server()
            try:
                page = Page(browser, url)
                page.page.locator(".gv-3d canvas").first.wait_for()
                first.append(time.perf_counter() - t0)
                page.close()
                t1 = time.perf_counter()
                page = Page(browser, url)
                page.page.locator(".gv-3d canvas").first.wait_for()
                warm.append(time.perf_counter() - t1)
                page.close()
            finally:
                proc.terminate()
                proc.wait(10)
    return first, warm


def xi_update(files, xis) -> tuple[list, list, object]:
    from glassviz.app.layout import build
    from glassviz.fields import postprocess

    app = build(files)
    s = app.session
    s.shown()
    views, store = [], []
    for xi in xis:
        raw = {n: s.raw(n) for n in s.fields}
        t0 = time.perf_counter()
        postprocess(s.snapshot, raw, xi=xi + 0.01)
        store.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        s.xi = xi  # the store recomputes; the grid, 3D scene and compare panel update
        views.append(time.perf_counter() - t0)
    return views, store, s


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-browser", action="store_true")
    args = ap.parse_args(argv)
    import torch

    print(f"machine: {os.cpu_count()} cores, torch threads {torch.get_num_threads()}")
    if not args.skip_browser:
        first, warm = serve_to_render(min(args.repeats, 3))
        print(f"glassviz serve -> first full render of the demo: median {statistics.median(first):.1f} s "
              f"({', '.join(f'{t:.1f}' for t in first)})")
        print(f"second visitor, warm server -> full render:     median {statistics.median(warm):.1f} s")
    import glassviz
    from glassviz.app.state import demo_files
    from glassviz.io.tables import write_table
    from glassviz.snapshot import tile

    xis = [0.5 + 0.5 * k for k in range(args.repeats)]
    views, store, s = xi_update([demo_files()[0]], xis)
    print(f"xi change, N = {s.snapshot.n} {s.snapshot.dim}D, {len(s.fields)} 2D views + 3D: all views "
          f"{statistics.median(views):.3f} s median (store alone {statistics.median(store):.3f} s, "
          f"views/store {statistics.median(views) / statistics.median(store):.1f}x)")
    with tempfile.TemporaryDirectory() as tmp:
        big = tile(glassviz.load(os.path.join(ROOT, "assets", "ka2d_glass_T0.05.dump")), (8, 8))
        path = os.path.join(tmp, "ka2d_glass_T0.05_tiled8x8.extxyz")
        write_table(big, {}, path)
        views, store, s = xi_update([path], xis)
    print(f"xi change, N = {s.snapshot.n} {s.snapshot.dim}D, {len(s.fields)} rasterised views: all views "
          f"{statistics.median(views):.3f} s median (store alone {statistics.median(store):.3f} s, "
          f"views/store {statistics.median(views) / statistics.median(store):.1f}x)")


if __name__ == "__main__":
    main()
