"""Browser tests: a real `glassviz serve` and the system Chromium driven by Playwright.

They skip on a machine without Chromium or Playwright, but not in CI (CI=true), where a skip
would hide a broken dashboard.  Screenshots go to $GLASSVIZ_SCREENSHOTS when set (the README's
pictures in assets/screenshots are made that way), else to the test's tmp directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {why}")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args=(), timeout: float = 120.0):
    """`glassviz serve` on a free port; returns (process, url) once it accepts connections."""
    port = free_port()
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"glassviz-serve-{port}.log"), "w")
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


@pytest.fixture(scope="session")
def server():
    proc, url = start_server()
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    out = os.environ.get("GLASSVIZ_SCREENSHOTS") or str(tmp_path)
    os.makedirs(out, exist_ok=True)
    return out
