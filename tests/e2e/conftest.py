"""Browser tests: a real `glassviz serve` and the system Chromium driven by Playwright.

They skip on a machine without Chromium or Playwright, but not in CI (CI=true), where a skip
would hide a broken dashboard.  Screenshots go to $GLASSVIZ_SCREENSHOTS when set (the README's
pictures in assets/screenshots are made that way), else to the test's tmp directory.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.e2e.helpers import CHROMIUM, FLAGS, start_server


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {why}")
    pytest.skip(why)


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
