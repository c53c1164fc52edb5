"""Serving the dashboard to a group (issue 13): data roots, upload limit, another origin, and
sessions built side by side.  One `glassviz serve` per test, on loopback, on the small 2D demo
glass so each page builds in seconds."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess

import pytest

from tests.e2e.helpers import (
    CHROMIUM,
    FLAGS,
    LOAD_TIMEOUT_MS,
    Page,
    free_port,
    server_log,
    start_server,
)

pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GLASS_2D = os.path.join(REPO, "assets", "ka2d_glass_T0.05.dump")
LIQUID_2D = os.path.join(REPO, "assets", "ka2d_liquid_T0.8.dump")


@contextlib.contextmanager
def served(*args, port=None):
    proc, url = start_server(args, port=port)
    try:
        yield proc, url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _errors(p: Page) -> list[str]:
    return [t for t in p.texts(".gv-error") if t.strip()]


def _open_path(p: Page, path: str) -> list[str]:
    """Type ``path`` into "open a file by path", press Open, return the non-empty error lines
    once one names the path."""
    p.page.locator(".gv-path input").first.fill(path)
    p.page.locator(".gv-open button").first.click()
    got = p.wait_text(".gv-error", lambda t: any(os.path.abspath(path) in x for x in t))
    return [t.strip() for t in got if t.strip()]


def test_path_outside_the_data_roots_is_refused_in_one_line(browser, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(GLASS_2D, root / "glass.dump")
    shutil.copy(LIQUID_2D, tmp_path / "beside.dump")
    os.symlink(tmp_path / "beside.dump", root / "link.dump")
    with served(str(root / "glass.dump"), "--data-root", str(root)) as (_, url):
        p = Page(browser, url)
        try:
            lines = []
            for path in (LIQUID_2D, os.path.join(os.path.dirname(LIQUID_2D), "missing.dump"),
                         f"{root}/../beside.dump", str(root / "link.dump")):
                got = _open_path(p, path)
                assert len(got) == 1 and "\n" not in got[0], got
                assert "outside the data folders" in got[0], got
                lines.append(got[0].replace(os.path.abspath(path), "PATH"))
            # existing and missing paths outside get the same line
            assert len(set(lines)) == 1, lines
            assert "glass.dump" in p.texts(".gv-headline")[0]
            assert p.errors == [], p.errors
        finally:
            p.close()


def test_upload_over_the_limit_is_refused_in_one_line(browser, tmp_path):
    big = tmp_path / "big.dump"
    big.write_bytes(b"0" * (2 * 2**20))
    with served(GLASS_2D, "--max-upload-mb", "1") as (_, url):
        p = Page(browser, url)
        try:
            p.page.locator("input[type=file]").first.set_input_files(str(big))
            got = [t.strip() for t in p.wait_text(".gv-error", lambda t: any(x.strip() for x in t)) if t.strip()]
            assert got == [("error: big.dump: 2.0 MB is over this server's upload limit of 1 MB "
                           "(glassviz serve --max-upload-mb)")], got
            assert "ka2d_glass_T0.05.dump" in p.texts(".gv-headline")[0]
            assert p.errors == [], p.errors
        finally:
            p.close()


def test_page_reached_by_another_host_name_with_allow_websocket_origin(browser):
    """A visitor who reaches the loopback server by a host name (as through a proxy), allowed
    with --allow-websocket-origin: the page renders with no console errors."""
    host = "glassviz-group.test"
    b = browser.browser_type.launch(executable_path=CHROMIUM,
                                    args=[*FLAGS, f"--host-resolver-rules=MAP {host} 127.0.0.1"])
    try:
        port = free_port()
        with served(GLASS_2D, "--allow-websocket-origin", f"{host}:{port}", port=port):
            p = Page(b, f"http://{host}:{port}/")
            try:
                assert "ka2d_glass_T0.05.dump" in p.texts(".gv-headline")[0]
                assert p.errors == [], p.errors
            finally:
                p.close()
    finally:
        b.close()


def _websocket_status(port: int, origin: str) -> int:
    """HTTP status of a websocket handshake at /ws with this Origin header (101 accepted)."""
    import base64
    import socket

    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode())
        return int(sock.recv(1024).split(b" ", 2)[1])


def test_websocket_origins_follow_allow_websocket_origin():
    """The server refuses a websocket from an origin it was not given, accepts the defaults and
    the given ones (the browser's handshake carries the page's origin)."""
    port = free_port()
    with served(GLASS_2D, "--allow-websocket-origin", f"gv.example.org:{port}", port=port):
        assert _websocket_status(port, f"http://gv.example.org:{port}") != 403
        assert _websocket_status(port, f"http://127.0.0.1:{port}") != 403
        assert _websocket_status(port, f"http://other.example.org:{port}") == 403


def test_two_visitors_together_are_served_off_the_event_loop(browser):
    """With --num-threads 2 two visitors arriving together both get their dashboard, built on
    Panel's pool threads (not the event loop, which keeps answering meanwhile)."""
    with served(GLASS_2D, "--num-threads", "2") as (_, url):
        pages = []
        try:
            for _ in range(2):
                ctx = browser.new_context(viewport={"width": 1700, "height": 2100})
                page = ctx.new_page()
                page.goto(url, wait_until="commit")
                pages.append((ctx, page))
            for _, page in pages:
                page.locator(".gv-selcount").first.wait_for(timeout=LOAD_TIMEOUT_MS)
                assert "ka2d_glass_T0.05.dump" in page.locator(".gv-headline").first.inner_text()
        finally:
            for ctx, _ in pages:
                ctx.close()
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with open(server_log(port)) as fh:
            builds = re.findall(r"session \w+: building the dashboard \((.+?)\)", fh.read())
    assert len(builds) == 2 and all(name != "MainThread" for name in builds), builds


def _get(url: str) -> tuple[int, str]:
    """Status and final URL of a GET (redirects followed); 4xx/5xx statuses are returned."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.url
    except urllib.error.HTTPError as exc:
        return exc.code, url


def test_prefix_and_basic_auth():
    port = free_port()
    with served(GLASS_2D, "--prefix", "/gv", port=port):
        assert _get(f"http://127.0.0.1:{port}/gv/")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/")[0] == 404
    port = free_port()
    with served(GLASS_2D, "--basic-auth", "group-password", port=port):
        status, where = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "/login" in where, (status, where)


def test_a_long_ablation_in_one_session_does_not_hold_up_another(browser):
    """Session A runs a shell ablation (a job on the worker pool) while session B changes xi:
    B's seven views are redrawn coarse-grained before A's ablation ends (on the event loop
    the ablation would have come first).  The demo's KA3D N = 4096 snapshot and its BOTAN."""
    import time

    with served("--num-threads", "2") as (_, url):
        a, b = Page(browser, url), Page(browser, url)
        try:
            a.click_view(1, 0.8, 0.85)
            a.page.get_by_text("Shell ablation", exact=True).click()
            a.wait_text(".gv-picked-id", lambda t: t and "picked particle id" in t[0])
            a.page.locator(".gv-ablate button").click()
            t_start = time.time()
            a.wait_text(".gv-status", lambda t: t and t[0].strip() not in ("", "queued"), timeout=120)
            handle = b.page.locator(".gv-xi .noUi-handle").first
            handle.focus()
            b.page.keyboard.press("ArrowRight")  # one step of 0.5
            t_asked = time.time()
            # watch both pages together: when was B redrawn, when did A's ablation end
            t_drawn = t_done = None
            end = t_asked + 300
            while time.time() < end and (t_drawn is None or t_done is None):
                states = b.texts(".gv-view2d .gv-state")
                if t_drawn is None and states and all("coarse-grained ξ = 0.5" in x for x in states):
                    t_drawn = time.time()
                status = a.texts(".gv-status")
                if t_done is None and status and status[0].strip() == "done":
                    t_done = time.time()
                time.sleep(0.1)
            assert t_drawn is not None, b.texts(".gv-view2d .gv-state")
            assert t_done is not None, a.texts(".gv-status")
            print(f"\nB's xi change drawn {t_drawn - t_asked:.1f} s after it was asked; "
                  f"A's ablation ran {t_done - t_start:.1f} s")
            assert t_drawn < t_done
            assert a.errors == [] and b.errors == [], (a.errors, b.errors)
        finally:
            a.close()
            b.close()
