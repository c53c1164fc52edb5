"""The grid of linked 2D views: one Bokeh figure per chosen field, all drawing one shared
ColumnDataSource (the particles of the slab), so a box or lasso selection in one view is the
selection of every view; the store keeps the selection as snapshot rows for the 3D scene, the
correlations and the ablation.

* discs of the species' size coloured by the shown value, a colour bar, a header saying what is
  shown and how it was processed (raw / coarse-grained / normalised / 1 - X) and how many
  particles are selected;
* hover: id, species and every chosen field's value;
* tap: the nearest particle (periodic) is picked and ringed in every view;
* ``edge_change@`` views draw the model's pair-distance changes as bonds; ``attention@`` views
  draw the edges of the picked particle, width and colour by the attention it receives;
* N >= 10^5: each view is a datashader raster (mean of the field per pixel) redrawn on zoom;
  picking and box/lasso selection go through the same store methods.
"""

from __future__ import annotations

import functools
import html

import numpy as np
import panel as pn
import param
from bokeh.events import RangesUpdate, SelectionGeometry, Tap
from bokeh.models import (
    BoxSelectTool,
    ColorBar,
    ColumnDataSource,
    HoverTool,
    LassoSelectTool,
    LinearColorMapper,
    TapTool,
)
from bokeh.plotting import figure

from glassviz.app.document import on_document
from glassviz.app.plane import particle_radii
from glassviz.app.state import Session
from glassviz.fields.names import FieldName

VIEW_PX = 330
RASTER_PX = 400


@functools.lru_cache(maxsize=32)
def palette(cmap: str, n: int = 256) -> tuple:
    """Hex colours of a matplotlib colour map (the figure export uses the same maps)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return tuple(to_hex(cm(k / (n - 1))) for k in range(n))


class FieldView:
    """One field's figure (bokeh) and header (HTML)."""

    def __init__(self, grid: FieldGrid, name: str):
        self.grid, self.name = grid, name
        s = grid.session
        x0, x1, y0, y1 = s.plane().extent
        self.mapper = LinearColorMapper(palette=palette(s.display.cmap), low=0, high=1, nan_color="#bbbbbb")
        fig = figure(width=VIEW_PX, height=VIEW_PX, match_aspect=True, x_range=(x0, x1), y_range=(y0, y1),
                     tools="pan,wheel_zoom,reset,save", toolbar_location="above", output_backend="canvas",
                     min_border=4)
        fig.xaxis.visible = fig.yaxis.visible = False
        fig.grid.visible = False
        box, lasso = BoxSelectTool(continuous=False), LassoSelectTool(continuous=False)
        fig.add_tools(box, lasso, TapTool(behavior="inspect"))
        fig.toolbar.active_drag = box
        field = FieldName.parse(name)
        self.kind = field.kind if field.is_model else None
        if self.kind == "edge_change" and not s.large:
            self.bonds = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], v=[]))
            self.bond_mapper = LinearColorMapper(palette=palette("coolwarm"), low=-0.1, high=0.1)
            fig.segment("x0", "y0", "x1", "y1", source=self.bonds, line_width=2.5,
                        line_color={"field": "v", "transform": self.bond_mapper})
        self.edges = None
        if s.large:
            self.image = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
            fig.image_rgba("image", "x", "y", "dw", "dh", source=self.image)
            # an empty glyph renderer for the selection tools to act on (geometry events)
            self.renderer = fig.scatter([], [], size=0)
        else:
            col = grid.column(name)
            alpha = 0.55 if self.kind == "edge_change" else "alpha"
            self.renderer = fig.circle("x", "y", radius="r", source=grid.source, line_color=None,
                                       fill_color={"field": col, "transform": self.mapper}, fill_alpha=alpha,
                                       nonselection_fill_alpha=0.12, selection_fill_alpha=alpha,
                                       selection_line_color="black", selection_line_width=0.6)
            fig.add_tools(HoverTool(renderers=[self.renderer], tooltips=grid.tooltips()))
        if self.kind == "attention" and not s.large:
            self.edges = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], w=[]))
            fig.segment("x0", "y0", "x1", "y1", source=self.edges, line_width="w", line_color="#d62728",
                        line_alpha=0.9)
        fig.scatter("x", "y", source=grid.pick_source, size=16, marker="circle", fill_color=None,
                    line_color="#ff0066", line_width=3)
        fig.add_layout(ColorBar(color_mapper=self.mapper, width=10, padding=3, margin=2), "right")
        fig.on_event(SelectionGeometry, self._on_geometry)
        fig.on_event(Tap, self._on_tap)
        if s.large:
            fig.on_event(RangesUpdate, self._on_ranges)
        self.figure = fig
        self.header = pn.pane.HTML("", css_classes=["gv-view-header"], margin=(2, 4), width=VIEW_PX)
        self.pane = pn.pane.Bokeh(fig, margin=0)
        self.panel = pn.Column(self.header, self.pane, css_classes=["gv-view", "gv-view2d"], margin=4,
                               name=name)

    # -- events -> store -------------------------------------------------------------------
    def _on_geometry(self, event):
        if not event.final:
            return
        geom = event.geometry or {}
        s = self.grid.session
        if geom.get("type") == "rect":
            s.select_box(geom["x0"], geom["x1"], geom["y0"], geom["y1"])
        elif geom.get("type") == "poly":
            s.select_polygon(geom["x"], geom["y"])

    def _on_tap(self, event):
        if event.x is not None and event.y is not None:
            self.grid.session.pick_at(event.x, event.y)

    def _on_ranges(self, event):
        self.raster((event.x0, event.x1, event.y0, event.y1))

    # -- store -> figure -------------------------------------------------------------------
    def update(self):
        s = self.grid.session
        lo, hi = s.color_range(self.name)
        self.mapper.update(palette=palette(s.display.cmap), low=lo, high=hi)
        if s.large:
            self.raster()
        if self.kind == "edge_change" and not s.large and not s.field_error(self.name):
            b = s.bonds(self.name)
            if len(b["v"]):
                lim = float(np.percentile(np.abs(b["v"]), 98)) or 1.0
                self.bond_mapper.update(low=-lim, high=lim)
            self.bonds.data = b
        self.update_header()

    def update_header(self):
        s = self.grid.session
        error = s.field_error(self.name)
        if error:
            # this field cannot be computed for this file: say why here, the other views work
            self.header.object = (f"<div class='gv-title'><b>{s.title(self.name)}</b></div>"
                                  f"<div class='gv-field-error'>{html.escape(error)}</div>")
            return
        sel = len(s.picks.selection)
        extra = " · bonds: raw Δr̂ᵢⱼ (blue −, red +)" if self.kind == "edge_change" else ""
        if self.kind == "attention":
            extra = " · picked particle's edges: attention" if s.picks.picked is not None else ""
        self.header.object = (f"<div class='gv-title'><b>{s.title(self.name)}</b></div>"
                              f"<div class='gv-state'>{s.state(self.name)}{extra} · "
                              f"<span class='gv-selcount'>{sel} selected</span></div>")

    def update_edges(self):
        if self.edges is not None and not self.grid.session.field_error(self.name):
            self.edges.data = self.grid.session.attention_edges(self.name)

    def raster(self, ranges=None):
        """Datashader image of the field (mean per pixel) and of the selection."""
        import datashader as ds
        import datashader.transfer_functions as tf
        import pandas as pd

        s = self.grid.session
        plane = s.plane()
        x0, x1, y0, y1 = ranges or plane.extent
        if self.name not in s.shown():
            self.image.data = {"image": [], "x": [], "y": [], "dw": [], "dh": []}
            return
        values = s.shown()[self.name][plane.rows]
        keep = s.species_shown()[plane.rows]
        df = pd.DataFrame({"x": plane.xy[keep, 0], "y": plane.xy[keep, 1], "v": values[keep]})
        w = RASTER_PX
        h = max(int(round(w * (y1 - y0) / (x1 - x0))), 1)
        cvs = ds.Canvas(plot_width=w, plot_height=h, x_range=(x0, x1), y_range=(y0, y1))
        lo, hi = self.mapper.low, self.mapper.high
        # one pixel per particle centre, spread to the particle's size (sigma ~ 1) when zoomed in
        px = int(min(10, round(0.5 / ((x1 - x0) / w))))
        img = tf.shade(cvs.points(df, "x", "y", ds.mean("v")), cmap=list(palette(s.display.cmap)), span=(lo, hi), how="linear")
        if px > 0:
            img = tf.spread(img, px=px, shape="circle")
        if len(s.picks.selection):
            sel = np.zeros(s.snapshot.n, dtype=bool)
            sel[s.picks.selection] = True
            on = sel[plane.rows] & keep
            agg = cvs.points(pd.DataFrame({"x": plane.xy[on, 0], "y": plane.xy[on, 1]}), "x", "y", ds.count())
            mark = tf.shade(agg, cmap=["#000000"], alpha=140)
            img = tf.stack(img, tf.spread(mark, px=px, shape="circle") if px > 0 else mark)
        rgba = np.ascontiguousarray(img.to_numpy()).view(np.uint32).reshape(h, w)
        self.image.data = dict(image=[rgba], x=[x0], y=[y0], dw=[x1 - x0], dh=[y1 - y0])


class FieldGrid(pn.viewable.Viewer):
    """All 2D views of one session, kept in step with its stores."""

    session = param.ClassSelector(class_=Session, doc="the session the views show")

    def __init__(self, **params):
        super().__init__(**params)
        session = self.session
        self.source = ColumnDataSource(dict(x=[], y=[]))
        self.pick_source = ColumnDataSource(dict(x=[], y=[]))
        self.views: dict[str, FieldView] = {}
        self._columns: dict[str, str] = {}
        self.layout = pn.FlexBox(sizing_mode="stretch_width", css_classes=["gv-grid"])
        self.rebuild()
        # drawn on the document's tick (glassviz.app.document): the changes arrive on pool threads
        rebuild, refresh = on_document(self.rebuild), on_document(self.refresh)
        replane, selection, pick = on_document(self.replane), on_document(self.show_selection), on_document(self.show_pick)
        session.param.watch(lambda *e: rebuild(), ["snapshot_version"])
        session.choice.param.watch(lambda *e: rebuild(), ["fields"])
        session.values.param.watch(lambda *e: refresh(), ["version"])
        session.display.param.watch(lambda *e: refresh(), ["cmap", "clim"])
        session.choice.param.watch(lambda *e: refresh(), ["species"])
        session.display.param.watch(lambda *e: replane(), ["slab_axis", "slab_position", "slab_thickness"])
        session.picks.param.watch(lambda *e: selection(), ["selection"])
        session.picks.param.watch(lambda *e: pick(), ["picked"])

    def __panel__(self):
        return self.layout

    def column(self, name: str) -> str:
        if name not in self._columns:
            self._columns[name] = f"f{len(self._columns)}"
        return self._columns[name]

    def tooltips(self):
        s = self.session
        tips = [("id", "@id"), ("species", "@species")]
        tips += [(s.title(n).split("  ")[0] + " " + n, "@" + self.column(n) + "{0.0000}") for n in s.choice.fields]
        return tips

    def rebuild(self):
        """New figures for a new snapshot or a new set of fields."""
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        self.views = {}
        self._columns = {}
        if s.snapshot is None:
            self.layout.objects = []
            return
        for n in s.choice.fields:
            self.column(n)
        self._fill_source()
        self.views = {n: FieldView(self, n) for n in s.choice.fields}
        for v in self.views.values():
            v.update()
            v.update_edges()
        self.show_pick()
        self.layout.objects = [v.panel for v in self.views.values()]

    def _fill_source(self):
        s = self.session
        if s.large:
            self.source.data = dict(x=[], y=[])
            return
        plane = s.plane()
        rows = plane.rows
        snap = s.snapshot
        data = dict(x=plane.xy[:, 0], y=plane.xy[:, 1], r=particle_radii(snap)[rows], row=rows,
                    id=snap.ids[rows], species=np.asarray(snap.labels)[rows].astype(str),
                    alpha=self._alpha(rows))
        shown = s.shown()
        for n in s.choice.fields:
            data[self.column(n)] = shown[n][rows] if n in shown else np.full(len(rows), np.nan)
        self.source.data = data
        self.show_selection()

    def _alpha(self, rows):
        s = self.session
        return np.where(s.species_shown()[rows], s.alpha()[rows], 0.0)

    def refresh(self):
        """Shown values, colours, opacity or species filter changed."""
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        if s.snapshot is None or set(self.views) != set(s.choice.fields) or getattr(self, "_pending", False):
            return
        if not s.large:
            rows = s.plane().rows
            shown = s.shown()
            patch = {self.column(n): shown[n][rows] for n in s.choice.fields if n in shown}
            patch["alpha"] = self._alpha(rows)
            self.source.data.update(patch)
        for v in self.views.values():
            v.update()

    def replane(self):
        if self.session.resetting:  # another configuration is being set up
            return
        if self.session.snapshot is None or getattr(self, "_pending", False):
            return
        self._fill_source()
        for v in self.views.values():
            if self.session.large:
                v.raster()
            else:
                v.update()
            v.update_edges()
        self.show_pick()

    def show_selection(self):
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        if not s.large:
            rows = np.asarray(self.source.data.get("row", []))
            idx = np.flatnonzero(np.isin(rows, s.picks.selection)) if len(s.picks.selection) else []
            self.source.selected.indices = [int(i) for i in idx]
        for v in self.views.values():
            if s.large:
                v.raster()
            v.update_header()

    def show_pick(self):
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        if s.picks.picked is None or s.snapshot is None:
            self.pick_source.data = dict(x=[], y=[])
        else:
            x, y = s.plane_xy(s.picks.picked)
            self.pick_source.data = dict(x=[x], y=[y])
        for v in self.views.values():
            v.update_edges()
            v.update_header()
