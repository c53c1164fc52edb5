"""Page helpers for the browser tests and the latency benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

LOAD_TIMEOUT_MS = 180_000
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_log(port: int) -> str:
    """Path of the output of the test server on ``port``."""
    return os.path.join(os.environ.get("TMPDIR", "/tmp"), f"glassviz-serve-{port}.log")


def start_server(args=(), timeout: float = 120.0, port: int | None = None):
    """`glassviz serve` on ``port`` (a free one when None); returns (process, url) once it
    accepts connections.  Its output goes to :func:`server_log`."""
    port = port or free_port()
    with open(server_log(port), "w") as log:  # the server keeps its own copy of the descriptor
        proc = subprocess.Popen([sys.executable, "-m", "glassviz.cli", "serve", *args, "--port", str(port),
                                 "--address", "127.0.0.1"], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"glassviz serve exited with {proc.returncode}; log {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("glassviz serve did not start")




class Page:
    """A dashboard page with its console errors recorded.

    The viewport is tall enough for the whole dashboard, so screenshots never resize it:
    vtk.js (30.1, bundled with Panel) leaves a window-resize listener behind when Panel
    re-creates the 3D render window, which logs an error on every later browser resize.
    """

    def __init__(self, browser, url, viewport=(1700, 2100), metrics: bool = False):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           accept_downloads=True)
        self.url = url
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"{e}\n{(e.stack or '')[:400]}"))
        self.cdp = None
        if metrics:  # Chromium's main-thread totals from the navigation on (main_thread())
            self.cdp = self.context.new_cdp_session(self.page)
            self.cdp.send("Performance.enable")
        self.page.goto(url, timeout=LOAD_TIMEOUT_MS)  # the server builds the page before answering
        self.wait_rendered()

    def wait_rendered(self):
        """Until every view has its header and a drawn canvas (Playwright's CSS pierces the
        Bokeh components' shadow roots)."""
        pg = self.page
        pg.locator(".gv-selcount").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        end = time.time() + LOAD_TIMEOUT_MS / 1000
        while time.time() < end:
            views = pg.locator(".gv-view2d")
            n = views.count()
            boxes = [views.nth(k).locator("canvas").first for k in range(n)]
            if n and all(c.count() and (c.bounding_box() or {}).get("width", 0) > 0 for c in boxes):
                return
            time.sleep(0.25)
        raise AssertionError("the views did not render")

    def texts(self, selector):
        return self.page.locator(selector).all_inner_texts()

    def canvas(self, k=0):
        return self.page.locator(".gv-view2d").nth(k).locator("canvas").first

    def view_png(self, k=0) -> bytes:
        # a loaded machine still redrawing after a change: the canvas settles within a minute
        return self.canvas(k).screenshot(timeout=60_000)

    def drag(self, k, fx0, fy0, fx1, fy1):
        box = self.canvas(k).bounding_box()
        pg = self.page
        pg.mouse.move(box["x"] + fx0 * box["width"], box["y"] + fy0 * box["height"])
        pg.mouse.down()
        pg.mouse.move(box["x"] + fx1 * box["width"], box["y"] + fy1 * box["height"], steps=8)
        pg.mouse.up()

    def click_view(self, k, fx, fy):
        box = self.canvas(k).bounding_box()
        self.page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])

    def wait_text(self, selector, predicate, timeout=60.0):
        end = time.time() + timeout
        last = None
        while time.time() < end:
            last = self.texts(selector)
            if predicate(last):
                return last
            time.sleep(0.25)
        raise AssertionError(f"{selector}: condition not met, last {last}\n{self.server_tail()}")

    def main_thread(self) -> dict:
        """Chromium's DevTools Performance metrics of this page (``TaskDuration``,
        ``ScriptDuration``, ``LayoutDuration``, ``RecalcStyleDuration`` in seconds, ``Nodes``,
        ...); needs ``metrics=True``."""
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def server_tail(self, lines: int = 30) -> str:
        """The end of the test server's log (its errors explain a page that did not update)."""
        port = urlparse(self.url).port
        try:
            with open(server_log(port)) as fh:
                return "server log:\n" + "".join(fh.readlines()[-lines:])
        except OSError:
            return f"(no server log for port {port})"

    def close(self):
        self.context.close()
