"""The one exception type glassviz raises for bad input.

Every message names the file (when there is one) and the problem in one line, so the CLI and
the dashboard can show it as it is, without a traceback.
"""

from __future__ import annotations

import os


class GlassvizError(Exception):
    """Bad input or an impossible request: a one-line, user-facing message."""


class InputError(GlassvizError):
    """A problem with one input file: ``"PATH: problem"``."""

    def __init__(self, path: str | os.PathLike | None, problem: str):
        self.path = None if path is None else os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)
