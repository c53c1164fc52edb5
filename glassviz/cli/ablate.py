"""``glassviz ablate``: shell ablation of one particle (Bapst et al. 2020)."""

from __future__ import annotations


import numpy as np


def add_parser(sub) -> None:
    ab = sub.add_parser("ablate", help="shell ablation of a model's prediction for one particle (Bapst et al.)",
                        description="Prediction for the marked particle versus n: keep (only hop shells <= n) and "
                                    "stretch (shells > n moved radially outward by --delta).")
    ab.add_argument("snapshot")
    ab.add_argument("--model", required=True)
    ab.add_argument("--particle", type=int, required=True, help="id of the marked particle (as in the file)")
    ab.add_argument("--mode", choices=("keep", "stretch", "both"), default="both")
    ab.add_argument("--delta", type=float, default=0.1, help="outward displacement of stretch mode (default 0.1)")
    ab.add_argument("--max-shell", type=int, default=7, help="n runs from 1 to this (default 7)")
    ab.add_argument("--frame", type=int, default=None)
    ab.add_argument("-o", "--output", default=None, help="table (.csv or .parquet); none = CSV on stdout")
    ab.set_defaults(run=run_ablate)


def run_ablate(args) -> int:
    import glassviz
    from glassviz.errors import InputError
    from glassviz.explain.ablation import ShellAblation
    from glassviz.io.tables import write_frame
    from glassviz.models.store import load_model

    snap = glassviz.load(args.snapshot, frame=args.frame)
    rows = np.flatnonzero(snap.ids == args.particle)
    if len(rows) == 0:
        raise InputError(args.snapshot, f"has no particle with id {args.particle} (ids {snap.ids.min()}..{snap.ids.max()})")
    model, card = load_model(args.model)
    modes = ("keep", "stretch") if args.mode == "both" else (args.mode,)
    ab = ShellAblation(model, card, snap).compute(int(rows[0]), range(1, args.max_shell + 1), modes, args.delta)
    write_frame(ab.table(), args.output)
    return 0
