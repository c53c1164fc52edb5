"""The export tab: the publication figure (:mod:`glassviz.app.figure`, the same as ``glassviz
export``) and the per-particle table of the shown values, as downloads."""

from __future__ import annotations

import io
import os
import tempfile

import panel as pn

from glassviz.app.state import Session


def export_panel(session: Session):
    fmt = pn.widgets.RadioButtonGroup(name="figure format", options=[".pdf", ".svg", ".png"], value=".pdf")

    def figure_bytes():
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "figure" + fmt.value)
            session.export_figure(path)
            with open(path, "rb") as fh:
                return io.BytesIO(fh.read())

    def stem():
        return os.path.splitext(os.path.basename(session.snapshot.source or "snapshot"))[0]

    fig_dl = pn.widgets.FileDownload(callback=figure_bytes, filename=f"{stem()}_figure.pdf",
                                     label="Download figure", button_type="success", css_classes=["gv-export-figure"])
    fmt.param.watch(lambda *e: setattr(fig_dl, "filename", f"{stem()}_figure{fmt.value}"), "value")
    tfmt = pn.widgets.RadioButtonGroup(name="table format", options=[".csv", ".parquet", ".extxyz"], value=".csv")
    tab_dl = pn.widgets.FileDownload(callback=lambda: io.BytesIO(session.table_bytes(tfmt.value)),
                                     filename=f"{stem()}_fields.csv", label="Download per-particle table",
                                     css_classes=["gv-export-table"])
    tfmt.param.watch(lambda *e: setattr(tab_dl, "filename", f"{stem()}_fields{tfmt.value}"), "value")

    def rename(*_):
        fig_dl.filename = f"{stem()}_figure{fmt.value}"
        tab_dl.filename = f"{stem()}_fields{tfmt.value}"

    session.param.watch(rename, ["snapshot_version"])
    note = pn.pane.HTML("<div>The figure holds the chosen views as panels (a), (b), … with colour bars, "
                        "as shown (processing, colour map and range, opacity, species, slab); "
                        "<code>glassviz export</code> makes the same figure on the command line. "
                        "PNG is written at 300 dpi.</div>", width=420)
    return pn.Column(pn.pane.HTML("<b>publication figure</b>"), fmt, fig_dl,
                     pn.pane.HTML("<b>per-particle table</b> (shown values)"), tfmt, tab_dl, note, name="Export")
