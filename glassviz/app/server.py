"""The dashboard server (``glassviz serve``): one page per browser session, served by Panel.

What a shared server needs beyond a page on localhost:

* **Who may connect.** The websocket origins are the serving address, ``localhost`` and
  ``127.0.0.1`` at the port, plus ``--allow-websocket-origin HOST[:PORT]`` for a host name or a
  reverse proxy; ``--prefix`` serves under a path (``https://hub/user/x/glassviz/``);
  ``--basic-auth`` is Panel's login page (one password, or a JSON file of user: password).
* **What may be opened.** Data roots (:mod:`glassviz.app.roots`) and an upload limit
  (``--max-upload-mb``).  The websocket accepts messages up to twice the limit (uploads travel
  base64-encoded, 4/3 of their size), so a file somewhat over the limit reaches the session
  and is refused there with one line instead of closing the connection.
* **Sessions that do not wait for each other.** ``--num-threads N`` gives Panel a pool of N
  threads for widget events and page loads, and sizes the worker pool of long jobs
  (:mod:`glassviz.app.pool`).  The page is built after the browser connects, on a pool thread
  (Panel's ``onload``), so one visitor's page build does not hold up another's first answer.
* **Memory that comes back.** When a session is destroyed (tab closed, connection lost) its
  store frees its caches, its job and its upload folder (:meth:`Session.close`), then the
  process returns freed heap to the system.
* **A fast first answer.** Panel and the page are imported before listening; the model stack
  and the 3D view (torch, vtk) are imported on a background thread once the server listens.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading

from glassviz.errors import GlassvizError, InputError

log = logging.getLogger(__name__)

DEFAULT_PORT = 5006
DEFAULT_THREADS = 4
DEFAULT_UPLOAD_MB = 200.0
# the smallest websocket message limit (Bokeh's own default: the page's patches are large)
MIN_WEBSOCKET_BYTES = 20 * 1024 * 1024
MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ServeOptions:
    """Everything ``glassviz serve`` is given (see :func:`serve`).

    files: snapshot paths opened in every session (the bundled demo when empty);
    allow_websocket_origin: extra ``HOST[:PORT]`` origins; prefix: URL path prefix;
    num_threads: Panel's threads and the job pool's workers; basic_auth: password or JSON file;
    max_upload_mb: largest upload in MiB; data_roots: folders "open by path" may reach (the
    default roots when empty).
    """

    files: tuple = ()
    port: int = DEFAULT_PORT
    address: str = "localhost"
    show: bool = False
    allow_websocket_origin: tuple = ()
    prefix: str | None = None
    num_threads: int = DEFAULT_THREADS
    basic_auth: str | None = None
    max_upload_mb: float = DEFAULT_UPLOAD_MB
    data_roots: tuple = ()

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MIB)


def websocket_origins(address: str, port: int, extra=()) -> list[str]:
    """``HOST:PORT`` origins the websocket accepts: the serving address, localhost and
    127.0.0.1 at ``port``, then ``extra`` (as given, without duplicates)."""
    out = []
    for origin in [f"{address}:{port}", f"localhost:{port}", f"127.0.0.1:{port}", *extra]:
        origin = origin.strip()
        if origin and origin not in out:
            out.append(origin)
    return out


def websocket_max_bytes(max_upload_bytes: int) -> int:
    """Websocket message limit for an upload limit: twice its base64 size (4/3), and never
    below Bokeh's default of 20 MiB."""
    return max(MIN_WEBSOCKET_BYTES, 2 * (4 * max_upload_bytes // 3) + MIB)


def check_options(opts: ServeOptions) -> ServeOptions:
    """Files and roots exist, numbers are in range; one :class:`GlassvizError` line if not."""
    for f in opts.files:
        if not os.path.exists(f):
            raise InputError(f, "no such file")
    for d in opts.data_roots:
        if not os.path.isdir(d):
            raise InputError(d, "--data-root must be an existing folder")
    if opts.num_threads < 1:
        raise GlassvizError(f"--num-threads must be at least 1, not {opts.num_threads}")
    if not opts.max_upload_mb > 0:
        raise GlassvizError(f"--max-upload-mb must be positive, not {opts.max_upload_mb:g}")
    if opts.prefix is not None and not opts.prefix.strip("/"):
        raise GlassvizError(f"--prefix must name a path, e.g. /glassviz (got {opts.prefix!r})")
    for origin in opts.allow_websocket_origin:
        host, _, port = origin.partition(":")
        if not host or (port and not port.isdigit()) or "/" in origin:
            raise GlassvizError(f"--allow-websocket-origin takes HOST or HOST:PORT, not {origin!r}")
    return opts


def roots_of(opts: ServeOptions):
    """The :class:`~glassviz.app.roots.DataRoots` of the options: ``--data-root`` when given,
    else the folders of the files and the bundled demo."""
    from glassviz.app.roots import DataRoots, default_roots

    return DataRoots(opts.data_roots) if opts.data_roots else default_roots(opts.files)


def serve(opts: ServeOptions) -> None:
    """Serve the dashboard at http://ADDRESS:PORT/PREFIX (one store per browser session)."""
    import secrets

    import panel as pn

    from glassviz.app import pool
    from glassviz.app.page import session_page, warm_imports

    opts = check_options(opts)
    roots = roots_of(opts)
    pn.config.nthreads = opts.num_threads
    pool.configure(opts.num_threads)
    files = [os.path.abspath(f) for f in opts.files]
    kwargs = {"websocket_max_message_size": websocket_max_bytes(opts.max_upload_bytes)}
    if opts.prefix:
        kwargs["prefix"] = "/" + opts.prefix.strip("/")
    if opts.basic_auth:
        kwargs["basic_auth"] = opts.basic_auth
        # Panel's login sets a signed cookie: a secret per server start (logins end with it)
        kwargs["cookie_secret"] = pn.config.cookie_secret or secrets.token_hex(32)
    server = pn.serve(lambda: session_page(files, roots, opts.max_upload_bytes), port=opts.port,
                      address=opts.address, show=opts.show, title="glassviz",
                      websocket_origin=websocket_origins(opts.address, opts.port, opts.allow_websocket_origin),
                      threaded=False, num_procs=1, admin=False, start=False, verbose=True, **kwargs)
    log.info("glassviz at http://%s:%d%s/ (data roots: %s)", opts.address, opts.port, server.prefix,
             ", ".join(roots.dirs))
    threading.Thread(target=warm_imports, name="glassviz-warm", daemon=True).start()
    server.start()
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
