"""``glassviz serve``: the dashboard server (:mod:`glassviz.app.server`)."""

from __future__ import annotations


def add_parser(sub) -> None:
    # the server module is light at import (Panel comes with serve())
    from glassviz.app.server import DEFAULT_PORT, DEFAULT_THREADS, DEFAULT_UPLOAD_MB

    sv = sub.add_parser("serve", help="the dashboard: linked 2D/3D views, compare, shell ablation, export",
                        description="Serve the glassviz dashboard at http://ADDRESS:PORT/ on the snapshot files "
                                    "given (the bundled demo when none).")
    sv.add_argument("snapshots", nargs="*", help="snapshot files (any format glassviz reads)")
    sv.add_argument("--port", type=int, default=DEFAULT_PORT)
    sv.add_argument("--address", default="localhost", help="address to listen on (default localhost)")
    sv.add_argument("--show", action="store_true", help="open a browser tab")
    sv.add_argument("--allow-websocket-origin", nargs="+", action="extend", default=[], metavar="HOST[:PORT]",
                    help="further origins allowed to open the page's websocket (a host name, a reverse proxy); "
                         "ADDRESS:PORT, localhost:PORT and 127.0.0.1:PORT always are")
    sv.add_argument("--prefix", default=None, metavar="PATH",
                    help="serve under this URL path (behind a reverse proxy), e.g. /glassviz")
    sv.add_argument("--num-threads", type=int, default=DEFAULT_THREADS, metavar="N",
                    help=f"threads for sessions' page builds, events and jobs (default {DEFAULT_THREADS}), "
                         "so visitors do not wait for each other")
    sv.add_argument("--basic-auth", default=None, metavar="PASSWORD|FILE.json",
                    help="ask for a login (Panel's basic auth): one password for any user name, or a JSON "
                         "file mapping user names to passwords (a file keeps the password out of `ps`)")
    sv.add_argument("--max-upload-mb", type=float, default=DEFAULT_UPLOAD_MB, metavar="M",
                    help=f"largest file a visitor may upload, in MB (default {DEFAULT_UPLOAD_MB:g})")
    sv.add_argument("--data-root", nargs="+", action="extend", default=[], metavar="DIR",
                    help="folders whose files visitors may open by path (default: the folders of the "
                         "SNAPSHOT files and of the bundled demo)")
    sv.set_defaults(run=run_serve)


def run_serve(args) -> int:
    from glassviz.app.server import ServeOptions, serve

    serve(ServeOptions(files=tuple(args.snapshots), port=args.port, address=args.address, show=args.show,
                       allow_websocket_origin=tuple(args.allow_websocket_origin), prefix=args.prefix,
                       num_threads=args.num_threads, basic_auth=args.basic_auth,
                       max_upload_mb=args.max_upload_mb, data_roots=tuple(args.data_root)))
    return 0
