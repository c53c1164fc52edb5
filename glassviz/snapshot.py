"""The particle snapshot every part of glassviz works on, and the periodic-distance helper.

Conventions
-----------
* Positions are stored in freud's convention: the box is centred on the origin, so a
  fractional coordinate f in [0, 1)^d maps to ``box.make_absolute(f)`` in [-L/2, L/2).
  ``offset`` (d,) is what the file's frame adds back: ``file_coords = positions + offset``
  (for LAMMPS this is the box centre, ``lo + h @ (1/2, ..., 1/2)``).
* Species are 0-based indices into ``type_labels``, the file's own type labels sorted
  (LAMMPS 1, 2 -> species 0, 1; DeepMind/BOTAN 0, 1 -> 0, 1).  Species 0 is "A".
* ``ids`` are the file's particle ids, or the 0-based file order when the file has none.
  Rows stay in file order.
* ``columns`` are the file's own per-particle numbers beyond ids, types, positions, images and
  velocities (LAMMPS ``c_pe``, ``v_softness``, ``c_vec[1]``; extended-XYZ properties), under the
  file's names, each (N,) float64 aligned with the particles.  They are fields
  (:mod:`glassviz.fields.columns`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from glassviz.errors import InputError


@dataclass
class IsoEnsemble:
    """Stored isoconfigurational trajectories of one configuration, or their per-time averages.

    A file holds either the replicas' positions (DeepMind, BOTAN, glassviz demo files) or only
    the ensemble averages computed when the ensemble was simulated (glassviz datasets, to keep
    them small); :mod:`glassviz.dynamics` reads whichever is there.

    Attributes
    ----------
    times : (T,) float, LJ time of each stored frame.
    initial : (N, d) float, the unwrapped positions at t = 0 (same particle order as the snapshot).
    positions : (T', R, N, d) float or None, unwrapped positions of each of R replicas, one row per
        stored time, or per time named by ``replica_index``.
    averages : dict name -> (T, N) float, stored per-particle ensemble averages
        (``propensity``, ``propensity2``, ``cage_propensity``, ``bond_breakage``).
    edge_index : (E, 2) int or None, pairs (i < j) with r_ij(0) below ``edge_cutoff``.
    edge_change : (T, E) float or None, stored mean pair-distance change of those pairs.
    edge_cutoff : float or None.
    replicas : int or None, number of replicas behind stored averages.
    replica_index : (T,) int or None, the row of ``positions`` holding time k, -1 where the file
        stores no replica positions at that time (DeepMind's full-size files keep the replicas of
        fewer horizons than they give propensities for); None = row k holds time k.
    """

    times: np.ndarray
    initial: np.ndarray
    positions: np.ndarray | None = None
    averages: dict = field(default_factory=dict)
    edge_index: np.ndarray | None = None
    edge_change: np.ndarray | None = None
    edge_cutoff: float | None = None
    replicas: int | None = None
    replica_index: np.ndarray | None = None

    def replicas_at(self, k: int) -> np.ndarray | None:
        """(R, N, d) replica positions at stored time index ``k``, or None when not stored."""
        if self.positions is None:
            return None
        if self.replica_index is None:
            return self.positions[k]
        row = int(self.replica_index[k])
        return None if row < 0 else self.positions[row]

    @property
    def replica_times(self) -> np.ndarray:
        """(T',) the stored times at which replica positions exist."""
        if self.positions is None:
            return np.empty(0)
        if self.replica_index is None:
            return np.asarray(self.times, dtype=float)
        return np.asarray(self.times, dtype=float)[np.asarray(self.replica_index) >= 0]

    @property
    def n_replicas(self) -> int:
        if self.positions is not None:
            return int(self.positions.shape[1])
        return int(self.replicas or 0)

    def time_index(self, time: float | None, *, source: str | None = None, rtol: float = 1e-3) -> int:
        """Index of the stored time equal to ``time`` (relative tolerance ``rtol``).

        ``time=None`` is allowed only when exactly one time is stored.
        """
        times = np.asarray(self.times, dtype=float)
        listing = ", ".join(f"{t:g}" for t in times)
        if time is None:
            if len(times) == 1:
                return 0
            raise InputError(source, f"holds propensities at several times ({listing}); pick one with --time")
        hits = np.flatnonzero(np.isclose(times, time, rtol=rtol, atol=1e-9))
        if len(hits) == 0:
            raise InputError(source, f"no stored time {time:g}; stored times are {listing}")
        return int(hits[0])


@dataclass
class Snapshot:
    """One configuration of particles in a periodic box.

    Attributes
    ----------
    positions : (N, d) float64, inside the box, freud convention (box centred on 0).
    species : (N,) int64, 0-based species index.
    type_labels : tuple, original type label of each species (sorted).
    ids : (N,) int64, particle ids as in the file (file order kept).
    h : (d, d) float64 box matrix, columns = box vectors (upper triangular, freud/LAMMPS
        convention).  This is the exact box; ``box`` is the freud Box built from it (freud
        stores float32, so glassviz never takes lengths back from it).
    offset : (d,) float64, ``file coordinates = positions + offset``.
    images : (N, d) int64 or None, periodic images when the file gave unwrapped coordinates
        or image flags (``unwrapped = positions + images @ h.T``).
    meta : dict, e.g. ``temperature``, ``source``, ``frame``, ``timestep``, ``format``.
    ensemble : IsoEnsemble or None, stored isoconfigurational replicas.
    columns : dict name -> (N,) float64, the file's own per-particle columns in file order
        (empty when it has none); vector components keep their names (``c_vec[1]``).
    """

    positions: np.ndarray
    species: np.ndarray
    type_labels: tuple
    ids: np.ndarray
    h: np.ndarray
    offset: np.ndarray = None
    images: np.ndarray | None = None
    meta: dict = field(default_factory=dict)
    ensemble: IsoEnsemble | None = None
    columns: dict = field(default_factory=dict)

    def __post_init__(self):
        self.positions = np.ascontiguousarray(self.positions, dtype=np.float64)
        self.species = np.asarray(self.species, dtype=np.int64)
        self.ids = np.asarray(self.ids, dtype=np.int64)
        self.h = np.asarray(self.h, dtype=np.float64)
        if self.h.shape != (self.dim, self.dim):
            raise ValueError(f"box matrix shape {self.h.shape} does not match dim {self.dim}")
        self._box = None
        if self.offset is None:
            self.offset = np.zeros(self.dim)
        self.offset = np.asarray(self.offset, dtype=np.float64)
        self.columns = {str(k): np.asarray(v, dtype=np.float64) for k, v in (self.columns or {}).items()}
        for name, values in self.columns.items():
            if values.shape != (self.n,):
                raise ValueError(f"column {name!r} has shape {values.shape}, expected ({self.n},)")

    def __getstate__(self):
        # the freud Box cannot be pickled (process pools, dask); it is rebuilt from h on use
        state = dict(self.__dict__)
        state["_box"] = None
        return state

    # -- basic properties -------------------------------------------------------------
    @property
    def n(self) -> int:
        return int(self.positions.shape[0])

    @property
    def dim(self) -> int:
        return int(self.positions.shape[1])

    @property
    def n_species(self) -> int:
        return len(self.type_labels)

    @property
    def species_counts(self) -> np.ndarray:
        """(n_species,) number of particles of each species."""
        return np.bincount(self.species, minlength=self.n_species)

    @property
    def box(self):
        """freud.box.Box of this snapshot (2D when dim == 2)."""
        if self._box is None:
            self._box = box_from_matrix(self.h, self.dim)
        return self._box

    @property
    def volume(self) -> float:
        """Box volume (area in 2D)."""
        return float(abs(np.linalg.det(self.h)))

    @property
    def density(self) -> float:
        return self.n / self.volume

    @property
    def box_matrix(self) -> np.ndarray:
        """(d, d) box matrix h with the box vectors as columns."""
        return self.h

    @property
    def heights(self) -> np.ndarray:
        """(d,) perpendicular box heights (distances between opposite faces); the minimum
        image is unambiguous for separations below min(heights) / 2."""
        h = self.box_matrix
        vol = abs(np.linalg.det(h))
        if self.dim == 2:
            return np.array([vol / np.linalg.norm(h[:, 1]), vol / np.linalg.norm(h[:, 0])])
        a, b, c = h.T
        return np.array([vol / np.linalg.norm(np.cross(b, c)), vol / np.linalg.norm(np.cross(c, a)),
                         vol / np.linalg.norm(np.cross(a, b))])

    @property
    def source(self) -> str | None:
        return self.meta.get("source")

    @property
    def temperature(self) -> float | None:
        return self.meta.get("temperature")

    @property
    def labels(self) -> np.ndarray:
        """(N,) original type label of every particle."""
        return np.asarray(self.type_labels, dtype=object)[self.species]

    @property
    def file_positions(self) -> np.ndarray:
        """(N, d) positions in the file's own frame, wrapped into its box."""
        return self.positions + self.offset

    @property
    def unwrapped(self) -> np.ndarray:
        """(N, d) unwrapped positions (the wrapped ones when no image information exists)."""
        if self.images is None:
            return self.positions.copy()
        return self.positions + self.images @ self.box_matrix.T

    @property
    def freud_positions(self) -> np.ndarray:
        """(N, 3) float32-ready positions for freud (z = 0 in 2D)."""
        if self.dim == 3:
            return self.positions
        return np.column_stack([self.positions, np.zeros(self.n)])

    def system(self):
        """The known system this snapshot matches (:func:`glassviz.systems.recognise`)."""
        from glassviz.systems import recognise

        return recognise(self)

    def with_positions(self, positions: np.ndarray) -> "Snapshot":
        """A copy with new positions, wrapped into the box (species, ids, box kept; the file's
        columns, which describe the old positions, are dropped)."""
        wrapped, _ = wrap(self.h, np.asarray(positions, dtype=np.float64))
        return replace(self, positions=wrapped, images=None, ensemble=None, meta=dict(self.meta), columns={})

    def take(self, index: np.ndarray) -> "Snapshot":
        """A copy holding only the particles ``index`` (in that order)."""
        index = np.asarray(index)
        return replace(
            self,
            positions=self.positions[index],
            species=self.species[index],
            ids=self.ids[index],
            images=None if self.images is None else self.images[index],
            ensemble=None,
            meta=dict(self.meta),
            columns={name: values[index] for name, values in self.columns.items()},
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{lab}: {c}" for lab, c in zip(self.type_labels, self.species_counts))
        L = " x ".join(f"{x:.6g}" for x in np.diag(self.h))
        return f"Snapshot(N={self.n}, dim={self.dim}, box={L}, species {{{counts}}}, source={self.source!r})"


# -- periodic helpers (the one implementation used everywhere) -----------------------------
def tile(snapshot: Snapshot, reps) -> Snapshot:
    """The periodic replica of ``snapshot`` repeated ``reps`` (d,) times along the box vectors:
    a larger configuration with the same local structure (ids renumbered 1..N·prod(reps)).
    Used to make large test systems (e.g. 10^5 particles) from a simulated one."""
    reps = np.asarray(reps, dtype=np.int64)
    if reps.shape != (snapshot.dim,) or (reps < 1).any():
        raise ValueError(f"reps must be {snapshot.dim} positive integers, got {reps.tolist()}")
    shifts = np.stack(np.meshgrid(*[np.arange(r) for r in reps], indexing="ij"), -1).reshape(-1, snapshot.dim)
    h = snapshot.h * reps[None, :]
    pos = (snapshot.positions[None, :, :] + (shifts @ snapshot.h.T)[:, None, :]).reshape(-1, snapshot.dim)
    pos, _ = wrap(h, pos - 0.5 * (snapshot.h @ (reps - 1)))
    n = len(pos)
    meta = dict(snapshot.meta, tiled=reps.tolist())
    columns = {name: np.tile(values, len(shifts)) for name, values in snapshot.columns.items()}
    return Snapshot(pos, np.tile(snapshot.species, len(shifts)), snapshot.type_labels, np.arange(1, n + 1), h,
                    meta=meta, columns=columns)


def box_from_matrix(h: np.ndarray, dim: int):
    """freud Box from a (d, d) upper-triangular box matrix (columns = box vectors)."""
    import freud

    h = np.asarray(h, dtype=np.float64)
    if dim == 2:
        Lx, Ly = h[0, 0], h[1, 1]
        return freud.box.Box(Lx=Lx, Ly=Ly, xy=h[0, 1] / Ly, is2D=True)
    Lx, Ly, Lz = h[0, 0], h[1, 1], h[2, 2]
    return freud.box.Box(Lx=Lx, Ly=Ly, Lz=Lz, xy=h[0, 1] / Ly, xz=h[0, 2] / Lz, yz=h[1, 2] / Lz)


def wrap(h: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wrap (N, d) positions into the centred box of matrix ``h`` (d, d), in float64.

    Returns the wrapped positions and the integer images with
    ``positions = wrapped + images @ h.T``.
    """
    positions = np.asarray(positions, dtype=np.float64)
    dim = positions.shape[-1]
    h = np.asarray(h, dtype=np.float64)
    frac = np.linalg.solve(h, positions.reshape(-1, dim).T).T.reshape(positions.shape) + 0.5
    images = np.floor(frac)
    frac -= images
    frac[frac >= 1.0] = 0.0  # floating-point edge: 1 - eps rounded up
    wrapped = (frac - 0.5) @ h.T
    return wrapped, images.astype(np.int64)


def minimum_image(h: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Minimum-image convention for (..., d) separation vectors, in float64.

    For a triclinic box this is the usual fractional rounding, exact whenever the
    separation is shorter than half the smallest box height.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    dim = vectors.shape[-1]
    h = np.asarray(h, dtype=np.float64)
    flat = vectors.reshape(-1, dim)
    frac = np.linalg.solve(h, flat.T).T
    frac -= np.round(frac)
    return (frac @ h.T).reshape(vectors.shape)


def species_index(snapshot: Snapshot, species: int | str) -> int:
    """The 0-based species index of ``species``: an index (0 = A), a type label as in the file
    (``1``, ``"2"``, ``"Cu"``) or a letter ``A``, ``B``, ... (species 0, 1, ...).

    A type label wins over a letter of the same spelling.  An unknown species is a one-line
    :class:`~glassviz.errors.InputError` listing the species the snapshot has.
    """
    labels = [str(lab) for lab in snapshot.type_labels]
    if isinstance(species, (int, np.integer)) and not isinstance(species, bool):
        idx = int(species)
        if not 0 <= idx < snapshot.n_species:
            raise InputError(snapshot.source, f"species index {idx} out of range 0..{snapshot.n_species - 1}")
        return idx
    text = str(species)
    if text in labels:
        return labels.index(text)
    if len(text) == 1 and text.isalpha() and 0 <= ord(text.upper()) - 65 < snapshot.n_species:
        return ord(text.upper()) - 65
    raise InputError(snapshot.source, f"unknown species {text!r}; species are {', '.join(labels)} (or A, B, ...)")


def species_mask(snapshot: Snapshot, species: int | str | None) -> np.ndarray:
    """(N,) boolean mask for one species (see :func:`species_index`); ``None`` selects every
    particle.  The one species selection of glassviz: the CLI, the analyses, the dashboard
    store and the figures all call it."""
    if species is None:
        return np.ones(snapshot.n, dtype=bool)
    return snapshot.species == species_index(snapshot, species)


def check_finite(path, positions: np.ndarray, what: str = "coordinates") -> None:
    """Raise a one-line InputError when positions hold NaN or inf."""
    bad = ~np.isfinite(positions)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=-1) if positions.ndim > 1 else bad)
        raise InputError(path, f"{len(rows)} particle(s) have non-finite {what} (first at row {rows[0]})")
