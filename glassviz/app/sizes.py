"""The particle sizes store: which system a snapshot is (recognised, or chosen by the user) and
the σ matrix of Tong–Tanaka Θ and compactness, as the CLI's ``--system``/``--sigma`` give them.

``system`` is ``"auto"`` (the recognised system, if any) or a name from
:data:`glassviz.systems.SYSTEMS`; ``sigma`` is text in the CLI's form ``AA=1,AB=0.94,BB=0.88``
(parsed by :func:`glassviz.systems.parse_sigma`), empty for the system's default.  An
unrecognised system with more than one species has no default: the size-dependent fields then
say so in their own views until sizes are given here.
"""

from __future__ import annotations

import numpy as np
import param

from glassviz.errors import GlassvizError

AUTO = "auto"


def sigma_text(sigma: np.ndarray) -> str:
    """``AA=1,AB=0.94,BB=0.88`` for a symmetric (S, S) matrix (the form parse_sigma reads)."""
    s = len(sigma)
    return ",".join(f"{chr(65 + a)}{chr(65 + b)}={sigma[a, b]:g}" for a in range(s) for b in range(a, s))


class ParticleSizes(param.Parameterized):
    """System and σ matrix of the shown snapshot (reset for each new file)."""

    system = param.Selector(default=AUTO, objects=[AUTO], doc="known system, or auto (recognised)")
    sigma = param.String(default="", doc="particle sizes per pair, e.g. AA=1,AB=0.94,BB=0.88 (empty = default)")
    error = param.String(default="", doc="why the sizes given cannot be used (one line), else empty")
    version = param.Integer(default=0, doc="bumped when the sizes used change")

    def __init__(self, **params):
        from glassviz.systems import SYSTEMS

        super().__init__(**params)
        self.param.system.objects = [AUTO] + list(SYSTEMS)
        self.snapshot = None
        self._matrix = None

    def reset(self, snapshot) -> None:
        """A new snapshot: back to the recognised system and its default sizes."""
        self.snapshot = None  # the parse watcher waits for the new snapshot
        self.system, self.sigma, self.error = AUTO, "", ""
        self._matrix = None
        self.snapshot = snapshot

    @property
    def system_name(self) -> str | None:
        """The system the fields use: the chosen one, else None (recognition decides)."""
        return None if self.system == AUTO else self.system

    @property
    def matrix(self) -> np.ndarray | None:
        """(S, S) σ given by the user, or None for the system's default."""
        return self._matrix

    def placeholder(self) -> str:
        """The default sizes as text (what an empty ``sigma`` means), or a hint when there is
        no default."""
        from glassviz.systems import default_sigma

        if self.snapshot is None:
            return ""
        try:
            return sigma_text(default_sigma(self.snapshot, self.system_name))
        except GlassvizError:
            letters = [chr(65 + a) + chr(65 + b) for a in range(self.snapshot.n_species)
                       for b in range(a, self.snapshot.n_species)]
            return ",".join(f"{p}=…" for p in letters)

    def recognised(self) -> str:
        """Name of the recognised system, or 'unknown'."""
        system = None if self.snapshot is None else self.snapshot.system()
        return system.name if system is not None else "unknown"

    @param.depends("system", "sigma", watch=True)
    def _parse(self):
        from glassviz.systems import default_sigma, parse_sigma

        if self.snapshot is None:
            return
        matrix, error = None, ""
        try:
            if self.sigma.strip():
                matrix = parse_sigma(self.sigma, self.snapshot.n_species)
            elif self.system_name is not None:
                default_sigma(self.snapshot, self.system_name)  # a system of another species count
        except GlassvizError as exc:
            error = str(exc).replace("--sigma: ", "particle sizes: ")
        self._matrix = matrix
        self.error = error
        self.version += 1
