"""Helpers shared by the subcommands."""

from __future__ import annotations

import os


def add_quiet(parser) -> None:
    """``-q/--quiet``: no progress bars, only warnings and errors on stderr (the logging level
    WARNING; :func:`glassviz.progress.configure_logging`)."""
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or reports on stderr, only errors")


def names_list(text: str) -> list[str]:
    """``a,b, c`` -> ["a", "b", "c"] (comma-separated option values)."""
    return [t.strip() for t in text.split(",") if t.strip()]


def data_files(items, glasses: bool = False) -> list[str]:
    import glob

    from glassviz.errors import InputError

    out = []
    for item in items:
        if os.path.isdir(item):
            found = sorted(glob.glob(os.path.join(item, "config_*.npz"))
                           + (glob.glob(os.path.join(item, "glass_*.npz")) if glasses else [])) or sorted(
                glob.glob(os.path.join(item, "*.npz")) + glob.glob(os.path.join(item, "*.pickle")))
            if not found:
                raise InputError(item, "directory holds no data files (config_*.npz, *.npz, *.pickle)")
            out += found
        else:
            out.append(item)
    return out


def add_batch_options(p, what: str = "snapshot") -> None:
    """The options every DATA... subcommand shares: frames, parallel engine, failures, quiet."""
    frames = p.add_mutually_exclusive_group()
    frames.add_argument("--frames", default=None, metavar="START:STOP:STEP",
                        help="frames of each trajectory (Python slice, e.g. 0:100:10 or ::5; default: all)")
    frames.add_argument("--frame", type=int, default=None, metavar="K",
                        help="one frame of each file (negative counts from the end)")
    p.add_argument("--format", default=None, help="file format, when the extension does not say it")
    engine = p.add_mutually_exclusive_group()
    engine.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                        help="local worker processes (default 1: this process)")
    engine.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a running dask scheduler, e.g. tcp://host:8786 (dask.distributed)")
    p.add_argument("--keep-going", action="store_true",
                   help=f"skip a {what} that cannot be read or analysed (one line each) instead of stopping")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no report on stderr")


def add_orientations_option(p) -> None:
    p.add_argument("--orientations", type=int, default=1, metavar="K",
                   help="average propensity models over K rotations/reflections of the cubic group "
                        "(48 in 3D, 8 in 2D: exactly invariant; K forward passes; default 1)")


def snapshot_refs(args):
    """The ordered snapshot references of ``args.data`` with ``--frames`` / ``--frame``."""
    from glassviz.analysis.sources import expand

    return expand(args.data, args.frames if args.frames is not None else args.frame, format=args.format,
                  keep_going=args.keep_going)


def engine_options(args) -> dict:
    """``map_snapshots`` keyword arguments from ``--jobs``, ``--scheduler``, ``--keep-going``, ``--quiet``."""
    from glassviz.errors import GlassvizError

    if args.jobs < 1:
        raise GlassvizError(f"--jobs must be at least 1, got {args.jobs}")
    if args.scheduler:
        backend, n = "dask", None
    else:
        backend, n = ("processes", args.jobs) if args.jobs > 1 else ("serial", None)
    return {"backend": backend, "n_workers": n, "client": args.scheduler, "keep_going": args.keep_going,
            "progress": not args.quiet}


def report_run(runner, written: str | None, quiet: bool) -> None:
    """One closing line on stderr: snapshots done, skipped, where the rows went."""
    import sys

    if quiet:
        return
    skipped = f", {len(runner.skipped)} skipped" if runner.skipped else ""
    where = f" to {written}" if written not in (None, "-") else ""
    print(f"glassviz: {runner.done} snapshot(s) done{skipped}{where}", file=sys.stderr)


def write_long_table(job, refs, args):
    """Run a :class:`~glassviz.analysis.field_table.FieldTableJob` over ``refs`` and write its
    pieces to ``args.output`` as they come (``fields`` and ``predict``); returns the run."""
    from glassviz.analysis.field_table import run
    from glassviz.io.tables import TableWriter

    with TableWriter(args.output) as writer:
        job.extxyz = writer.extxyz
        runner = run(job, refs, **engine_options(args))
        for _, piece in runner:
            if job.extxyz:
                writer.write(text=piece)
            else:
                writer.write(piece)
    report_run(runner, args.output, args.quiet)
    return runner
