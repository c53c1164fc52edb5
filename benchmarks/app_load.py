"""Dashboard load test (issue 13): visitors on loopback, server memory.  Prints

1. the time from starting ``glassviz serve`` to its first HTTP 200 on ``/``;
2. ``--visitors N`` visitors arriving together (each its own Chromium, as a group would), each
   one's render time (every 2D view and the 3D scene drawn), and the server's RSS before, at
   its peak during, and after the visits (once their sessions are closed);
3. ``--sequential K`` visits one after another: the server's RSS after the first visit's session
   is closed and after the last one's (a server that keeps what closed sessions held grows by
   the size of a session each visit).

Everything is bounded in time (``--timeout`` per visit); the server listens on 127.0.0.1 only.

    python benchmarks/app_load.py [--visitors 4] [--sequential 20] [--num-threads 4] [SNAPSHOT ...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MB = 2**20


def rss_mb(pid: int) -> float:
    """Resident memory of the server process, in MiB."""
    import psutil

    return psutil.Process(pid).memory_info().rss / MB


def first_answer(url: str, timeout: float = 180.0) -> float:
    """Seconds until ``url`` answers 200 (the server was started just before)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout:g} s")


def closed_sessions(port: int) -> int:
    """Sessions the server has closed so far (its log has one line per closed session)."""
    from tests.e2e.helpers import server_log

    with open(server_log(port)) as fh:
        return len(re.findall(r"session \w+: closed", fh.read()))


def wait_closed(port: int, count: int, timeout: float) -> None:
    """Until ``count`` sessions are closed.  Bokeh closes a session some 15-30 s after its
    page went away (its unused-session check)."""
    end = time.time() + timeout
    while closed_sessions(port) < count:
        if time.time() > end:
            raise TimeoutError(f"only {closed_sessions(port)} of {count} sessions closed after {timeout:g} s")
        time.sleep(0.5)


def visit(browser, url: str) -> float:
    """One visitor: open the page, wait for every view and the 3D scene, close; seconds."""
    from tests.e2e.helpers import Page

    t0 = time.perf_counter()
    page = Page(browser, url)
    try:
        page.page.locator(".gv-3d canvas").first.wait_for()
        return time.perf_counter() - t0
    finally:
        page.close()


class RssSampler:
    """The server's RSS every ``period`` s on a thread; ``peak`` the largest seen (MiB)."""

    def __init__(self, pid: int, period: float = 0.5):
        self.pid, self.period, self.peak = pid, period, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.period)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def parallel_visits(url: str, n: int, timeout: float) -> list[float]:
    """``n`` visitors arriving together, each with its own Chromium; the render times (s) of
    those who saw the page (a failed visitor is printed with its error)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import CHROMIUM, FLAGS

    times: list = [None] * n
    errors: list = []
    ready = threading.Barrier(n, timeout=timeout)

    def visitor(k):
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                try:
                    ready.wait()  # every browser is up: the visits start together
                    times[k] = visit(browser, url)
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001 - reported with the visitor's number
            errors.append(f"visitor {k + 1}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")

    threads = [threading.Thread(target=visitor, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    end = time.time() + 2 * timeout
    for t in threads:
        t.join(max(end - time.time(), 0))
    for line in errors:
        print(f"failed: {line}")
    return [t for t in times if t is not None]


def sequential_visits(url: str, port: int, pid: int, n: int, timeout: float) -> dict:
    """``n`` visits one after another; the server's RSS (MiB) once the first visit's session is
    closed and once the last one's is, and the render times."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import CHROMIUM, FLAGS

    closed0 = closed_sessions(port)
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            times.append(visit(browser, url))
            wait_closed(port, closed0 + 1, timeout)
            first = rss_mb(pid)
            for _ in range(n - 1):
                times.append(visit(browser, url))
        finally:
            browser.close()
    wait_closed(port, closed0 + n, timeout)
    return {"first": first, "last": rss_mb(pid), "times": times}


def _fmt(times) -> str:
    return ", ".join(f"{t:.1f}" for t in times)


def run(files=(), visitors: int = 4, sequential: int = 20, num_threads: int = 4, timeout: float = 240.0,
        out=print) -> dict:
    """The whole load test on one server; returns the figures it printed."""
    from tests.e2e.helpers import start_server

    t0 = time.perf_counter()
    proc, url = start_server([*files, "--num-threads", str(num_threads)])
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    figures = {}
    try:
        figures["answer_s"] = time.perf_counter() - t0 + first_answer(url)
        out(f"glassviz serve -> first HTTP 200 on /: {figures['answer_s']:.1f} s")
        if visitors:
            before = rss_mb(proc.pid)
            closed0 = closed_sessions(port)
            with RssSampler(proc.pid) as sampler:
                times = parallel_visits(url, visitors, timeout)
            wait_closed(port, closed0 + len(times), timeout)
            after = rss_mb(proc.pid)
            figures.update(visitor_times=times, rss_before=before, rss_peak=sampler.peak, rss_after=after)
            out(f"{visitors} visitors together (--num-threads {num_threads}): {len(times)} saw the page, render "
                f"times {_fmt(times)} s (median {statistics.median(times) if times else float('nan'):.1f} s)")
            out(f"server RSS: before {before:.0f} MiB, peak during {sampler.peak:.0f} MiB, "
                f"after (sessions closed) {after:.0f} MiB")
        if sequential:
            seq = sequential_visits(url, port, proc.pid, sequential, timeout)
            figures.update(seq_first=seq["first"], seq_last=seq["last"], seq_times=seq["times"])
            out(f"{sequential} visits one after another: render times {_fmt(seq['times'])} s")
            out(f"server RSS after the first visit {seq['first']:.0f} MiB, after the last {seq['last']:.0f} MiB "
                f"(growth {seq['last'] - seq['first']:+.0f} MiB)")
    finally:
        proc.terminate()
        proc.wait(15)
    return figures


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snapshots", nargs="*", help="files the server opens (default: the bundled demo)")
    ap.add_argument("--visitors", type=int, default=4, help="visitors arriving together (0: none)")
    ap.add_argument("--sequential", type=int, default=0, metavar="K", help="visits one after another (0: none)")
    ap.add_argument("--num-threads", type=int, default=4, help="the server's --num-threads")
    ap.add_argument("--timeout", type=float, default=240.0, help="limit per visit, seconds")
    args = ap.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores")
    run(args.snapshots, args.visitors, args.sequential, args.num_threads, args.timeout)


if __name__ == "__main__":
    main()
