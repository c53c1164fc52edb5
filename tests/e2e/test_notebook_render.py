"""The example notebook's inline dashboard, drawn by a browser.

The executed notebook (tests/conftest.py ``executed_notebook``) is exported to HTML with
nbconvert and opened in Chromium.  Panel's notebook output asks for the Bokeh and Panel
JavaScript from their CDNs; a Jupyter server would serve them, and here the requests are
answered from the installed bokeh and panel packages (the same files, same versions), so the
test needs no network.  The README's picture of the inline dashboard is this test's screenshot
(``GLASSVIZ_SCREENSHOTS=assets/screenshots``).
"""

from __future__ import annotations

import io
import os
import re
import time
import urllib.parse

import pytest
from PIL import Image

pytestmark = pytest.mark.slow

RENDER_TIMEOUT = 240.0
# nbconvert's page template asks for these; nothing in the notebook needs them
TEMPLATE_CDN = ("https://cdnjs.cloudflare.com/ajax/libs/require.js/", "https://cdnjs.cloudflare.com/ajax/libs/mathjax/")


def local_file(url: str) -> str | None:
    """The installed file a Bokeh or Panel CDN address stands for (None for any other address)."""
    import bokeh
    import panel

    url = urllib.parse.unquote(url)
    m = re.match(r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-(\d[^/]*)\.min\.js$", url)
    if m and m.group(2) == bokeh.__version__:
        return os.path.join(os.path.dirname(bokeh.__file__), "server", "static", "js", m.group(1) + ".min.js")
    m = re.match(r"https://cdn\.holoviz\.org/panel/([^/]+)/dist/(.+)$", url)
    if m and m.group(1) == panel.__version__:
        return os.path.join(os.path.dirname(panel.__file__), "dist", *m.group(2).split("/"))
    return None


def test_inline_dashboard_renders_from_the_notebook(executed_notebook, browser, shots, tmp_path):
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(executed_notebook)
    page_path = tmp_path / "dashboard.html"
    page_path.write_text(html)
    (cell,) = [c for c in executed_notebook.cells if c.cell_type == "code" and "glassviz.Dashboard(" in c.source]

    unserved, errors = [], []

    def answer(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return route.continue_()
        path = local_file(url)
        if path and os.path.isfile(path):
            return route.fulfill(path=path)
        unserved.append(url)
        return route.abort()

    context = browser.new_context(viewport={"width": 1800, "height": 1400})
    page = context.new_page()
    page.route("**/*", answer)
    page.on("console", lambda m: errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_path.as_uri())
        output = page.locator(f'[id="cell-id={cell.id}"] .jp-OutputArea-child.jp-OutputArea-executeResult')
        # three field views (Grad-CAM, Voronoi area, Theta), each a Bokeh canvas inside the output
        start = time.monotonic()
        while output.locator("canvas").count() < 3 and time.monotonic() - start < RENDER_TIMEOUT:
            time.sleep(1.0)
        assert output.locator("canvas").count() >= 3, f"dashboard not drawn; errors {errors}; unserved {unserved}"
        time.sleep(3.0)  # let the views finish drawing before the picture
        assert [u for u in unserved if not u.startswith(TEMPLATE_CDN)] == []
        assert [e for e in errors if not any(u in e for u in TEMPLATE_CDN)] == []
        for label in ("Grad-CAM", "Voronoi volume", "Tong–Tanaka order", "coarse-grained ξ = 3, normalised"):
            assert output.get_by_text(label).count() > 0, label  # (inside Bokeh's shadow DOM)
        # a 256-colour palette keeps the README's picture small (< 500 KB) with no visible change
        picture = Image.open(io.BytesIO(output.screenshot())).convert("RGB")
        picture.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
            os.path.join(shots, "notebook_dashboard.png"), optimize=True)
    finally:
        context.close()
