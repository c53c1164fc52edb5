"""`glassviz serve` options, without starting a server: origins, upload limit, checks."""

import pytest

from glassviz.app.server import (
    ServeOptions,
    check_options,
    roots_of,
    websocket_max_bytes,
    websocket_origins,
)
from glassviz.cli import build_parser
from glassviz.errors import GlassvizError
from tests.conftest import DEMO_GLASS


def _args(*argv):
    return build_parser().parse_args(["serve", *argv])


def test_origins_keep_the_defaults_and_add_the_given_ones():
    assert websocket_origins("0.0.0.0", 8000) == ["0.0.0.0:8000", "localhost:8000", "127.0.0.1:8000"]
    got = websocket_origins("127.0.0.1", 8000, ["127.0.0.2:8000", "hub.example.org", "localhost:8000"])
    assert got == ["127.0.0.1:8000", "localhost:8000", "127.0.0.2:8000", "hub.example.org"]


def test_websocket_limit_lets_an_upload_over_the_limit_reach_the_session():
    mb = 2**20
    # base64 makes an upload 4/3 larger: twice that still fits, and never below Bokeh's 20 MiB
    assert websocket_max_bytes(200 * mb) >= 2 * 200 * mb * 4 // 3
    assert websocket_max_bytes(1 * mb) == 20 * mb


def test_cli_options_reach_the_server_options():
    a = _args(DEMO_GLASS, "--allow-websocket-origin", "127.0.0.2:5006", "gv.example.org", "--prefix", "/gv",
              "--num-threads", "3", "--max-upload-mb", "1.5", "--data-root", "/tmp", "--basic-auth", "pw")
    assert a.snapshots == [DEMO_GLASS]
    assert a.allow_websocket_origin == ["127.0.0.2:5006", "gv.example.org"]
    assert (a.prefix, a.num_threads, a.max_upload_mb, a.data_root, a.basic_auth) == ("/gv", 3, 1.5, ["/tmp"], "pw")
    d = _args()
    assert (d.num_threads, d.max_upload_mb, d.data_root, d.allow_websocket_origin) == (4, 200.0, [], [])


@pytest.mark.parametrize("opts, message", [
    (ServeOptions(files=("/nonexistent/run.dump",)), "/nonexistent/run.dump: no such file"),
    (ServeOptions(data_roots=("/nonexistent/dir",)), "/nonexistent/dir: --data-root must be an existing folder"),
    (ServeOptions(num_threads=0), "--num-threads must be at least 1"),
    (ServeOptions(max_upload_mb=0), "--max-upload-mb must be positive"),
    (ServeOptions(prefix="/"), "--prefix must name a path"),
    (ServeOptions(allow_websocket_origin=("http://x/",)), "--allow-websocket-origin takes HOST or HOST:PORT"),
])
def test_bad_options_are_one_line(opts, message):
    with pytest.raises(GlassvizError, match="^" + message.replace(".", r"\.")):
        check_options(opts)


def test_default_roots_are_the_files_folders_and_the_demo(tmp_path):
    import os

    from glassviz.bundled import demo_dir

    roots = roots_of(ServeOptions(files=(DEMO_GLASS,)))
    assert os.path.realpath(os.path.dirname(DEMO_GLASS)) in roots.dirs
    assert os.path.realpath(demo_dir()) in roots.dirs
    assert roots_of(ServeOptions(files=(DEMO_GLASS,), data_roots=(str(tmp_path),))).dirs == (
        os.path.realpath(tmp_path),)


def test_worker_pool_is_bounded():
    import threading

    from glassviz.app import pool

    pool.configure(2)
    lock, running, peak = threading.Lock(), [0], [0]
    release = threading.Event()

    def task():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(10)
        with lock:
            running[0] -= 1

    try:
        futures = [pool.submit(task) for _ in range(4)]
        # the first two start; the others queue behind them
        for _ in range(200):
            if running[0] == 2:
                break
            threading.Event().wait(0.01)
        assert running[0] == 2 and not futures[2].running()
        release.set()
        for f in futures:
            f.result(10)
        assert peak[0] == 2
    finally:
        release.set()
        pool.configure(pool.DEFAULT_WORKERS)
