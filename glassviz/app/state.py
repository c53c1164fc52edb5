"""The dashboard's session: one :class:`Session` per browser session composes the small stores
(Panel's store/view pattern: stores hold state, views only read them and call their methods),
so everything a view shows can be checked here without a browser:

============  =====================================================  ==============================
store         holds                                                  module
============  =====================================================  ==============================
``files``     open files, the shown path and frame, uploads          :mod:`glassviz.app.files`
``sizes``     system and particle sizes (σ per pair)                 :mod:`glassviz.app.sizes`
``choice``    time horizon, fields, ξ, normalise, 1 - X, opacity,    :mod:`glassviz.app.choice`
              species filter
``values``    raw and shown field values, per-field errors           :mod:`glassviz.app.values`
``display``   colour map and range, slab of the 2D views             :mod:`glassviz.app.display`
``picks``     selection and picked particle                          :mod:`glassviz.app.selection`
``compare``   correlation method, species, selection-only, scatter   :mod:`glassviz.app.comparison`
``ablation``  shell-ablation model, δ, progress and result           :mod:`glassviz.app.ablation_state`
============  =====================================================  ==============================

The session reacts to a new configuration (another file or frame) by resetting the stores in
order, then bumps ``snapshot_version``; its ``message`` is the last error or notice of any store,
one line.  For scripts and notebooks, the stores' parameters are also reachable under their old
names on the session (``session.xi``, ``session.fields``, ``session.ablation_model``, ...).
"""

from __future__ import annotations

import os

import numpy as np
import param

from glassviz.app.ablation_state import AblationState
from glassviz.app.choice import FieldChoice
from glassviz.app.comparison import Comparison
from glassviz.app.display import CMAPS, Display  # noqa: F401 - CMAPS is part of this module's API
from glassviz.app.files import FileSet
from glassviz.app.selection import Selection
from glassviz.app.sizes import ParticleSizes
from glassviz.app.values import FieldValues
from glassviz.errors import GlassvizError

LARGE_N = 100_000  # from here on the 2D views are rasterised (datashader)


def demo_files() -> list[str]:
    """The bundled demo (:func:`glassviz.bundled.demo_files`)."""
    from glassviz.bundled import demo_files as bundled_demo

    return bundled_demo()


class _Forward:
    """A session attribute that is a store's parameter (read and written there)."""

    def __init__(self, store: str, name: str):
        self.store, self.name = store, name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(getattr(obj, self.store), self.name)

    def __set__(self, obj, value):
        setattr(getattr(obj, self.store), self.name, value)


FORWARDED = {
    "files": {"path": "path", "frame": "frame"},
    "choice": {n: n for n in ("time", "fields", "xi", "normalize", "one_minus", "opacity_field", "species",
                              "orientations")},
    "display": {n: n for n in ("cmap", "clim", "slab_axis", "slab_position", "slab_thickness")},
    "picks": {"selection": "selection", "picked": "picked"},
    "compare": {n: n for n in ("corr_method", "corr_selection_only", "scatter_x", "scatter_y")} | {
        "corr_species": "species"},
    "ablation": {"ablation_model": "model", "ablation_delta": "delta", "ablation_progress": "progress",
                 "ablation_status": "status", "ablation_result": "result", "shells": "shells"},
    "values": {"values_version": "version"},
}


class Session(param.Parameterized):
    """Everything one browser session sees and does (never shared between sessions)."""

    files = param.ClassSelector(class_=FileSet, doc="open files, shown path and frame")
    sizes = param.ClassSelector(class_=ParticleSizes, doc="system and particle sizes")
    choice = param.ClassSelector(class_=FieldChoice, doc="fields shown and their processing")
    values = param.ClassSelector(class_=FieldValues, doc="field values")
    display = param.ClassSelector(class_=Display, doc="colours and slab")
    picks = param.ClassSelector(class_=Selection, doc="selection and picked particle")
    compare = param.ClassSelector(class_=Comparison, doc="correlation settings")
    ablation = param.ClassSelector(class_=AblationState, doc="shell ablation")
    message = param.String(default="", doc="last error or notice, one line")
    snapshot_version = param.Integer(default=0, doc="bumped when another snapshot is shown")

    def __init__(self, files=(), upload_dir: str | None = None, **params):
        choice, sizes = FieldChoice(), ParticleSizes()
        super().__init__(files=FileSet(upload_dir=upload_dir), sizes=sizes, choice=choice,
                         values=FieldValues(choice=choice, sizes=sizes), display=Display(), picks=Selection(),
                         compare=Comparison(), ablation=AblationState(), **params)
        self.files.param.watch(lambda *_: self._show(), ["loaded"])
        self.choice.param.watch(lambda *_: self._on_time(), ["time"])
        self.choice.param.watch(lambda e: self.compare.follow(e.new), ["fields"])
        for store in (self.files, self.sizes, self.ablation):
            store.param.watch(lambda e: self._report(e.new), ["error"])
        for k, f in enumerate(files):
            self.open(f, show=(k == 0))

    # -- the shown configuration ------------------------------------------------------------
    @property
    def snapshot(self):
        """The configuration shown (a :class:`glassviz.snapshot.Snapshot`), or None."""
        return self.files.snapshot

    @property
    def upload_dir(self) -> str | None:
        return self.files.upload_dir

    @upload_dir.setter
    def upload_dir(self, value: str | None) -> None:
        self.files.upload_dir = value

    @property
    def roots(self):
        """The :class:`~glassviz.app.roots.DataRoots` "open by path" may reach (None: any)."""
        return self.files.roots

    @roots.setter
    def roots(self, value) -> None:
        self.files.roots = value

    @property
    def max_upload_bytes(self) -> int | None:
        return self.files.max_upload_bytes

    @max_upload_bytes.setter
    def max_upload_bytes(self, value: int | None) -> None:
        self.files.max_upload_bytes = value

    @property
    def large(self) -> bool:
        return self.snapshot is not None and self.snapshot.n >= LARGE_N

    def _report(self, text: str) -> None:
        if text:
            self.message = text

    def open(self, path, show: bool = True) -> bool:
        """Open and show a file or in-memory source (:meth:`FileSet.open`); a bad one leaves
        what was open and puts one line in ``message``."""
        ok = self.files.open(path, show=show)
        self.message = "" if ok else self.files.error
        return ok

    def open_upload(self, filename: str, data: bytes) -> bool:
        ok = self.files.open_upload(filename, data)
        self.message = "" if ok else self.files.error
        return ok

    def _show(self) -> None:
        """Reset every store for the configuration the file store now holds.  While they are
        reset (``resetting``) the views wait; then ``snapshot_version`` and the values'
        version are bumped once each, and the views redraw from consistent stores."""
        snap = self.snapshot
        new_file = self.files.new_file
        keep = None if new_file else list(self.choice.fields)
        self.values.reset(snap)
        self.values.held = True
        try:
            if new_file:
                self.sizes.reset(snap)
                self.compare.reset(list(snap.type_labels))
            self.display.reset(snap)
            self.picks.reset()
            self.ablation.reset()
            self.choice.reset(snap, keep)
            self._offer()
        finally:
            self.values.held = False
        self.snapshot_version += 1
        self.values.bump(force=True)

    @property
    def resetting(self) -> bool:
        """True while the stores are reset for another configuration (views skip redraws)."""
        return self.values.held

    def _offer(self) -> None:
        """Fields and models offered to the compare and ablation tabs at the current horizon."""
        catalogue = self.choice.catalogue
        self.compare.offer(list(self.choice.param.fields.objects), list(self.choice.fields))
        self.compare.follow(list(self.choice.fields))
        self.ablation.offer(*catalogue.ablation_models(self.choice.time))

    def _on_time(self) -> None:
        if self.snapshot is not None:
            self._offer()
            self.values.bump()

    def cards(self) -> list[dict]:
        """Cards of the models that fit the current snapshot (dimension, system)."""
        return list(self.choice.catalogue.cards)

    def available_fields(self) -> list[str]:
        """Field names offered for the snapshot at the current horizon."""
        return self.choice.catalogue.available_fields(self.choice.time)

    def default_fields(self) -> list[str]:
        return self.choice.catalogue.default_fields(self.choice.time)

    # -- values -----------------------------------------------------------------------------
    def raw(self, name: str) -> np.ndarray:
        return self.values.raw(name)

    def shown(self) -> dict[str, np.ndarray]:
        """(N,) values as the views show them, for the chosen fields that could be computed."""
        return self.values.shown()

    def field_error(self, name: str) -> str | None:
        """Why the chosen field ``name`` cannot be shown (one line), or None."""
        return self.values.error(name)

    def title(self, name: str) -> str:
        return self.choice.title(name)

    def state(self, name: str) -> str:
        return self.choice.state(name)

    def alpha(self) -> np.ndarray:
        return self.values.alpha()

    def color_range(self, name: str) -> tuple[float, float]:
        """(low, high) of ``name``'s colour map; (0, 1) for a field without values."""
        values = self.shown().get(name)
        return (0.0, 1.0) if values is None else self.display.color_range(values)

    def species_shown(self) -> np.ndarray:
        """(N,) bool: particles of the species filter."""
        from glassviz.snapshot import species_mask

        return species_mask(self.snapshot, None if self.choice.species == "all" else self.choice.species)

    def plane(self):
        return self.display.plane()

    def slab(self):
        return self.display.slab()

    # -- selection and picking --------------------------------------------------------------
    def select_box(self, x0, x1, y0, y1) -> None:
        self.picks.select(self.plane().in_box(x0, x1, y0, y1), self.species_shown())

    def select_polygon(self, xs, ys) -> None:
        self.picks.select(self.plane().in_polygon(xs, ys), self.species_shown())

    def clear_selection(self) -> None:
        self.picks.clear()

    def pick_at(self, x: float, y: float) -> None:
        """Pick the shown particle nearest to (x, y) in the plane (periodic)."""
        plane = self.plane()
        self.picks.picked = plane.nearest(x, y, among=self.species_shown()[plane.rows])

    def particle_info(self, row: int) -> dict:
        """id, species, position and every chosen field's shown value of one particle."""
        snap = self.snapshot
        info = {"row": int(row), "id": int(snap.ids[row]), "species": str(snap.labels[row])}
        for k, axis in enumerate("xyz"[: snap.dim]):
            info[axis] = float(snap.positions[row, k])
        for name, v in self.shown().items():
            info[name] = float(v[row])
        return info

    def plane_xy(self, row: int) -> tuple[float, float]:
        """In-plane coordinates of a particle (projected when it lies outside the slab)."""
        a, b = self.display.plane_axes()
        pos = self.snapshot.positions[row]
        return float(pos[a]), float(pos[b])

    def bonds(self, name: str) -> dict:
        """Bonds of an ``edge_change@MODEL`` view in the slab (:func:`glassviz.app.edges.bonds`)."""
        from glassviz.app.edges import bonds
        from glassviz.fields.names import FieldName

        pred = self.values.prediction(FieldName.parse(name).model)
        return bonds(self.snapshot, pred, self.plane().rows, self.display.plane_axes())

    def attention_edges(self, name: str) -> dict:
        """Edges of the picked particle in an ``attention@MODEL`` view."""
        from glassviz.app.edges import EMPTY_EDGES, attention_edges
        from glassviz.fields.names import FieldName

        if self.picks.picked is None:
            return dict(EMPTY_EDGES)
        att = self.values.attention(FieldName.parse(name).model)
        return attention_edges(self.snapshot, att, self.picks.picked, self.display.plane_axes())

    # -- compare ----------------------------------------------------------------------------
    def correlation_mask(self) -> np.ndarray:
        """(N,) bool of the particles the correlations are over: the compare tab's species,
        and the selection when asked for."""
        return self.compare.mask(self.compare.species_mask(self.snapshot), self.picks.selection)

    def correlations(self):
        """Correlation matrix of the shown fields (DataFrame), or None."""
        values = {n: v for n, v in self.shown().items() if n in self.choice.fields}
        return self.compare.correlations(values, self.correlation_mask())

    # -- tables and figure ------------------------------------------------------------------
    def _table_values(self) -> dict:
        return {n: v for n, v in self.shown().items() if n in self.choice.fields}

    def table(self):
        """Per-particle table (DESIGN columns) of the shown values."""
        from glassviz.io.tables import particle_table

        return particle_table(self.snapshot, self._table_values())

    def table_bytes(self, ext: str) -> bytes:
        """The table as CSV, Parquet or extended XYZ bytes."""
        import io

        from glassviz.io.tables import extxyz_text

        if ext == ".csv":
            return self.table().to_csv(index=False, float_format="%.10g").encode()
        if ext == ".parquet":
            buf = io.BytesIO()
            self.table().to_parquet(buf, index=False)
            return buf.getvalue()
        if ext == ".extxyz":
            return extxyz_text(self.snapshot, self._table_values()).encode()
        raise GlassvizError(f"unknown table format {ext!r}")

    def figure_spec(self):
        """What ``glassviz export`` needs to draw the same figure as the dashboard."""
        from glassviz.app.figure import FigureSpec

        c, d = self.choice, self.display
        return FigureSpec(fields=[n for n in c.fields if n in self.shown()], xi=c.xi, normalize=c.normalize,
                          one_minus=list(c.one_minus), time=c.time, slab=d.slab(), cmap=d.cmap, clim=tuple(d.clim),
                          opacity_field=None if c.opacity_field == "none" else c.opacity_field,
                          species=None if c.species == "all" else c.species)

    def export_figure(self, path: str) -> str:
        from glassviz.app.figure import render

        return render(self.snapshot, self.shown(), self.figure_spec(), path)

    # -- shell ablation ---------------------------------------------------------------------
    def start_ablation(self) -> bool:
        """Start the shell ablation of the picked particle in a worker thread."""
        why = self.ablation.start(self.snapshot, self.picks.picked)
        if why:
            self.message = why
        return not why

    def poll_ablation(self) -> bool:
        """Copy the worker's progress into the store; True while the job runs."""
        return self.ablation.poll(self.snapshot)

    def wait_ablation(self, timeout: float = 600.0) -> None:
        self.ablation.wait(self.snapshot, timeout)

    def header(self) -> dict:
        snap = self.snapshot
        system = self.sizes.system_name or self.sizes.recognised()
        return {"file": os.path.basename(snap.source or ""), "system": system, "N": snap.n, "dim": snap.dim,
                "box": " × ".join(f"{x:.4g}" for x in snap.heights), "T": snap.temperature,
                "frames": self.files.n_frames, "frame": self.files.frame}

    # -- end of the session ---------------------------------------------------------------
    def close(self) -> None:
        """Free what this session holds: the snapshot and its cached fields, predictions and
        plane, the in-memory sources, the shell-ablation job (stopped at its next stage) and
        the upload folder with its files.  Called when the browser session ends; the store
        shows nothing afterwards."""
        self.ablation.close()
        self.values.clear()
        self.display.clear()
        self.files.close()


for _store, _names in FORWARDED.items():
    for _attr, _name in _names.items():
        setattr(Session, _attr, _Forward(_store, _name))
