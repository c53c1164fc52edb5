"""Assembles the dashboard of one browser session: header, controls, the 2D grid and the 3D
scene, and the compare / shell-ablation / export tabs.  Every session builds its own store and
views here, so two sessions never share files, selections or jobs."""

from __future__ import annotations

import html
import io
import os
import tempfile

import panel as pn

from glassviz.app.state import Session, demo_files

CSS = """
.gv-title { font-size: 13px; }
.gv-state { font-size: 11px; color: #555; }
.gv-header { font-size: 14px; }
.gv-message { color: #b00020; font-size: 12px; }
"""


def on_document(fn):
    """Run ``fn`` on the page's next tick, under the document lock.  Panel runs button
    callbacks as tasks outside the lock, where changing widget options or adding models
    fails; outside a server (tests, benchmarks) ``fn`` runs at once."""
    def run(*_):
        doc = pn.state.curdoc
        if doc is None or getattr(doc, "session_context", None) is None:
            fn()
        else:
            doc.add_next_tick_callback(fn)
    return run


def _header(session: Session) -> pn.pane.HTML:
    pane = pn.pane.HTML("", css_classes=["gv-header"], sizing_mode="stretch_width")

    def update(*_):
        if session.snapshot is None:
            pane.object = "<div class='gv-headline'><b>glassviz</b>: no snapshot open</div>"
            return
        h = session.header()
        t = "unknown" if h["T"] is None else f"{h['T']:g}"
        frames = f" · frame {h['frame'] + 1}/{h['frames']}" if h["frames"] > 1 else ""
        pane.object = (f"<div class='gv-headline'><span class='gv-file'><b>{h['file']}</b></span> · system <b class='gv-system'>"
                       f"{h['system']}</b> · N = <b class='gv-n'>{h['N']}</b> · <b class='gv-dim'>{h['dim']}D</b>"
                       f" · box {h['box']} · T = <b>{t}</b>{frames}</div>")

    update()
    session.param.watch(update, ["snapshot_version", "frame"])
    return pane


def _message(session: Session) -> pn.pane.HTML:
    pane = pn.pane.HTML("", css_classes=["gv-message"], sizing_mode="stretch_width")
    def show(*_):
        text = session.message
        pane.object = f"<div class='gv-error'>{html.escape(text)}</div>" if text else ""

    session.param.watch(show, ["message"])
    return pane


def _file_controls(session: Session):
    choose = pn.widgets.Select.from_param(session.param.path, name="open files")
    path = pn.widgets.TextInput(name="open a file by path", placeholder="/path/to/dump.lammpstrj",
                                css_classes=["gv-path"])
    button = pn.widgets.Button(name="Open", css_classes=["gv-open"])
    @on_document
    def open_path():
        # value_input follows every keystroke; value only changes on Enter or blur
        target = path.value_input or path.value
        if target:
            session.open(target)

    button.on_click(open_path)
    path.param.watch(open_path, "enter_pressed")
    upload = pn.widgets.FileInput(name="upload", multiple=False)

    @on_document
    def uploaded():
        if upload.value is not None:
            session.open_upload(upload.filename, upload.value)

    upload.param.watch(uploaded, "value")
    # a frame slider only for trajectories (a slider with start == end is invalid in Bokeh)
    frame_box = pn.Column()

    def frames(*_):
        choose.options = list(session.param.path.objects)
        if session.param.frame.bounds[1] > 0:
            frame_box.objects = [pn.widgets.IntSlider.from_param(session.param.frame, name="frame")]
        else:
            frame_box.objects = []

    frames()
    session.param.watch(frames, ["snapshot_version"])
    return pn.Column(choose, path, button, upload, frame_box, width=310)


def _display_controls(session: Session):
    w = {
        "fields": pn.widgets.MultiChoice.from_param(session.param.fields, name="views (fields)"),
        "time": pn.widgets.Select.from_param(session.param.time, name="time horizon t"),
        "xi": pn.widgets.FloatSlider.from_param(session.param.xi, name="coarse-graining ξ (0 = raw)",
                                                css_classes=["gv-xi"]),
        "normalize": pn.widgets.Checkbox.from_param(session.param.normalize, name="normalise to [0, 1]"),
        "one_minus": pn.widgets.MultiChoice.from_param(session.param.one_minus, name="show as 1 − X"),
        "opacity": pn.widgets.Select.from_param(session.param.opacity_field, name="opacity from field"),
        "species": pn.widgets.RadioButtonGroup.from_param(session.param.species, name="species"),
        "cmap": pn.widgets.Select.from_param(session.param.cmap, name="colour map"),
        "clim": pn.widgets.RangeSlider.from_param(session.param.clim, name="colour range (percentiles)", step=1),
    }
    slab = pn.Column(
        pn.pane.HTML("<b>slab of the 2D views</b>"),
        pn.widgets.RadioButtonGroup.from_param(session.param.slab_axis, name="slab normal"),
        pn.widgets.FloatSlider.from_param(session.param.slab_position, name="slab position (fraction of box)"),
        pn.widgets.FloatSlider.from_param(session.param.slab_thickness, name="slab thickness (σ)"),
    )
    slab.visible = session.snapshot is not None and session.snapshot.dim == 3

    def show_slab(*_):
        slab.visible = session.snapshot is not None and session.snapshot.dim == 3

    session.param.watch(show_slab, ["snapshot_version"])
    clear = pn.widgets.Button(name="Clear selection", css_classes=["gv-clear"])
    clear.on_click(on_document(session.clear_selection))
    return pn.Column(w["fields"], w["time"], w["xi"], w["normalize"], w["one_minus"], w["opacity"],
                     pn.pane.HTML("species shown"), w["species"], w["cmap"], w["clim"],
                     slab, clear)


def _export_controls(session: Session):
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


def build(files=None) -> pn.viewable.Viewable:
    """The dashboard for one session, on ``files`` (the bundled demo when none)."""
    from glassviz.app.ablation_view import AblationPanel
    from glassviz.app.compare import ComparePanel
    from glassviz.app.view3d import Scene3D
    from glassviz.app.views2d import FieldGrid

    pn.extension("vtk", raw_css=[CSS], notifications=False)
    upload_dir = tempfile.mkdtemp(prefix="glassviz-session-")
    session = Session(files or demo_files(), upload_dir=upload_dir)
    grid = FieldGrid(session)
    scene = Scene3D(session)
    compare = ComparePanel(session)
    ablation = AblationPanel(session, grid)
    sidebar = pn.Column(pn.pane.HTML("<h2 style='margin:4px 0'>glassviz</h2>"), _file_controls(session),
                        _display_controls(session), width=330, css_classes=["gv-sidebar"])
    main = pn.Column(_header(session), _message(session), pn.Row(grid.layout, scene.panel),
                     pn.Tabs(compare.panel, ablation.panel, _export_controls(session), dynamic=False),
                     sizing_mode="stretch_width")
    root = pn.Row(sidebar, main, sizing_mode="stretch_width", css_classes=["gv-root"])
    root.session = session  # for tests and benchmarks (in-process)
    root.views = dict(grid=grid, scene=scene, compare=compare, ablation=ablation)
    return root


def serve(files=None, port: int = 5006, address: str = "localhost", show: bool = False) -> None:
    """Serve the dashboard at http://address:port/ (one store per browser session)."""
    files = list(files or [])
    for f in files:
        if not os.path.exists(f):
            from glassviz.errors import InputError

            raise InputError(f, "no such file")
    # import the model stack once at start, not in the first visitor's session
    import glassviz.models.fields  # noqa: F401
    import glassviz.app.view3d  # noqa: F401

    pn.serve(lambda: build(files), port=port, address=address, show=show, title="glassviz",
             websocket_origin=[f"{address}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"],
             threaded=False, num_procs=1, admin=False, start=True, print_url=True)
