"""The sidebar: files (path, upload, open list, frame slider), the header line, the error line and
the display controls, all bound to the session store's parameters."""

from __future__ import annotations

import html

import panel as pn

from glassviz.app.document import on_document
from glassviz.app.state import Session


def header(session: Session) -> pn.pane.HTML:
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
    session.param.watch(update, ["snapshot_version"])
    session.files.param.watch(update, ["frame"])
    return pane


def message(session: Session) -> pn.pane.HTML:
    pane = pn.pane.HTML("", css_classes=["gv-message"], sizing_mode="stretch_width")
    def show(*_):
        text = session.message
        pane.object = f"<div class='gv-error'>{html.escape(text)}</div>" if text else ""

    session.param.watch(show, ["message"])
    return pane


def _typed(box: pn.widgets.TextInput) -> str:
    """The text the browser last sent for ``box``.

    With a thread pool (``glassviz serve --num-threads``) Panel applies each widget's change on a
    pool thread, so a click on Open handled right after the typing can still see the box's
    previous text, and would open the previous path again.  The box's Bokeh model already holds
    what the browser sent, in the order sent (the server applies messages one by one), so a
    handler running on the document's tick reads it there.  ``value_input`` follows every
    keystroke; ``value`` only changes on Enter or blur."""
    for model, _ in list(box._models.values()):
        text = model.value_input or model.value
        if text:
            return text
    return box.value_input or box.value


def file_controls(session: Session):
    choose = pn.widgets.Select.from_param(session.files.param.path, name="open files")
    path = pn.widgets.TextInput(name="open a file by path", placeholder="/path/to/dump.lammpstrj",
                                css_classes=["gv-path"])
    button = pn.widgets.Button(name="Open", css_classes=["gv-open"])
    @on_document
    def open_path():
        target = _typed(path)
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
        choose.options = list(session.files.param.path.objects)
        if session.files.param.frame.bounds[1] > 0:
            frame_box.objects = [pn.widgets.IntSlider.from_param(session.files.param.frame, name="frame")]
        else:
            # a layout is never left empty (Bokeh warns EMPTY_LAYOUT)
            frame_box.objects = [pn.pane.HTML("<div class='gv-note'>one configuration (no frames)</div>")]

    frames()
    session.param.watch(frames, ["snapshot_version"])
    return pn.Column(choose, path, button, upload, frame_box, width=310)


def size_controls(session: Session):
    """System and particle sizes (σ per pair) of the size-dependent fields (Tong–Tanaka Θ,
    compactness), as ``--system``/``--sigma`` give them on the command line."""
    sizes = session.sizes
    system = pn.widgets.Select(name="system", options=list(sizes.param.system.objects), value=sizes.system,
                               css_classes=["gv-system-choice"])
    sigma = pn.widgets.TextInput(name="particle sizes σ (per pair)", value=sizes.sigma, css_classes=["gv-sigma"])
    note = pn.pane.HTML("", css_classes=["gv-sizes-note"], sizing_mode="stretch_width")
    # the store changes on the page's next tick, under the document lock: new sizes redraw
    # the views, which a widget event handled outside the lock may not do
    system.param.watch(on_document(lambda: setattr(sizes, "system", system.value)), "value")
    sigma.param.watch(on_document(lambda: setattr(sizes, "sigma", sigma.value)), "value")

    def update(*_):
        if session.snapshot is None:
            return
        system.value, sigma.value = sizes.system, sizes.sigma
        sigma.placeholder = sizes.placeholder()
        if sizes.error:
            note.object = f"<div class='gv-error'>{html.escape(sizes.error)}</div>"
        else:
            note.object = (f"<div class='gv-note'>recognised: {html.escape(sizes.recognised())}; "
                           f"e.g. AA=1,AB=0.94,BB=0.88 (empty = the system's default)</div>")

    update()
    session.param.watch(update, ["snapshot_version"])
    sizes.param.watch(update, ["error", "version"])
    return pn.Column(pn.pane.HTML("<b>particle sizes</b>"), system, sigma, note, width=310)


def multi_choice(store, name: str, label: str) -> pn.widgets.MultiChoice:
    """A MultiChoice bound to the list parameter ``name`` of ``store`` whose options change
    with the file.  Options and value always reach the browser in one update: sent apart,
    the browser drops the chosen values missing from the new options and sends that back,
    which replaced the new file's fields by those it shared with the old one."""
    p = store.param[name]
    widget = pn.widgets.MultiChoice(name=label, options=list(p.objects), value=list(getattr(store, name)))

    def to_widget(*_):
        widget.param.update(options=list(p.objects), value=list(getattr(store, name)))

    def to_store():
        value = [v for v in widget.value if v in p.objects]
        if value != list(getattr(store, name)):
            setattr(store, name, value)

    store.param.watch(to_widget, [name])
    store.param.watch(to_widget, [name], what="objects")
    widget.param.watch(on_document(to_store), "value")
    return widget


def display_controls(session: Session):
    c, d = session.choice.param, session.display.param
    w = {
        "fields": multi_choice(session.choice, "fields", "views (fields)"),
        "time": pn.widgets.Select.from_param(c.time, name="time horizon t"),
        "xi": pn.widgets.FloatSlider.from_param(c.xi, name="coarse-graining ξ (0 = raw)",
                                                css_classes=["gv-xi"]),
        "normalize": pn.widgets.Checkbox.from_param(c.normalize, name="normalise to [0, 1]"),
        "one_minus": multi_choice(session.choice, "one_minus", "show as 1 − X"),
        "opacity": pn.widgets.Select.from_param(c.opacity_field, name="opacity from field"),
        "species": pn.widgets.RadioButtonGroup.from_param(c.species, name="species"),
        "orientations": pn.widgets.Select.from_param(c.orientations, name="propensity models: orientations averaged",
                                                     css_classes=["gv-orientations"]),
        "cmap": pn.widgets.Select.from_param(d.cmap, name="colour map"),
        "clim": pn.widgets.RangeSlider.from_param(d.clim, name="colour range (percentiles)", step=1),
    }
    slab = pn.Column(
        pn.pane.HTML("<b>slab of the 2D views</b>"),
        pn.widgets.RadioButtonGroup.from_param(d.slab_axis, name="slab normal"),
        pn.widgets.FloatSlider.from_param(d.slab_position, name="slab position (fraction of box)"),
        pn.widgets.FloatSlider.from_param(d.slab_thickness, name="slab thickness (σ)"),
    )
    slab.visible = session.snapshot is not None and session.snapshot.dim == 3

    def show_slab(*_):
        slab.visible = session.snapshot is not None and session.snapshot.dim == 3

    session.param.watch(show_slab, ["snapshot_version"])
    clear = pn.widgets.Button(name="Clear selection", css_classes=["gv-clear"])
    clear.on_click(on_document(session.clear_selection))
    return pn.Column(w["fields"], w["time"], w["orientations"], w["xi"], w["normalize"], w["one_minus"], w["opacity"],
                     pn.pane.HTML("species shown"), w["species"], w["cmap"], w["clim"],
                     slab, clear)
