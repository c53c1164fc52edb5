"""The ``glassviz`` command (DESIGN.md, "Command line"): one module per subcommand.

Every error from bad input is one line on stderr (``glassviz: error: FILE: problem``) and exit
status 2; heavy libraries (torch, Panel) are imported only by the subcommands that need them.
Reports go through :mod:`logging` (configured once here: one line per message on stderr, INFO,
WARNING with ``--quiet``) and long loops show tqdm bars, which ``--quiet`` turns off
(:mod:`glassviz.progress`).
Each subcommand module has ``add_parser(sub)``, which registers its options and its ``run``.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_INPUT = 2
SUBCOMMANDS = ("fields", "predict", "correlate", "simulate", "models", "evaluate", "train", "classify", "serve",
               "export", "ablate")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    from glassviz import __version__

    p = argparse.ArgumentParser(
        prog="glassviz",
        description="See what machine-learning models find in the structure of glasses.")
    p.add_argument("--version", action="version", version=f"glassviz {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in SUBCOMMANDS:
        importlib.import_module(f"glassviz.cli.{name}").add_parser(sub)
    return p


def main(argv=None) -> int:
    from glassviz.errors import GlassvizError

    from glassviz.progress import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(quiet=bool(getattr(args, "quiet", False)))
    try:
        return args.run(args)
    except GlassvizError as exc:
        print(f"glassviz: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # the reader of stdout went away (e.g. `| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("glassviz: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("glassviz: error: out of memory", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback, unless debugging
        if os.environ.get("GLASSVIZ_DEBUG"):
            raise
        print(f"glassviz: internal error: {exc.__class__.__name__}: {exc} "
              f"(set GLASSVIZ_DEBUG=1 for a traceback and report it)", file=sys.stderr)
        return 1

