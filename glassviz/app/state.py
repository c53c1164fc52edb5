"""The dashboard's session store: one :class:`Session` per browser session holds the open files,
the current snapshot, the field choices and their processing, the selection, the picked
particle and the shell-ablation job.  Views only read it (Panel's "data store" pattern), so
everything a view shows can be checked here without a browser.

Field values
------------
Raw values come from the field registry (:func:`glassviz.fields.compute_field`) once per
snapshot and time horizon, and are cached; what the views show is Oyama's post-processing of
them (:func:`glassviz.fields.postprocess`: coarse-graining with ξ, min-max normalisation,
1 - X), cached per setting.  The opacity field (Oyama Fig. 1e-g) gets the same processing and
maps to alpha = 0.05 + 0.95 X̃ with X̃ its min-max normalised value.

Time horizon and models
-----------------------
``time`` is the horizon t: it picks the stored frame of the ground-truth ``propensity`` and
which propensity models are offered (a model matches a horizon when their times differ by less
than 5 %).  Changing it swaps every chosen ``propensity@``/``edge_change@`` field for the model
of the same architecture at the new horizon.  Models that do not fit the snapshot (dimension,
system) are not listed.
"""

from __future__ import annotations

import os

import numpy as np
import param

from glassviz.app.labels import field_title, state_label
from glassviz.app.plane import Slab, plane_view
from glassviz.errors import GlassvizError

CMAPS = ["viridis", "magma", "inferno", "plasma", "cividis", "coolwarm", "RdBu_r", "turbo"]
LARGE_N = 100_000  # from here on the 2D views are rasterised (datashader)
TIME_RTOL = 0.05
MODEL_FIELD_ORDER = ("propensity", "edge_change", "gradcam", "attention")
PLAIN_DEFAULTS = ("propensity", "voronoi_volume", "tong_tanaka")


def demo_files() -> list[str]:
    """The bundled demo (:func:`glassviz.bundled.demo_files`)."""
    from glassviz.bundled import demo_files as bundled_demo

    return bundled_demo()


def _same_time(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= TIME_RTOL * max(abs(a), abs(b))


class Session(param.Parameterized):
    """Everything one browser session sees and does (never shared between sessions)."""

    path = param.Selector(default=None, objects=[], doc="the open file shown")
    frame = param.Integer(default=0, bounds=(0, 0), doc="frame of a trajectory")
    time = param.Selector(default=None, objects=[None], doc="time horizon t (LJ)")
    fields = param.ListSelector(default=[], objects=[], doc="fields shown, one view each")
    xi = param.Number(default=0.0, bounds=(0.0, 6.0), step=0.5, doc="coarse-graining length ξ (0 = raw)")
    normalize = param.Boolean(default=False, doc="min-max normalise each field to [0, 1]")
    one_minus = param.ListSelector(default=[], objects=[], doc="fields shown as 1 - X")
    opacity_field = param.Selector(default="none", objects=["none"], doc="field setting the opacity")
    species = param.Selector(default="all", objects=["all"], doc="species shown")
    cmap = param.Selector(default="viridis", objects=CMAPS)
    clim = param.Range(default=(0.0, 100.0), bounds=(0.0, 100.0),
                       doc="colour range as percentiles of each field's values")
    slab_axis = param.Selector(default="z", objects=["x", "y", "z"])
    slab_position = param.Number(default=0.5, bounds=(0.0, 1.0), step=0.01)
    slab_thickness = param.Number(default=2.0, bounds=(0.2, 50.0), step=0.1)
    selection = param.Array(default=np.zeros(0, dtype=np.int64), doc="selected snapshot rows")
    picked = param.Integer(default=None, allow_None=True, doc="picked snapshot row")
    corr_method = param.Selector(default="pearson", objects=["pearson", "spearman"])
    corr_selection_only = param.Boolean(default=False)
    scatter_x = param.Selector(default=None, objects=[None])
    scatter_y = param.Selector(default=None, objects=[None])
    ablation_model = param.Selector(default=None, objects=[None])
    ablation_delta = param.Number(default=0.1, bounds=(0.0, 1.0), step=0.05)
    ablation_progress = param.Number(default=0.0, bounds=(0.0, 1.0))
    ablation_status = param.String(default="")
    ablation_result = param.Dict(default=None, allow_None=True)
    shells = param.Array(default=None, allow_None=True, doc="(N,) hop shell of each particle")
    message = param.String(default="", doc="last error or notice, one line")
    values_version = param.Integer(default=0, doc="bumped when the shown values change")
    snapshot_version = param.Integer(default=0, doc="bumped when another snapshot is shown")

    def __init__(self, files=(), upload_dir: str | None = None, **params):
        super().__init__(**params)
        self.snapshot = None
        self.upload_dir = upload_dir
        self._raw: dict = {}
        self._shown: dict = {}
        self._shown_key = None
        self._ctx = None
        self._job = None
        self._cards = None
        self._plane = None
        self._plane_key = None
        self._pending = None  # a snapshot open() has read, shown by the path watcher
        self._bumped = None
        self._objects: dict = {}  # label in the file list -> in-memory source (see open)
        # serving limits, set by the server (glassviz.app.page); None: no limit (notebook, tests)
        self.roots = None  # glassviz.app.roots.DataRoots "open by path" may reach
        self.max_upload_bytes = None
        for k, f in enumerate(files):
            self.open(f, show=(k == 0))

    # -- files ----------------------------------------------------------------------------
    def open(self, path, show: bool = True) -> bool:
        """Open a file (any format the readers support) and show it (or only list it, with
        ``show=False``).  ``path`` may also be an in-memory source: a :class:`Snapshot`, or any
        object :func:`glassviz.load` reads (an ``ase.Atoms``, an MDAnalysis Universe, ...), listed
        under a label ``in memory #k: ...``.  A bad file leaves what was open untouched and puts
        one line in ``message``."""
        if isinstance(path, (str, os.PathLike)):
            path = os.path.abspath(os.path.expanduser(str(path).strip()))
            if self.roots is not None and not self.roots.allows(path, extra=(self.upload_dir,)):
                from glassviz.app.roots import OUTSIDE

                self.message = f"error: {path}: {OUTSIDE}"
                return False
        else:
            path = self._remember(path)
        try:
            frames = self._count(path)
            snap = self._read(path, 0) if show else None
        except GlassvizError as exc:
            self.message = f"error: {exc}"
            return False
        except Exception as exc:  # noqa: BLE001 - the page shows one line, never a traceback
            self.message = f"error: {path}: cannot be read ({exc.__class__.__name__}: {exc})"
            return False
        objects = list(self.param.path.objects)
        if path not in objects:
            objects.append(path)
        self.param.path.objects = objects
        self.message = ""
        if not show:
            return True
        if self.path == path:
            self._show(snap, frames)
        else:
            self._pending = (snap, frames)
            self.path = path
        return True

    def _remember(self, source) -> str:
        """The file-list label of an in-memory source (kept by this session only)."""
        from glassviz.snapshot import Snapshot

        for label, known in self._objects.items():
            if known is source:
                return label
        what = os.path.basename(source.source or "snapshot") if isinstance(source, Snapshot) else type(source).__name__
        label = f"in memory #{len(self._objects) + 1}: {what}"
        self._objects[label] = source
        return label

    def _read(self, key: str, frame: int):
        """Frame ``frame`` of the file or in-memory source listed as ``key``."""
        import glassviz
        from glassviz.snapshot import Snapshot

        source = self._objects.get(key, key)
        if isinstance(source, Snapshot):
            if frame != 0:
                raise GlassvizError(f"{key}: a single snapshot has no frame {frame}")
            return source
        return glassviz.load(source, frame=frame)

    def _count(self, key: str) -> int:
        """Number of frames of the file or in-memory source listed as ``key``."""
        from glassviz.io import n_frames
        from glassviz.snapshot import Snapshot

        source = self._objects.get(key, key)
        return 1 if isinstance(source, Snapshot) else n_frames(source)

    def open_upload(self, filename: str, data: bytes) -> bool:
        """Save an uploaded file in this session's directory (keeping its name, so the format
        is known from the extension) and open it."""
        import tempfile

        if not filename or not data:
            self.message = "error: empty upload"
            return False
        name = os.path.basename(filename)
        if name in ("", ".", ".."):
            self.message = f"error: {filename!r}: not a file name"
            return False
        if self.max_upload_bytes is not None and len(data) > self.max_upload_bytes:
            self.message = (f"error: {name}: {len(data) / 2**20:.1f} MB is over this server's upload limit of "
                            f"{self.max_upload_bytes / 2**20:g} MB (glassviz serve --max-upload-mb)")
            return False
        if self.upload_dir is None:
            self.upload_dir = tempfile.mkdtemp(prefix="glassviz-upload-")
        target = os.path.join(self.upload_dir, name)
        with open(target, "wb") as fh:
            fh.write(data)
        return self.open(target)

    @param.depends("path", watch=True)
    def _on_path(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            self._show(*pending)
            return
        try:
            self._show(self._read(self.path, 0), self._count(self.path))
        except GlassvizError as exc:
            self.message = f"error: {exc}"

    @param.depends("frame", watch=True)
    def _on_frame(self):
        if self.snapshot is None or self.snapshot.meta.get("frame", 0) == self.frame:
            return
        try:
            snap = self._read(self.path, self.frame)
        except GlassvizError as exc:
            self.message = f"error: {exc}"
            return
        self._show(snap, self.param.frame.bounds[1] + 1, keep_choices=True)

    def _show(self, snap, frames: int, keep_choices: bool = False):
        from glassviz.fields import FieldContext

        old_fields = list(self.fields)
        self.snapshot = snap
        self._raw, self._shown, self._shown_key = {}, {}, None
        self._ctx = FieldContext(snap)
        self._plane_key = None
        with param.parameterized.batch_call_watchers(self):
            self.param.frame.bounds = (0, max(frames - 1, 0))
            if not keep_choices:
                self.frame = 0
            self.selection = np.zeros(0, dtype=np.int64)
            self.picked = None
            self.shells = None
            self.ablation_result = None
            self.ablation_progress = 0.0
            self.ablation_status = ""
            labels = [str(lab) for lab in snap.type_labels]
            self.param.species.objects = ["all"] + labels
            self.species = "all"
            self.slab_thickness = min(self.slab_thickness, float(min(snap.heights)))
            times = self._horizons()
            self.param.time.objects = times or [None]
            if self.time not in times:
                # the longest stored horizon that has a model, else the longest with a model
                stored = [] if snap.ensemble is None else [float(t) for t in snap.ensemble.times]
                with_models = [t for t in times if self._propensity_models(t)]
                both = [t for t in with_models if t in stored]
                self.time = (both or with_models or times or [None])[-1]
            self._refresh_choices(old_fields if keep_choices else None)
            self.snapshot_version += 1
        self._bump()

    # -- what can be shown ----------------------------------------------------------------
    def cards(self) -> list[dict]:
        """Cards of the models that fit the current snapshot (dimension, system)."""
        from glassviz.models.store import check_compatible, list_cards

        if self._cards is None:
            self._cards = list_cards()
        fit = []
        for card in self._cards:
            try:
                check_compatible(card, self.snapshot)
            except GlassvizError:
                continue
            fit.append(card)
        return fit

    def _horizons(self) -> list[float]:
        times = [] if self.snapshot.ensemble is None else [float(t) for t in self.snapshot.ensemble.times]
        for card in self.cards():
            t = card.get("time")
            if card.get("kind") == "propensity" and t is not None and not any(_same_time(t, s) for s in times):
                times.append(float(t))
        return sorted(times)

    def _propensity_models(self, time) -> list[dict]:
        return [c for c in self.cards() if c.get("kind") == "propensity" and _same_time(c.get("time"), time)]

    def available_fields(self) -> list[str]:
        """Field names that apply to the snapshot at the current horizon: the plain fields,
        then the fitting models' fields."""
        from glassviz.fields import FIELDS

        snap = self.snapshot
        names = [s.name for s in FIELDS.values() if snap.dim in s.dims and not s.needs_ensemble]
        if snap.ensemble is not None and self.time is not None and any(
                _same_time(self.time, t) for t in snap.ensemble.times):
            names = [s.name for s in FIELDS.values() if s.needs_ensemble] + names
        models = []
        for card in self._propensity_models(self.time):
            models.append(f"propensity@{card['name']}")
            if card.get("arch") == "botan":
                models.append(f"edge_change@{card['name']}")
        for card in self.cards():
            if card.get("arch") == "cnn":
                models.append(f"gradcam@{card['name']}")
            elif card.get("arch") == "attention":
                models.append(f"attention@{card['name']}")
        models.sort(key=lambda n: (MODEL_FIELD_ORDER.index(n.split("@")[0]), n))
        return names + models

    def default_fields(self) -> list[str]:
        avail = self.available_fields()
        plain = [n for n in PLAIN_DEFAULTS if n in avail]
        model = [n for n in avail if "@" in n]
        # one model of each architecture at this horizon, the BOTAN edges, every classifier
        seen, chosen = set(), []
        for n in model:
            kind, name = n.split("@", 1)
            arch = self._card(name).get("arch")
            if (kind, arch) not in seen:
                seen.add((kind, arch))
                chosen.append(n)
        first = plain[:1] if plain[:1] == ["propensity"] else []
        return first + chosen + [n for n in plain if n not in first]

    def _card(self, name: str) -> dict:
        for card in self.cards():
            if card["name"] == name:
                return card
        raise GlassvizError(f"model {name!r} does not fit {self.snapshot.source}")

    def _refresh_choices(self, wanted=None):
        avail = self.available_fields()
        if wanted is None:
            wanted = self.default_fields()
        chosen = [n for n in wanted if n in avail]
        self.param.fields.objects = avail
        self.param.one_minus.objects = avail
        self.fields = chosen
        self.one_minus = [n for n in self.one_minus if n in avail]
        self.param.opacity_field.objects = ["none"] + avail
        if self.opacity_field not in self.param.opacity_field.objects:
            self.opacity_field = "none"
        self.param.scatter_x.objects = avail or [None]
        self.param.scatter_y.objects = avail or [None]
        self.scatter_x = chosen[0] if chosen else (avail[0] if avail else None)
        self.scatter_y = chosen[1] if len(chosen) > 1 else self.scatter_x
        models = [c["name"] for c in self._propensity_models(self.time)]
        models += [c["name"] for c in self.cards() if c.get("kind") == "propensity" and c["name"] not in models]
        self.param.ablation_model.objects = models or [None]
        at_horizon = [c["name"] for c in self._propensity_models(self.time)]
        if self.ablation_model not in (at_horizon or models):
            self.ablation_model = models[0] if models else None

    @param.depends("time", watch=True)
    def _on_time(self):
        if self.snapshot is None:
            return
        swapped = []
        for n in self.fields:
            if "@" in n and n.split("@")[0] in ("propensity", "edge_change"):
                kind, name = n.split("@", 1)
                arch = self._card(name).get("arch")
                match = [c for c in self._propensity_models(self.time) if c.get("arch") == arch]
                if match:
                    swapped.append(f"{kind}@{match[0]['name']}")
            else:
                swapped.append(n)
        self._refresh_choices(swapped if self.fields else None)
        self._bump()

    # -- values ---------------------------------------------------------------------------
    def _raw_key(self, name: str):
        from glassviz.fields import FIELDS

        spec = FIELDS.get(name)
        return (name, self.time) if spec is not None and spec.needs_ensemble else (name, None)

    def raw(self, name: str) -> np.ndarray:
        """(N,) raw values of a field (cached per snapshot and horizon)."""
        from glassviz.fields import compute_field

        key = self._raw_key(name)
        if key not in self._raw:
            self._ctx.time = self.time
            self._raw[key] = compute_field(self._ctx, name)
        return self._raw[key]

    def _wanted(self) -> list[str]:
        names = list(self.fields)
        if self.opacity_field != "none" and self.opacity_field not in names:
            names.append(self.opacity_field)
        return names

    def shown(self) -> dict[str, np.ndarray]:
        """(N,) values as the views show them, for the chosen fields (and the opacity field)."""
        from glassviz.fields import postprocess

        names = self._wanted()
        key = (tuple(names), self.time, float(self.xi), bool(self.normalize), tuple(sorted(self.one_minus)))
        if key != self._shown_key:
            raw = {}
            for n in names:
                try:
                    raw[n] = self.raw(n)
                except GlassvizError as exc:
                    self.message = f"error: {n}: {exc}"
            self._shown = postprocess(self.snapshot, raw, xi=self.xi, normalize=self.normalize,
                                      one_minus=[n for n in self.one_minus if n in raw]) if raw else {}
            self._shown_key = key
        return {n: v for n, v in self._shown.items() if n in self.fields or n == self.opacity_field}

    def title(self, name: str) -> str:
        return field_title(name, self.time if "@" not in name else None)

    def state(self, name: str) -> str:
        return state_label(self.xi, self.normalize, name in self.one_minus)

    def alpha(self) -> np.ndarray:
        """(N,) opacity: 1, or 0.05 + 0.95 X̃ of the opacity field (Oyama Fig. 1e-g)."""
        if self.opacity_field == "none":
            return np.ones(self.snapshot.n)
        from glassviz.structure import minmax

        v = minmax(self.shown()[self.opacity_field])
        return 0.05 + 0.95 * np.nan_to_num(v, nan=0.0)

    def color_range(self, name: str) -> tuple[float, float]:
        v = self.shown()[name]
        v = v[np.isfinite(v)]
        if len(v) == 0:
            return 0.0, 1.0
        lo, hi = np.percentile(v, self.clim)
        return (float(lo), float(hi)) if hi > lo else (float(lo) - 0.5, float(lo) + 0.5)

    def species_shown(self) -> np.ndarray:
        """(N,) bool: particles of the species filter."""
        from glassviz.snapshot import species_mask

        return species_mask(self.snapshot, None if self.species == "all" else self.species)

    def plane(self):
        """The :class:`~glassviz.app.plane.PlaneView` of the 2D views (cached)."""
        key = (self.snapshot_version, self.slab_axis, self.slab_position, self.slab_thickness)
        if key != self._plane_key:
            self._plane = plane_view(self.snapshot, self.slab())
            self._plane_key = key
        return self._plane

    def slab(self) -> Slab:
        return Slab(self.slab_axis, self.slab_position, self.slab_thickness)

    @property
    def large(self) -> bool:
        return self.snapshot is not None and self.snapshot.n >= LARGE_N

    @param.depends("fields", "xi", "normalize", "one_minus", "opacity_field", watch=True)
    def _bump(self):
        """Bump ``values_version`` once per change of the shown values (a snapshot or time
        change sets several parameters; the views redraw once)."""
        if self.snapshot is not None:
            self.shown()
            key = (self.snapshot_version, self._shown_key)
            if key != self._bumped:
                self._bumped = key
                self.values_version += 1

    # -- selection and picking ------------------------------------------------------------
    def _visible_rows(self, rows: np.ndarray) -> np.ndarray:
        return rows[self.species_shown()[rows]]

    def select_box(self, x0, x1, y0, y1) -> None:
        self.selection = np.sort(self._visible_rows(self.plane().in_box(x0, x1, y0, y1)))

    def select_polygon(self, xs, ys) -> None:
        self.selection = np.sort(self._visible_rows(self.plane().in_polygon(xs, ys)))

    def clear_selection(self) -> None:
        self.selection = np.zeros(0, dtype=np.int64)

    def pick_at(self, x: float, y: float) -> None:
        """Pick the shown particle nearest to (x, y) in the plane (periodic)."""
        plane = self.plane()
        self.picked = plane.nearest(x, y, among=self.species_shown()[plane.rows])

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
        from glassviz.app.plane import AXES

        pos = self.snapshot.positions[row]
        if self.snapshot.dim == 2:
            return float(pos[0]), float(pos[1])
        a, b = [k for k in range(3) if AXES[k] != self.slab_axis]
        return float(pos[a]), float(pos[b])

    def _segments(self, i: np.ndarray, j: np.ndarray) -> dict:
        """Segments from particle i to the minimum image of j, in plane coordinates."""
        from glassviz.app.plane import AXES
        from glassviz.snapshot import minimum_image

        snap = self.snapshot
        axes = [0, 1] if snap.dim == 2 else [k for k in range(3) if AXES[k] != self.slab_axis]
        d = minimum_image(snap.h, snap.positions[j] - snap.positions[i])
        start = snap.positions[i][:, axes]
        end = start + d[:, axes]
        return dict(x0=start[:, 0], y0=start[:, 1], x1=end[:, 0], y1=end[:, 1])

    def bonds(self, name: str) -> dict:
        """Bonds of an ``edge_change@MODEL`` view: the model's graph pairs (i < j) with both ends
        in the slab, with the predicted pair-distance change Δr̂_ij (mean of both directions)."""
        self.raw(name)
        pred = self._ctx.cache[("prediction", name.split("@", 1)[1])]
        g = pred.graph
        real = g.senders != g.receivers
        lo = np.minimum(g.senders[real], g.receivers[real]).astype(np.int64)
        hi = np.maximum(g.senders[real], g.receivers[real]).astype(np.int64)
        # both directed edges of a pair carry it: average them
        pairs, inverse = np.unique(lo * g.n + hi, return_inverse=True)
        v = np.bincount(inverse, weights=pred.edges[real]) / np.bincount(inverse)
        i, j = pairs // g.n, pairs % g.n
        inslab = np.zeros(self.snapshot.n, dtype=bool)
        inslab[self.plane().rows] = True
        keep = inslab[i] & inslab[j]
        i, j, v = i[keep], j[keep], v[keep]
        seg = self._segments(i, j)
        seg["v"] = v.astype(np.float64)
        return seg

    def attention_edges(self, name: str) -> dict:
        """Edges of the picked particle j in an ``attention@MODEL`` view: to each neighbour i
        that attends to it, with the weight α_ij (mean over layers and heads) as the width."""
        empty = dict(x0=[], y0=[], x1=[], y1=[], w=[])
        if self.picked is None:
            return empty
        self.raw(name)
        att = self._ctx.cache[("attention", name.split("@", 1)[1])]
        g = att.graph
        out = np.flatnonzero((g.senders == self.picked) & (g.receivers != self.picked))
        if len(out) == 0:
            return empty
        alpha = att.coefficients.mean(axis=(0, 2))[out]
        seg = self._segments(g.senders[out], g.receivers[out])
        seg["w"] = np.clip(40.0 * alpha, 0.5, 10.0)
        seg["alpha"] = alpha
        return seg

    # -- compare --------------------------------------------------------------------------
    def correlations(self):
        """Correlation matrix of the shown fields (DataFrame), with the species filter and,
        when asked, only the selection."""
        from glassviz.analysis import correlation_table

        values = {n: v for n, v in self.shown().items() if n in self.fields}
        if not values:
            return None
        mask = self.species_shown()
        if self.corr_selection_only and len(self.selection):
            sel = np.zeros(self.snapshot.n, dtype=bool)
            sel[self.selection] = True
            mask &= sel
        return correlation_table(values, method=self.corr_method, mask=mask)

    # -- tables ---------------------------------------------------------------------------
    def table(self):
        """Per-particle table (DESIGN columns) of the shown values."""
        from glassviz.io.tables import particle_table

        return particle_table(self.snapshot, {n: v for n, v in self.shown().items() if n in self.fields})

    def table_bytes(self, ext: str) -> bytes:
        """The table as CSV, Parquet or extended XYZ bytes."""
        import io

        from glassviz.io.tables import extxyz_text

        table = self.table()
        if ext == ".csv":
            return table.to_csv(index=False, float_format="%.10g").encode()
        if ext == ".parquet":
            buf = io.BytesIO()
            table.to_parquet(buf, index=False)
            return buf.getvalue()
        if ext == ".extxyz":
            return extxyz_text(self.snapshot, {n: v for n, v in self.shown().items() if n in self.fields}).encode()
        raise GlassvizError(f"unknown table format {ext!r}")

    # -- figure ---------------------------------------------------------------------------
    def figure_spec(self):
        """What ``glassviz export`` needs to draw the same figure as the dashboard."""
        from glassviz.app.figure import FigureSpec

        return FigureSpec(fields=list(self.fields), xi=self.xi, normalize=self.normalize,
                          one_minus=list(self.one_minus), time=self.time, slab=self.slab(), cmap=self.cmap,
                          clim=tuple(self.clim), opacity_field=None if self.opacity_field == "none" else
                          self.opacity_field, species=None if self.species == "all" else self.species)

    def export_figure(self, path: str) -> str:
        from glassviz.app.figure import render

        return render(self.snapshot, self.shown(), self.figure_spec(), path)

    # -- shell ablation -------------------------------------------------------------------
    def start_ablation(self) -> bool:
        """Start the shell ablation of the picked particle in a worker thread."""
        from glassviz.app.jobs import AblationJob

        if self.picked is None:
            self.message = "pick a particle first (click it in any 2D view)"
            return False
        if self.ablation_model is None:
            self.message = "no propensity model fits this snapshot"
            return False
        if self._job is not None and self._job.running:
            return False
        self._job = AblationJob(self.ablation_model, self.snapshot, self.picked, self.ablation_delta)
        self.ablation_result = None
        self.shells = None
        self.ablation_progress = 0.0
        self.ablation_status = "building the graph"
        self._job.start()
        return True

    def poll_ablation(self) -> bool:
        """Copy the worker's progress into the store (called from the page's event loop);
        True while the job runs."""
        job = self._job
        if job is None:
            return False
        snap = job.snapshot_state()
        if job.snapshot is not self.snapshot:
            return snap["running"]
        if snap["shells"] is not None and self.shells is None:
            self.shells = snap["shells"]
        if snap["result"] != self.ablation_result:
            self.ablation_result = snap["result"]
        self.ablation_progress = snap["progress"]
        self.ablation_status = snap["status"]
        if snap["error"]:
            self.message = f"error: {snap['error']}"
        return snap["running"]

    def wait_ablation(self, timeout: float = 600.0) -> None:
        if self._job is not None:
            self._job.join(timeout)
            self.poll_ablation()

    def header(self) -> dict:
        snap = self.snapshot
        system = snap.system()
        return {"file": os.path.basename(snap.source or ""), "system": system.name if system else "unknown",
                "N": snap.n, "dim": snap.dim, "box": " × ".join(f"{x:.4g}" for x in snap.heights),
                "T": snap.temperature, "frames": self.param.frame.bounds[1] + 1, "frame": self.frame}

    # -- end of the session ---------------------------------------------------------------
    def close(self) -> None:
        """Free what this session holds: the snapshot and its cached fields, predictions and
        plane, the in-memory sources, the shell-ablation job (stopped at its next stage) and
        the upload folder with its files.  Called when the browser session ends; the store
        shows nothing afterwards."""
        import shutil

        if self._job is not None:
            self._job.cancel()
        self._job = None
        self.snapshot = None
        self._raw, self._shown, self._shown_key = {}, {}, None
        self._ctx = self._plane = self._plane_key = self._pending = None
        self._objects = {}
        self._cards = None
        if self.upload_dir is not None:
            shutil.rmtree(self.upload_dir, ignore_errors=True)
            self.upload_dir = None
