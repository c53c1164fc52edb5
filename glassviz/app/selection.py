"""The selection store: the particles selected by box or lasso in any 2D view (snapshot rows,
shared by every view, the 3D scene and the correlations) and the one picked by a click."""

from __future__ import annotations

import numpy as np
import param


class Selection(param.Parameterized):
    """Selected rows and the picked row of the shown snapshot."""

    selection = param.Array(default=np.zeros(0, dtype=np.int64), doc="selected snapshot rows, sorted")
    picked = param.Integer(default=None, allow_None=True, doc="picked snapshot row")

    def reset(self) -> None:
        """Another configuration: the old selection means nothing."""
        with param.parameterized.batch_call_watchers(self):
            self.selection = np.zeros(0, dtype=np.int64)
            self.picked = None

    def select(self, rows: np.ndarray, visible: np.ndarray) -> None:
        """Select ``rows`` that are ``visible`` ((N,) bool: the species filter)."""
        rows = np.asarray(rows, dtype=np.int64)
        self.selection = np.sort(rows[visible[rows]])

    def clear(self) -> None:
        self.selection = np.zeros(0, dtype=np.int64)

    def mask(self, n: int) -> np.ndarray:
        """(n,) bool of the selected rows."""
        sel = np.zeros(n, dtype=bool)
        sel[self.selection] = True
        return sel
