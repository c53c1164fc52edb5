"""``glassviz serve``: the dashboard server."""

from __future__ import annotations



def add_parser(sub) -> None:
    sv = sub.add_parser("serve", help="the dashboard: linked 2D/3D views, compare, shell ablation, export",
                        description="Serve the glassviz dashboard at http://ADDRESS:PORT/ on the snapshot files "
                                    "given (the bundled demo when none).")
    sv.add_argument("snapshots", nargs="*", help="snapshot files (any format glassviz reads)")
    sv.add_argument("--port", type=int, default=5006)
    sv.add_argument("--address", default="localhost")
    sv.add_argument("--show", action="store_true", help="open a browser tab")
    sv.set_defaults(run=run_serve)


def run_serve(args) -> int:
    from glassviz.app.layout import serve

    serve(args.snapshots, port=args.port, address=args.address, show=args.show)
    return 0
