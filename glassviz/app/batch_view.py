"""The Batch tab: ``glassviz correlate`` from the dashboard (Oyama et al. 2023, Fig. 3: the
distribution over snapshots of each pair's correlation coefficient; Fig. 4: a coefficient
against time along one trajectory).

It runs over the open files (grouped by file or by temperature) or over the frames of the shown
trajectory (``START:STOP:STEP``), on the fields chosen here, processed as the sidebar says
(ξ, normalisation, 1 − X) and over the species filter.  The job runs in a worker thread
(:class:`glassviz.app.batch_job.CorrelationBatch`); a periodic callback copies its progress to
the page, which keeps answering.  When it ends, the tab shows the violin figure (or the
coefficients against time), the mean ± std per pair and group, and offers the table (CSV) and
the figure (PDF) for download.
"""

from __future__ import annotations

import io

import panel as pn
import param

from glassviz.app.document import on_document
from glassviz.app.labels import state_label
from glassviz.app.state import Session

POLL_MS = 300
OVER = ("open files", "frames of the shown file")


class BatchPanel(pn.viewable.Viewer):
    """The Batch tab of one session."""

    session = param.ClassSelector(class_=Session, doc="the session whose files are analysed")

    def __init__(self, **params):
        super().__init__(**params)
        session = self.session
        self.over = pn.widgets.RadioButtonGroup(name="over", options=list(OVER), value=OVER[0])
        self.frames = pn.widgets.TextInput(name="frames", placeholder="all, or START:STOP:STEP", width=300)
        self.fields = pn.widgets.MultiChoice(name="fields (two or more)", options=[], width=300,
                                             css_classes=["gv-batch-fields"])
        self.group_by = pn.widgets.Select(name="groups", options=["file", "temperature"], value="file", width=300)
        self.method = pn.widgets.RadioButtonGroup(name="method", options=["pearson", "spearman"], value="pearson")
        self.run = pn.widgets.Button(name="Run batch", button_type="primary", css_classes=["gv-batch-run"])
        self.cancel = pn.widgets.Button(name="Cancel", disabled=True, css_classes=["gv-batch-cancel"])
        self.progress = pn.indicators.Progress(value=0, max=100, width=300, bar_color="primary",
                                               css_classes=["gv-batch-progress"])
        self.status = pn.pane.HTML("", css_classes=["gv-batch-status"])
        self.figure = pn.pane.PNG(None, width=520, css_classes=["gv-batch-figure"])
        self.summary = pn.pane.HTML("", css_classes=["gv-batch-summary"])
        self.table_download = pn.widgets.FileDownload(callback=self._table_csv, filename="correlations.csv",
                                                      label="table (.csv)", disabled=True)
        self.figure_download = pn.widgets.FileDownload(callback=self._figure_pdf, filename="correlations.pdf",
                                                       label="figure (.pdf)", disabled=True)
        self.run.on_click(on_document(self.start))
        self.cancel.on_click(on_document(self.stop))
        self._job = None
        self._callback = None
        self._table = None
        self._settings = None
        self._layout = pn.Row(
            pn.Column(self.over, self.frames, self.fields, self.group_by, self.method, pn.Row(self.run, self.cancel),
                      self.progress, self.status, width=330),
            pn.Column(self.figure, self.summary, pn.Row(self.table_download, self.figure_download)),
            name="Batch", css_classes=["gv-batch"])
        self.refresh_fields()
        session.files.param.watch(lambda *e: self.refresh_fields(), ["path"])
        session.choice.param.watch(lambda *e: self.refresh_fields(), ["fields", "time"])

    def __panel__(self):
        return self._layout

    # -- choices -----------------------------------------------------------------------
    def refresh_fields(self) -> None:
        """Offer the fields of the shown snapshot; keep the user's choice where it still applies."""
        s = self.session
        if s.snapshot is None:
            return
        options = s.available_fields()
        keep = [f for f in self.fields.value if f in options]
        self.fields.options = options
        self.fields.value = keep or [f for f in s.fields if f in options]

    def sources(self) -> tuple[list, str | None]:
        """(sources, frames) the job runs over."""
        s = self.session
        frames = self.frames.value.strip() or None
        listed = s.files.listed()
        if self.over.value == OVER[1]:
            return [dict(listed)[s.files.path]], frames
        return [source for _, source in listed], frames

    def options(self) -> dict:
        """Field processing, particle sizes and correlation settings: the sidebar's, and this
        tab's method."""
        c, sizes = self.session.choice, self.session.sizes
        return {"xi": c.xi, "normalize": c.normalize, "one_minus": [f for f in c.one_minus if f in self.fields.value],
                "species": None if c.species == "all" else c.species, "method": self.method.value, "time": c.time,
                "system": sizes.system_name, "sigma": sizes.matrix}

    # -- the job -----------------------------------------------------------------------
    def start(self) -> None:
        from glassviz.app.batch_job import CorrelationBatch
        from glassviz.errors import GlassvizError

        if self._job is not None and self._job.running:
            return
        try:
            sources, frames = self.sources()
            options = self.options()
            self._job = CorrelationBatch(sources, list(self.fields.value), frames=frames,
                                         group_by=self.group_by.value, **options)
        except GlassvizError as exc:
            self.status.object = f"<div class='gv-message'>error: {exc}</div>"
            return
        self._settings = options
        self._table = None
        self.figure.object = None
        self.summary.object = ""
        self.table_download.disabled = self.figure_download.disabled = True
        self.run.disabled, self.cancel.disabled = True, False
        self._job.start()
        self._callback = pn.state.add_periodic_callback(self.poll, period=POLL_MS)

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def poll(self) -> None:
        """Copy the job's progress onto the page (the page's event loop); draw when it ends."""
        job = self._job
        if job is None:
            return
        st = job.state()
        self.progress.value = round(100 * st["progress"])
        skipped = "".join(f"<div class='gv-message'>skipped: {line}</div>" for line in st["skipped"])
        error = f"<div class='gv-message'>error: {st['error']}</div>" if st["error"] else ""
        self.status.object = f"<div class='gv-status'>{st['status']}</div>{error}{skipped}"
        if st["running"]:
            return
        if self._callback is not None:
            self._callback.stop()
            self._callback = None
        self.run.disabled, self.cancel.disabled = False, True
        if st["done"]:
            self.show(job.table())

    def wait(self, timeout: float = 600.0) -> None:
        """Wait for the job and show its result (tests, notebooks)."""
        if self._job is not None:
            self._job.join(timeout)
            self.poll()

    # -- results -----------------------------------------------------------------------
    def show(self, table) -> None:
        from glassviz.analysis.snapshot_correlations import summary
        from glassviz.analysis.violins import figure_bytes, pair_label

        self._table = table
        opts = self._settings
        self.figure.object = figure_bytes(table, "png", one_minus=opts["one_minus"], method=opts["method"], dpi=150)
        stats = summary(table)
        rows = "".join(f"<tr><td>{pair_label(pair, opts['one_minus'])}</td><td>{group}</td>"
                       f"<td>{r['mean']:+.3f} ± {r['std']:.3f}</td><td>{r['count']}</td></tr>"
                       for (pair, group), r in stats.iterrows())
        species = "all particles" if opts["species"] is None else f"species {opts['species']}"
        self.summary.object = (f"<div class='gv-batch-note'>{opts['method'].capitalize()} coefficient per snapshot over {species}; "
                               f"fields {state_label(opts['xi'], opts['normalize'], False)}</div>"
                               f"<table class='gv-batch-table'><tr><th>pair</th><th>group</th><th>mean ± std</th>"
                               f"<th>snapshots</th></tr>{rows}</table>")
        self.table_download.disabled = self.figure_download.disabled = False

    @property
    def table(self):
        """The last finished run's table (None before)."""
        return self._table

    def _table_csv(self):
        buf = io.BytesIO()
        if self._table is not None:
            self._table.to_csv(buf, index=False)
        buf.seek(0)
        return buf

    def _figure_pdf(self):
        from glassviz.analysis.violins import figure_bytes

        if self._table is None:
            return io.BytesIO()
        opts = self._settings
        return io.BytesIO(figure_bytes(self._table, "pdf", one_minus=opts["one_minus"], method=opts["method"]))
