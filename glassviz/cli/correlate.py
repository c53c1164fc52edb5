"""``glassviz correlate``: correlation coefficients between fields, per snapshot, over many
snapshots (Oyama et al. 2023 Fig. 3 violins; a coefficient against time for one trajectory)."""

from __future__ import annotations

import os
import sys

from glassviz.cli.common import add_batch_options, engine_options, names_list, snapshot_refs

TABLE_EXTENSIONS = (".csv", ".parquet")


def add_parser(sub) -> None:
    c = sub.add_parser(
        "correlate", help="correlation coefficients between fields per snapshot; Oyama Fig. 3 violins",
        description="For every snapshot of DATA (files, globs, directories; each frame of a trajectory), compute "
                    "the fields, then the correlation coefficient of every pair over the particles.  Tables "
                    "(.csv, .parquet): one row per snapshot, file, frame, group, then C(a,b) per pair, written as "
                    "snapshots finish.  Figures (.pdf, .svg, .png): violins per pair with the groups side by side "
                    "and dashed quartiles; for one trajectory, the coefficients against time.  The mean and "
                    "standard deviation per group and pair are printed on stdout.")
    c.add_argument("data", nargs="+", metavar="DATA", help="snapshot files, globs or directories")
    c.add_argument("--fields", type=names_list, required=True, help="comma-separated field names (two or more)")
    c.add_argument("--xi", type=float, default=0.0, help="coarse-graining length xi (0 = raw; Oyama uses 3)")
    c.add_argument("--r-cut", type=float, default=None, help="coarse-graining cutoff (default min(3 xi, L/2))")
    c.add_argument("--normalize", "--normalise", action="store_true", help="min-max normalise each field to [0, 1]")
    c.add_argument("--one-minus", type=names_list, default=[], help="fields taken as 1 - X, e.g. tong_tanaka")
    c.add_argument("--species", default=None, help="correlate over one species only (A, B or a type label)")
    c.add_argument("--method", choices=("pearson", "spearman"), default="pearson")
    c.add_argument("--group-by", choices=("temperature", "file", "glob"), default="temperature",
                   help="groups drawn side by side: the snapshot's temperature (default), its file, or the DATA "
                        "argument it came from")
    c.add_argument("--time", type=float, default=None,
                   help="time of stored isoconfigurational averages for 'propensity'")
    g = c.add_mutually_exclusive_group()
    g.add_argument("--system", default=None, help="system whose particle sizes to use (KA3D, KA2D, ABM2D)")
    g.add_argument("--sigma", default=None, help="particle sizes for Tong-Tanaka, e.g. AA=1,AB=0.94,BB=0.88")
    c.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="table (.csv, .parquet) or figure (.pdf, .svg, .png); repeat for several")
    add_batch_options(c)
    c.set_defaults(run=run_correlate)


def run_correlate(args) -> int:
    from glassviz.analysis.snapshot_correlations import correlate, summary
    from glassviz.analysis.violins import FIGURE_FORMATS, check_figure_path, draw
    from glassviz.errors import GlassvizError
    from glassviz.io.tables import TableWriter, check_output

    tables, figures = [], []
    for out in args.output:
        ext = os.path.splitext(out)[1].lower()
        if ext in TABLE_EXTENSIONS:
            check_output(out, extxyz=False)
            tables.append(out)
        elif ext in FIGURE_FORMATS:
            check_figure_path(out)
            figures.append(out)
        else:
            raise GlassvizError(f"{out}: unknown output extension {ext or 'none'!r}; use a table "
                                f"({', '.join(TABLE_EXTENSIONS)}) or a figure ({', '.join(FIGURE_FORMATS)})")
    if len(tables) > 1:
        raise GlassvizError(f"one table output at a time, got {', '.join(tables)}")
    refs = snapshot_refs(args)
    options = dict(xi=args.xi, r_cut=args.r_cut, normalize=args.normalize, one_minus=args.one_minus,
                   species=args.species, method=args.method, group_by=args.group_by, time=args.time,
                   system=args.system, sigma=args.sigma, **engine_options(args))
    if tables:
        with TableWriter(tables[0]) as writer:
            table = correlate(refs, args.fields, writer=writer, **options)
    else:
        table = correlate(refs, args.fields, **options)
    for fig in figures:
        draw(table, fig, one_minus=args.one_minus, method=args.method)
    stats = summary(table)
    print(f"# {args.method} coefficients per group: mean, std, count of snapshots")
    print(stats.to_string(float_format=lambda v: f"{v:.4f}"))
    if not args.quiet:
        done = ", ".join(tables + figures)
        skipped = table.attrs.get("skipped") or []
        print(f"glassviz: {len(table)} snapshot(s) correlated" + (f", {len(skipped)} skipped" if skipped else "")
              + f"; wrote {done}", file=sys.stderr)
    return 0
