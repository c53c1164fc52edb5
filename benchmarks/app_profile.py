"""Where a dashboard page's time and bytes go (issue 13, point 1): prints

1. the server side of one session, in-process: the store (reading the file, every field of
   every view: plain indicators, each model), then each view's construction, then the Bokeh
   document's serialisation, as wall time per stage (the model stack imported beforehand, as a
   warm server has it);
2. the first payload the browser receives: the document's JSON size per Bokeh/Panel model
   type (column data sources, the VTK scene, ...), the largest models, and the size of the
   JavaScript bundles a page loads (Panel, Bokeh, vtk.js);
3. optionally (``--browser``), Chromium's own timing of one visit to a running ``glassviz
   serve``: navigation to DOMContentLoaded/load, then to every view drawn and the 3D canvas
   drawn.

    python benchmarks/app_profile.py [SNAPSHOT] [--browser] [--tile 3]

``--tile K`` profiles the file tiled K x K x K (``glassviz.snapshot.tile``; the large-system case
of the issue is the demo tiled 3 x 3 x 3, N = 110 592).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


class Stages:
    """Wall time per named stage."""

    def __init__(self):
        self.times = collections.OrderedDict()
        self._t = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = self.times.get(name, 0.0) + now - self._t
        self._t = now

    def print(self, title: str) -> None:
        total = sum(self.times.values())
        print(f"\n{title} (total {total:.2f} s):")
        for name, t in self.times.items():
            print(f"  {name:<44s} {t:7.2f} s  {100 * t / total:5.1f} %")


def server_side(path: str):
    """Build one session's page stage by stage; returns (stages, root layout)."""
    import panel as pn

    import glassviz.fields.models  # noqa: F401 - a warm server has the model stack imported
    from glassviz.app.ablation_view import AblationPanel
    from glassviz.app.batch_view import BatchPanel
    from glassviz.app.compare import ComparePanel
    from glassviz.app.controls import display_controls, file_controls, header, message, size_controls
    from glassviz.app.export_view import export_panel
    from glassviz.app.state import Session
    from glassviz.app.view3d import Scene3D
    from glassviz.app.views2d import FieldGrid

    import glassviz.fields as fields_module
    from glassviz.fields import registry

    pn.extension("vtk", notifications=False)
    st = Stages()
    real = registry.compute_field

    def timed_field(ctx, name):  # the store computes its fields while it is built: time each
        st.mark("store: read the file, choose fields, post-process")
        try:
            return real(ctx, name)
        finally:
            st.mark(f"field {name}")

    fields_module.compute_field = registry.compute_field = timed_field
    try:
        session = Session([path], upload_dir=tempfile.mkdtemp(prefix="glassviz-profile-"))
        session.shown()
        st.mark("store: read the file, choose fields, post-process")
    finally:
        fields_module.compute_field = registry.compute_field = real
    grid = FieldGrid(session=session)
    st.mark("2D views (Bokeh figures and sources)")
    scene = Scene3D(session=session)
    st.mark("3D scene (VTK render window)")
    compare = ComparePanel(session=session)
    ablation = AblationPanel(session=session, grid=grid)
    batch = BatchPanel(session=session)
    st.mark("compare, ablation, batch tabs")
    sidebar = pn.Column(file_controls(session), display_controls(session), size_controls(session))
    main = pn.Column(header(session), message(session), pn.Row(grid.layout, scene.panel),
                     pn.Tabs(compare.panel, ablation.panel, batch.__panel__(), export_panel(session)))
    root = pn.Row(sidebar, main)
    st.mark("sidebar, header, tabs")
    return st, root, session


def payload(root, st: Stages) -> None:
    """Serialise the page as Bokeh does for a new session; print its size by model type."""
    from bokeh.core.json_encoder import serialize_json
    from bokeh.core.serialization import Serializer
    from bokeh.document import Document

    doc = Document()
    model = root.get_root(doc)
    doc.add_root(model)
    st.mark("Bokeh models of the page (get_root)")
    text = serialize_json(doc.to_json())
    st.mark("document JSON (what the browser receives first)")
    per_type: dict = collections.Counter()
    largest = []
    models = set(doc.models)
    for m in doc.models:
        # the model alone: other models appear as references, binary arrays inline (base64)
        ser = Serializer(references=models - {m}, deferred=False)
        size = len(serialize_json(ser.encode(m)))
        per_type[type(m).__name__] += size
        largest.append((size, type(m).__name__, getattr(m, "name", None) or ""))
    print(f"\nfirst payload: document JSON {len(text) / 1e6:.2f} MB, {len(doc.models)} models")
    for name, size in per_type.most_common(8):
        print(f"  {name:<28s} {size / 1e6:7.2f} MB")
    print("  largest models:")
    for size, kind, name in sorted(largest, reverse=True)[:5]:
        print(f"    {kind:<24s} {name[:30]:<30s} {size / 1e6:7.2f} MB")


def bundles() -> None:
    """Sizes of the JavaScript a page loads (panel's and bokeh's dist folders)."""
    import bokeh
    import panel

    files = []
    for pkg, sub in ((bokeh, ("server", "static", "js")), (panel, ("dist",))):
        base = os.path.join(os.path.dirname(pkg.__file__), *sub)
        for dirpath, _, names in os.walk(base):
            for n in names:
                if n.endswith(".min.js") or n in ("panel.min.js", "vtk.js"):
                    p = os.path.join(dirpath, n)
                    files.append((os.path.getsize(p), os.path.relpath(p, os.path.dirname(pkg.__file__))))
    print("\nJavaScript bundles (largest; a page loads Bokeh's, Panel's and, with a 3D scene, vtk.js):")
    for size, name in sorted(files, reverse=True)[:8]:
        print(f"  {name:<60s} {size / 1e6:6.2f} MB")


def browser_timing(path: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import CHROMIUM, FLAGS, Page, start_server

    proc, url = start_server([path])
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for visit in ("first visit", "second visit", "third visit"):
                t0 = time.perf_counter()
                page = Page(browser, url, metrics=True)
                t_views = time.perf_counter() - t0
                page.page.locator(".gv-3d canvas").first.wait_for(timeout=600_000)
                t_3d = time.perf_counter() - t0
                nav = page.page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
                nav = json.loads(nav)
                res = page.page.evaluate("performance.getEntriesByType('resource').map(r => [r.name, "
                                         "r.duration, r.transferSize])")
                print(f"\n{visit}: DOMContentLoaded {nav['domContentLoadedEventEnd'] / 1e3:.2f} s, "
                      f"load {nav['loadEventEnd'] / 1e3:.2f} s, every 2D view drawn {t_views:.2f} s, "
                      f"3D canvas {t_3d:.2f} s")
                for name, dur, size in sorted(res, key=lambda r: -r[1])[:5]:
                    print(f"  {name.split('?')[0][-60:]:<60s} {dur / 1e3:6.2f} s {size / 1e6:6.2f} MB")
                m = page.main_thread()
                print(f"  browser main thread: tasks {m['TaskDuration']:.2f} s, of which script "
                      f"{m['ScriptDuration']:.2f} s, layout {m['LayoutDuration']:.2f} s, style "
                      f"{m['RecalcStyleDuration']:.2f} s (the rest: painting, WebGL, parsing); "
                      f"{m['Nodes']:.0f} DOM nodes")
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snapshot", nargs="?", default=None, help="default: the bundled KA3D demo")
    ap.add_argument("--tile", type=int, default=1)
    ap.add_argument("--browser", action="store_true")
    args = ap.parse_args()
    import glassviz
    from glassviz.app.state import demo_files

    path = args.snapshot or demo_files()[0]
    with tempfile.TemporaryDirectory() as tmp:
        if args.tile > 1:
            from glassviz.io.tables import write_table
            from glassviz.snapshot import tile

            snap = glassviz.load(path)
            big = tile(snap, (args.tile,) * snap.dim)
            big.meta["temperature"] = snap.temperature
            path = os.path.join(tmp, f"tiled{args.tile}.extxyz")
            write_table(big, {}, path)
        print(f"{path}; load average {os.getloadavg()[0]:.2f}")
        st, root, session = server_side(path)
        print(f"N = {session.snapshot.n}, {session.snapshot.dim}D, fields {', '.join(session.fields)}")
        payload(root, st)
        st.print("server side of one session")
        bundles()
        if args.browser:
            browser_timing(path)


if __name__ == "__main__":
    main()
