"""``glassviz export``: publication figure without a browser."""

from __future__ import annotations


from glassviz.cli.common import names_list


def add_parser(sub) -> None:
    ex = sub.add_parser("export", help="publication figure of per-particle fields, without a browser",
                        description="Draw the fields of one snapshot as panels (a), (b), ... with colour bars "
                                    "(Oyama et al. 2023 Fig. 1 style), as the dashboard's export does.")
    ex.add_argument("snapshot")
    ex.add_argument("--fields", type=names_list, required=True, help="comma-separated field names")
    ex.add_argument("-o", "--output", required=True, help="figure file: .pdf, .svg or .png (300 dpi)")
    ex.add_argument("--frame", type=int, default=None)
    ex.add_argument("--format", default=None, help="file format, when the extension does not say it")
    ex.add_argument("--time", type=float, default=None, help="time of the stored ensemble frame for 'propensity'")
    ex.add_argument("--xi", type=float, default=0.0, help="coarse-graining length (0 = raw)")
    ex.add_argument("--normalize", "--normalise", action="store_true")
    ex.add_argument("--one-minus", type=names_list, default=[])
    ex.add_argument("--opacity-field", default=None, help="field setting the opacity (Oyama Fig. 1e-g)")
    ex.add_argument("--species", default=None, help="draw one species only (A, B or a type label)")
    ex.add_argument("--cmap", default="viridis")
    ex.add_argument("--clim", default="0,100", help="colour range as percentiles, e.g. 2,98")
    ex.add_argument("--slab-axis", default="z", choices=("x", "y", "z"), help="3D: normal of the slab drawn")
    ex.add_argument("--slab-position", type=float, default=0.5, help="3D: slab mid-plane, fraction of the box")
    ex.add_argument("--slab-thickness", type=float, default=2.0, help="3D: slab thickness (sigma)")
    ex.add_argument("--columns", type=int, default=3, help="panels per row")
    ex.add_argument("--system", default=None, help="system whose particle sizes Tong-Tanaka uses")
    ex.set_defaults(run=run_export)


def run_export(args) -> int:
    import glassviz
    from glassviz.app.figure import FigureSpec, export
    from glassviz.app.plane import Slab
    from glassviz.errors import GlassvizError

    try:
        clim = tuple(float(x) for x in args.clim.split(","))
    except ValueError:
        clim = ()
    if len(clim) != 2 or not 0 <= clim[0] < clim[1] <= 100:
        raise GlassvizError(f"--clim must be two percentiles lo,hi with 0 <= lo < hi <= 100, got {args.clim!r}")
    if args.columns < 1:
        raise GlassvizError(f"--columns must be at least 1, got {args.columns}")
    snap = glassviz.load(args.snapshot, frame=args.frame, format=args.format)
    if args.species is not None:
        from glassviz.snapshot import species_mask

        species_mask(snap, args.species)  # one clear error for an unknown species, before any work
    spec = FigureSpec(fields=args.fields, xi=args.xi, normalize=args.normalize, one_minus=args.one_minus,
                      time=args.time, slab=Slab(args.slab_axis, args.slab_position, args.slab_thickness),
                      cmap=args.cmap, clim=clim, opacity_field=args.opacity_field, species=args.species,
                      columns=args.columns)
    from matplotlib import colormaps

    if args.cmap not in colormaps:
        raise GlassvizError(f"unknown colour map {args.cmap!r}")
    export(snap, spec, args.output, system=args.system)
    from glassviz.progress import get_logger

    get_logger("export").info(f"wrote {args.output}")
    return 0
