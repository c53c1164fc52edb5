"""``glassviz fields``: per-particle fields of snapshots as a table."""

from __future__ import annotations

import sys

import numpy as np

from glassviz.cli.common import names_list


def add_parser(sub) -> None:
    f = sub.add_parser(
        "fields", help="per-particle fields of a snapshot as a table (CSV, Parquet, extxyz)",
        description="Compute per-particle fields of one snapshot frame and write them as a table with "
                    "columns id, type, x, y, (z), then the fields, one row per particle in file order.")
    f.add_argument("snapshot", help="snapshot file (LAMMPS dump/data, extxyz, GSD, DeepMind pickle, BOTAN npz)")
    f.add_argument("--frame", type=int, default=None, help="frame index in a multi-frame file (default 0; -1 = last)")
    f.add_argument("--format", default=None, help="file format, when the extension does not say it")
    f.add_argument("--time", type=float, default=None,
                   help="time of the stored isoconfigurational frame for 'propensity' (labels a file that "
                        "does not store its time)")
    f.add_argument("--fields", type=names_list, default=None,
                   help="comma-separated field names (default: voronoi_volume,coordination,tong_tanaka; "
                        "with an ensemble also propensity)")
    f.add_argument("--xi", type=float, default=0.0, help="coarse-graining length xi (0 = raw; Oyama uses 3)")
    f.add_argument("--r-cut", type=float, default=None, help="coarse-graining cutoff (default min(3 xi, L/2))")
    f.add_argument("--cg-method", choices=("split", "exact"), default="split",
                   help="coarse-graining sum: split (exact short range + FFT long range, fast; error ~1e-3 of the "
                        "raw field range) or exact (all pairs, slow)")
    f.add_argument("--normalize", "--normalise", action="store_true", help="min-max normalise each field to [0, 1]")
    f.add_argument("--one-minus", type=names_list, default=[],
                   help="fields to show as 1 - X (after normalisation), e.g. tong_tanaka")
    g = f.add_mutually_exclusive_group()
    g.add_argument("--system", default=None, help="system whose particle sizes to use (KA3D, KA2D, ABM2D, TKA2D)")
    g.add_argument("--sigma", default=None, help="particle sizes for Tong-Tanaka, e.g. AA=1,AB=0.94,BB=0.88")
    f.add_argument("-o", "--output", default=None, help="output file (.csv, .parquet, .extxyz); '-' or none = CSV on stdout")
    f.add_argument("-q", "--quiet", action="store_true", help="do not report the recognised system on stderr")
    f.set_defaults(run=run_fields)


def run_fields(args) -> int:
    import glassviz
    from glassviz.fields import compute_fields
    from glassviz.io.tables import write_table
    from glassviz.systems import parse_sigma

    snap = glassviz.load(args.snapshot, frame=args.frame, format=args.format)
    names = args.fields
    if names is None:
        names = ["voronoi_volume", "coordination", "tong_tanaka"]
        if snap.ensemble is not None and (args.time is not None or len(snap.ensemble.times) == 1):
            names.append("propensity")
    sigma = parse_sigma(args.sigma, snap.n_species) if args.sigma else None
    if not args.quiet:
        system = snap.system()
        desc = f"system {system.name}" if system else "no known system"
        if args.system:
            desc = f"system {args.system.upper()} (given)"
        print(f"glassviz: {args.snapshot}: {desc}; N={snap.n}, {snap.dim}D, "
              f"box {' x '.join(f'{x:.6g}' for x in np.diag(snap.h))}"
              + (f", T={snap.temperature:g}" if snap.temperature is not None else ""), file=sys.stderr)
    values = compute_fields(snap, names, xi=args.xi, r_cut=args.r_cut, normalize=args.normalize,
                            one_minus=args.one_minus, sigma=sigma, system=args.system, time=args.time,
                            cg_method=args.cg_method)
    if snap.meta.get("time_source") == "user":
        print(f"glassviz: {args.snapshot}: t = {args.time:g} is the time given with --time (the file does not "
              f"store the time of its ensemble)", file=sys.stderr)
    write_table(snap, values, args.output)
    return 0
