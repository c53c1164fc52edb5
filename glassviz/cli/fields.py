"""``glassviz fields``: per-particle fields of snapshots as a table.

One snapshot (one single-frame file, no ``--frames``): the table of that snapshot, columns
``id``, ``type``, ``x``, ``y``, (``z``), then the fields.  Several snapshots (files, globs,
directories, trajectory frames): one long table starting with ``file``, ``frame``,
``timestep``, written as snapshots finish (:func:`glassviz.analyze`'s engine).
"""

from __future__ import annotations

import sys

import numpy as np

from glassviz.cli.common import (
    add_batch_options,
    add_orientations_option,
    names_list,
    snapshot_refs,
    write_long_table,
)

DEFAULT_FIELDS = ["voronoi_volume", "coordination", "tong_tanaka"]


def add_parser(sub) -> None:
    f = sub.add_parser(
        "fields", help="per-particle fields of snapshots as a table (CSV, Parquet, extxyz)",
        description="Compute per-particle fields and write them as a table with columns id, type, x, y, (z), "
                    "then the fields, one row per particle in file order.  DATA are files, globs or directories; "
                    "a trajectory contributes each frame (or the --frames slice).  With several snapshots the "
                    "table is long and starts with file, frame, timestep; rows are written as snapshots finish.")
    f.add_argument("data", nargs="+", metavar="DATA",
                   help="snapshot files, globs or directories (LAMMPS dump/data, extxyz, GSD, DeepMind pickle, "
                        "BOTAN/glassviz npz)")
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
    f.add_argument("-o", "--output", default=None,
                   help="output file (.csv, .parquet, .extxyz: multi-frame for several snapshots); "
                        "'-' or none = CSV on stdout.  Parquet is recommended at scale")
    add_orientations_option(f)
    add_batch_options(f)
    f.set_defaults(run=run_fields)


def default_fields(snapshot, time) -> list[str]:
    names = list(DEFAULT_FIELDS)
    if snapshot.ensemble is not None and (time is not None or len(snapshot.ensemble.times) == 1):
        names.append("propensity")
    return names


def describe(path, snap, system: str | None) -> str:
    """The line saying which system was recognised (or given) for a snapshot."""
    recognised = snap.system()
    desc = f"system {recognised.name}" if recognised else "no known system"
    if system:
        desc = f"system {system.upper()} (given)"
    return (f"glassviz: {path}: {desc}; N={snap.n}, {snap.dim}D, box {' x '.join(f'{x:.6g}' for x in np.diag(snap.h))}"
            + (f", T={snap.temperature:g}" if snap.temperature is not None else ""))


def run_fields(args) -> int:
    refs = snapshot_refs(args)
    if len(refs) == 1 and args.frames is None:
        return _one_snapshot(args, refs[0])
    return _many_snapshots(args, refs)


def _one_snapshot(args, ref) -> int:
    from glassviz.fields import compute_fields
    from glassviz.io.tables import write_table
    from glassviz.systems import parse_sigma

    snap = ref.load()
    names = args.fields or default_fields(snap, args.time)
    sigma = parse_sigma(args.sigma, snap.n_species) if args.sigma else None
    if not args.quiet:
        print(describe(ref.file, snap, args.system), file=sys.stderr)
    values = compute_fields(snap, names, xi=args.xi, r_cut=args.r_cut, normalize=args.normalize,
                            one_minus=args.one_minus, sigma=sigma, system=args.system, time=args.time,
                            cg_method=args.cg_method, orientations=args.orientations)
    if snap.meta.get("time_source") == "user":
        print(f"glassviz: {ref.file}: t = {args.time:g} is the time given with --time (the file does not "
              f"store the time of its ensemble)", file=sys.stderr)
    write_table(snap, values, args.output)
    return 0


def _first_snapshot(refs, keep_going: bool):
    """The first snapshot that can be read (with --keep-going; else the first, or its error)."""
    from glassviz.errors import GlassvizError

    for ref in refs:
        try:
            return ref.load()
        except GlassvizError:
            if not keep_going:
                raise
    raise GlassvizError(f"none of the {len(refs)} snapshots can be read; the first: {refs[0]}")


def _many_snapshots(args, refs) -> int:
    from glassviz.analysis.field_table import FieldTableJob

    names = args.fields
    first = None
    if names is None or not args.quiet:
        first = _first_snapshot(refs, args.keep_going)
        names = names or default_fields(first, args.time)
    job = FieldTableJob(tuple(names), xi=args.xi, r_cut=args.r_cut, normalize=args.normalize,
                        one_minus=tuple(args.one_minus), time=args.time, system=args.system, sigma=args.sigma,
                        cg_method=args.cg_method, orientations=args.orientations)
    if first is not None and not args.quiet:
        n_files = len({r.file for r in refs})
        print(describe(refs[0].file, first, args.system) + f" (first of {len(refs)} snapshots, "
              f"{n_files} file{'s' if n_files != 1 else ''})", file=sys.stderr)
    write_long_table(job, refs, args)
    return 0
