"""``glassviz ablate``: shell ablation of one particle (Bapst et al. 2020)."""

from __future__ import annotations

import numpy as np


TABLE_FORMATS = (".csv", ".parquet")


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
    ab.add_argument("-o", "--output", default=None,
                    help="table (.csv or .parquet) or figure (.png, .pdf, .svg: prediction against n for each "
                         "mode, full prediction dashed, as Bapst et al. Fig. 4); none = CSV on stdout")
    ab.set_defaults(run=run_ablate)


def run_ablate(args) -> int:
    import os

    import glassviz
    from glassviz.app.plotstyle import FIGURE_FORMATS, check_path
    from glassviz.errors import GlassvizError, InputError
    from glassviz.explain.ablation import ShellAblation
    from glassviz.io.tables import write_frame
    from glassviz.models.store import load_model

    ext = os.path.splitext(args.output or "")[1].lower()
    figure = ext in FIGURE_FORMATS
    if figure:
        check_path(args.output)  # before the model runs
    elif args.output not in (None, "-") and ext not in TABLE_FORMATS:
        raise GlassvizError(f"{args.output}: unknown output extension {ext or 'none'!r}; use a table "
                            f"({', '.join(TABLE_FORMATS)}), a figure ({', '.join(FIGURE_FORMATS)}) "
                            "or '-' for CSV on stdout")
    snap = glassviz.load(args.snapshot, frame=args.frame)
    rows = np.flatnonzero(snap.ids == args.particle)
    if len(rows) == 0:
        raise InputError(args.snapshot, f"has no particle with id {args.particle} (ids {snap.ids.min()}..{snap.ids.max()})")
    model, card = load_model(args.model)
    modes = ("keep", "stretch") if args.mode == "both" else (args.mode,)
    ab = ShellAblation(model, card, snap).compute(int(rows[0]), range(1, args.max_shell + 1), modes, args.delta)
    if figure:
        from glassviz.app.ablation_plot import plot_ablation

        plot_ablation(ab.table(), args.output, title=f"{args.model}, particle {args.particle} of "
                                                     f"{os.path.basename(args.snapshot)}")
    else:
        write_frame(ab.table(), args.output)
    return 0
