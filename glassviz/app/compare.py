"""Compare indicators: the correlation matrix of the shown fields (Pearson or Spearman, with
the species filter, optionally the selection only; Oyama et al. 2023 Fig. 3) and a scatter of
any two fields, the selection highlighted."""

from __future__ import annotations

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource, LinearColorMapper
from bokeh.plotting import figure

from glassviz.app.document import on_document
from glassviz.app.state import Session
from glassviz.app.views2d import palette
from glassviz.fields.names import FieldName

SCATTER_MAX = 20_000  # particles drawn in the scatter; more are subsampled at random (fixed seed)


class ComparePanel(pn.viewable.Viewer):
    """The Compare tab: settings, correlation matrix and scatter plot."""

    session = param.ClassSelector(class_=Session, doc="the session compared")

    def __init__(self, **params):
        super().__init__(**params)
        session = self.session
        self.matrix_source = ColumnDataSource(dict(a=[], b=[], c=[], text=[]))
        self.matrix = figure(width=420, height=380, tools="hover", toolbar_location=None, x_range=[""],
                             y_range=[""], tooltips=[("pair", "@a · @b"), ("C", "@c{0.000}")], min_border=4)
        self.mapper = LinearColorMapper(palette=palette("RdBu_r"), low=-1, high=1)
        self.matrix.rect("a", "b", 1, 1, source=self.matrix_source, line_color="white",
                         fill_color={"field": "c", "transform": self.mapper})
        self.matrix.text("a", "b", text="text", source=self.matrix_source, text_align="center",
                         text_baseline="middle", text_font_size="10pt")
        self.matrix.xaxis.major_label_orientation = 0.8
        self.scatter_source = ColumnDataSource(dict(x=[], y=[], sel=[]))
        self.scatter = figure(width=380, height=380, tools="pan,wheel_zoom,reset,save", min_border=4)
        self.scatter.scatter("x", "y", source=self.scatter_source, size=3, alpha=0.35, color="#1f77b4")
        self.sel_source = ColumnDataSource(dict(x=[], y=[]))
        self.scatter.scatter("x", "y", source=self.sel_source, size=4, alpha=0.9, color="#d62728")
        self.info = pn.pane.HTML("", css_classes=["gv-compare-info"])
        widgets = pn.Param(session.compare, parameters=["corr_method", "species", "corr_selection_only", "scatter_x",
                                                       "scatter_y"],
                           show_name=False, widgets={"corr_method": pn.widgets.RadioButtonGroup,
                                    "species": {"type": pn.widgets.RadioButtonGroup, "name": "species correlated"}}, width=300)
        self.panel = pn.Row(pn.Column(widgets, self.info), pn.pane.Bokeh(self.matrix), pn.pane.Bokeh(self.scatter),
                            name="Compare", css_classes=["gv-compare"])
        self.update()
        draw = on_document(self.update)  # glassviz.app.document: drawn on the document's tick
        update = lambda *e: draw()
        session.values.param.watch(update, ["version"])
        session.compare.param.watch(update, ["corr_method", "species", "corr_selection_only", "scatter_x",
                                             "scatter_y"])
        session.picks.param.watch(update, ["selection"])

    def __panel__(self):
        return self.panel

    def update(self):
        if self.session.resetting:  # another configuration is being set up
            return
        s = self.session
        if s.snapshot is None:
            return
        table = s.correlations()
        if table is not None:
            labels = [s.title(n).split("  ")[0] + " " + (FieldName.parse(n).model or n)[:18] for n in table.index]
            a, b, c = [], [], []
            for i, li in enumerate(labels):
                for j, lj in enumerate(labels):
                    a.append(li)
                    b.append(lj)
                    c.append(float(table.iloc[i, j]))
            self.matrix.x_range.factors = labels
            self.matrix.y_range.factors = labels[::-1]
            self.matrix_source.data = dict(a=a, b=b, c=c, text=[f"{v:+.2f}" for v in c])
        shown = s.shown()
        mask = s.correlation_mask()
        n_used = int(mask.sum())
        if s.compare.scatter_x in shown and s.compare.scatter_y in shown:
            rows = np.flatnonzero(s.compare.species_mask(s.snapshot))
            if len(rows) > SCATTER_MAX:
                rows = np.sort(np.random.default_rng(0).choice(rows, SCATTER_MAX, replace=False))
            x, y = shown[s.compare.scatter_x], shown[s.compare.scatter_y]
            self.scatter_source.data = dict(x=x[rows], y=y[rows], sel=np.zeros(len(rows)))
            sel = s.picks.selection[mask[s.picks.selection]] if len(s.picks.selection) else s.picks.selection
            self.sel_source.data = dict(x=x[sel], y=y[sel])
            self.scatter.xaxis.axis_label = s.title(s.compare.scatter_x)
            self.scatter.yaxis.axis_label = s.title(s.compare.scatter_y)
        self.info.object = (f"<div class='gv-compare-what'>{s.compare.describe(s.snapshot, n_used)}</div>"
                            f"<div>values as shown ({s.state('')}).</div>")
        self.matrix.title.text = s.compare.describe(s.snapshot, n_used)
