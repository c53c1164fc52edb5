"""Shell ablation of the picked particle (Bapst et al. 2020, Fig. 4): its hop shells in the
model's graph, then the prediction versus n for both modes (keep shells <= n; stretch shells > n
by delta), drawn as each mode finishes.  The job runs in a worker thread; a periodic callback
on the page copies its progress into the store, so the page stays responsive."""

from __future__ import annotations

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource, LinearColorMapper, Span
from bokeh.plotting import figure

from glassviz.app.document import on_document
from glassviz.app.state import Session
from glassviz.app.views2d import VIEW_PX, FieldGrid, palette

POLL_MS = 250


class AblationPanel(pn.viewable.Viewer):
    """The Shell ablation tab: picked particle, model and δ, run button, curves and shells."""

    session = param.ClassSelector(class_=Session, doc="the session whose picked particle is ablated")
    grid = param.ClassSelector(class_=FieldGrid, doc="the 2D views (their particle source draws the shells)")

    def __init__(self, **params):
        super().__init__(**params)
        session, grid = self.session, self.grid
        self.run = pn.widgets.Button(name="Run shell ablation", button_type="primary", css_classes=["gv-ablate"])
        self.run.on_click(on_document(self.start))
        self.progress = pn.indicators.Progress(value=0, max=100, width=300, bar_color="primary",
                                               css_classes=["gv-ablation-progress"])
        self.status = pn.pane.HTML("", css_classes=["gv-ablation-status"])
        self.picked = pn.pane.HTML("", css_classes=["gv-picked"])
        params = pn.Param(session.ablation, parameters=["model", "delta"], show_name=False, width=300,
                          widgets={"model": {"type": pn.widgets.Select, "name": "ablation model"},
                                   "delta": {"type": pn.widgets.FloatSlider, "name": "ablation delta"}})
        self.curve = ColumnDataSource(dict(n=[], keep=[], stretch=[]))
        self.plot = figure(width=420, height=320, x_axis_label="shell n", y_axis_label="prediction for the particle",
                           tools="save", toolbar_location="above", min_border=4, x_range=(0.5, 7.5))
        self.plot.line("n", "keep", source=self.curve, color="#1f77b4", line_width=2, legend_label="keep shells ≤ n")
        self.plot.scatter("n", "keep", source=self.curve, color="#1f77b4", size=6)
        self.plot.line("n", "stretch", source=self.curve, color="#ff7f0e", line_width=2,
                       legend_label="stretch shells > n")
        self.plot.scatter("n", "stretch", source=self.curve, color="#ff7f0e", size=6, marker="square")
        self.full = Span(location=0, dimension="width", line_dash="dashed", line_color="black", visible=False)
        self.plot.add_layout(self.full)
        self.plot.legend.location = "top_right"
        self.shell_mapper = LinearColorMapper(palette=palette("tab10", 10), low=-0.5, high=9.5)
        self.shell_fig = figure(width=VIEW_PX, height=VIEW_PX, match_aspect=True, tools="pan,wheel_zoom,reset",
                                min_border=4, title="hop shells of the picked particle")
        self.shell_fig.xaxis.visible = self.shell_fig.yaxis.visible = False
        self.shell_fig.grid.visible = False
        # its own source: the 2D grid's holds no particles in the rasterised (large N) mode
        self.shell_source = ColumnDataSource({"x": [], "y": [], "r": [], "shell": []})
        self.shell_fig.circle("x", "y", radius="r", source=self.shell_source, line_color=None,
                              fill_color={"field": "shell", "transform": self.shell_mapper})
        self.shell_fig.scatter("x", "y", source=grid.pick_source, size=16, fill_color=None, line_color="#ff0066",
                               line_width=3)
        self.panel = pn.Row(pn.Column(self.picked, params, self.run, self.progress, self.status),
                            pn.pane.Bokeh(self.plot), pn.pane.Bokeh(self.shell_fig), name="Shell ablation",
                            css_classes=["gv-ablation"])
        self._callback = None
        self.update_picked()
        self.update_result()
        # drawn on the document's tick (glassviz.app.document): the changes arrive on pool threads
        picked, result, shells = on_document(self.update_picked), on_document(self.update_result), \
            on_document(self.update_shells)
        session.picks.param.watch(lambda *e: picked(), ["picked"])
        session.values.param.watch(lambda *e: picked(), ["version"])
        session.ablation.param.watch(lambda *e: result(), ["result", "progress", "status"])
        self.update_shells()
        session.ablation.param.watch(lambda *e: shells(), ["shells"])
        session.param.watch(lambda *e: shells(), ["snapshot_version"])
        session.display.param.watch(lambda *e: shells(), ["slab_axis", "slab_position", "slab_thickness"])

    def __panel__(self):
        return self.panel

    def start(self):
        if self.session.start_ablation() and self._callback is None:
            self.run.disabled = True
            self._callback = pn.state.add_periodic_callback(self.poll, period=POLL_MS)

    def poll(self):
        running = self.session.poll_ablation()
        if not running and self._callback is not None:
            self._callback.stop()
            self._callback = None
            self.run.disabled = False

    def update_picked(self):
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        if s.picks.picked is None or s.snapshot is None:
            self.picked.object = "<div>Click a particle in any 2D view to pick it.</div>"
            return
        info = s.particle_info(s.picks.picked)
        rows = "".join(f"<tr><td>{s.title(k) if k in s.choice.fields else k}</td><td>{v:.4g}</td></tr>"
                       for k, v in info.items() if k not in ("row", "id", "species", "x", "y", "z"))
        self.picked.object = (f"<div class='gv-picked-id'>picked particle id {info['id']} "
                              f"(species {info['species']})</div><table>{rows}</table>")

    def update_shells(self):
        """The slab's particles coloured by hop shell (NaN before a run); with N >= LARGE_N only
        those the shells reach, so the figure stays small."""
        if self.session.resetting:  # another configuration is being set up
            return
        from glassviz.app.plane import particle_radii

        s = self.session
        if s.snapshot is None:
            return
        plane = s.plane()
        rows = plane.rows
        shells = s.ablation.shells
        shell = shells[rows].astype(float) if shells is not None else np.full(len(rows), np.nan)
        keep = np.ones(len(rows), dtype=bool)
        if s.large:
            keep = shell >= 0  # NaN (no run yet) and -1 (unreachable) are left out
        self.shell_source.data = {"x": plane.xy[keep, 0], "y": plane.xy[keep, 1],
                                  "r": particle_radii(s.snapshot)[rows[keep]], "shell": shell[keep]}

    def update_result(self):
        s = self.session
        self.progress.value = int(round(100 * s.ablation.progress))
        self.status.object = f"<div class='gv-status'>{s.ablation.status}</div>" if s.ablation.status else ""
        r = s.ablation.result
        if not r:
            self.curve.data = dict(n=[], keep=[], stretch=[])
            self.full.visible = False
            return
        n = r["n"]
        nan = [float("nan")] * len(n)
        self.curve.data = dict(n=n, keep=r.get("keep", nan), stretch=r.get("stretch", nan))
        if "full" in r:
            self.full.location = r["full"]
            self.full.visible = True
        self.plot.title.text = f"particle {r['particle_id']} · {r['model']} · δ = {r['delta']:g}"
