"""The 3D scene of a 3D snapshot: PyVista (VTK) rendered in the browser by vtk.js through
Panel's VTK pane.

Particles are spheres sized by species through a glyph mapper (one sphere source scaled per
point by the species' radius): vtk.js cannot draw point sprites as spheres, and a glyph mapper
sends one sphere and N points instead of N meshes.  The spheres are coloured by one field (the
first chosen, or ``Session.field3d``) with the 2D views' colour map and range.  With a selection,
the other particles fade to 8 % opacity; the picked particle is a magenta sphere; the slab of
the 2D views is drawn as a wireframe box inside the box outline.

The browser draws every triangle of every sphere, in JavaScript and, without a GPU, in
software: on the N = 4096 demo (headless Chromium with --disable-gpu, 2 cores) spheres of
14 x 10 facets (224 triangles) made the scene 45 of a visit's 57 s, 6 x 4 facets 9 s.  The
sphere's facets are therefore chosen from the number of particles (:func:`sphere_resolution`),
so that the scene stays within :data:`TRIANGLE_BUDGET` triangles.
"""

from __future__ import annotations

import numpy as np
import panel as pn
import param

from glassviz.app.document import on_document
from glassviz.app.plane import AXES, particle_radii
from glassviz.app.state import Session


# triangles of all spheres together; about 9 s of drawing in a software-rendered browser
TRIANGLE_BUDGET = 100_000
# (theta, phi) facets, finest first: a vtkSphereSource has 2 theta (phi - 2) triangles
RESOLUTIONS = ((14, 10), (12, 8), (10, 8), (8, 6), (6, 5), (6, 4), (4, 3))


def sphere_resolution(n: int, budget: int = TRIANGLE_BUDGET) -> tuple[int, int]:
    """(theta, phi) facets of each of ``n`` spheres: the finest of :data:`RESOLUTIONS` whose
    ``n * 2 theta (phi - 2)`` triangles fit in ``budget`` (the coarsest when none does)."""
    for theta, phi in RESOLUTIONS:
        if n * 2 * theta * (phi - 2) <= budget:
            return theta, phi
    return RESOLUTIONS[-1]


def _lut(cmap: str, lo: float, hi: float):
    import vtk
    from matplotlib import colormaps

    cm = colormaps[cmap]
    lut = vtk.vtkLookupTable()
    lut.SetNumberOfTableValues(256)
    for k in range(256):
        r, g, b, _ = cm(k / 255)
        lut.SetTableValue(k, r, g, b, 1.0)
    lut.SetRange(lo, hi)
    lut.Build()
    return lut


class Scene3D(pn.viewable.Viewer):
    """Spheres of the current 3D snapshot in a vtk.js pane, kept in step with the stores."""

    session = param.ClassSelector(class_=Session, doc="the session the scene shows")
    size = param.Integer(default=420, doc="width and height of the scene (px)")

    def __init__(self, **params):
        import pyvista as pv
        import vtk

        super().__init__(**params)
        session, size = self.session, self.size
        self.plotter = pv.Plotter(off_screen=True, window_size=(size, size))
        self.plotter.set_background("white")
        sphere = vtk.vtkSphereSource()
        sphere.SetRadius(1.0)
        self._sphere = sphere
        self.actors = {}
        self.closed = False
        self.title = pn.pane.HTML("", margin=(2, 4), css_classes=["gv-view-header"])
        self.pane = pn.pane.VTK(self.plotter.ren_win, width=size, height=size, orientation_widget=False,
                                enable_keybindings=False, margin=0)
        self.panel = pn.Column(self.title, self.pane, css_classes=["gv-view", "gv-3d"], margin=4)
        self.redraw()
        draw = on_document(self.redraw)  # glassviz.app.document: drawn on the document's tick
        redraw = lambda *e: draw()
        session.values.param.watch(redraw, ["version"])
        session.display.param.watch(redraw, ["cmap", "clim", "slab_axis", "slab_position", "slab_thickness"])
        session.choice.param.watch(redraw, ["species"])
        session.picks.param.watch(redraw, ["selection", "picked"])

    def __panel__(self):
        return self.panel

    def close(self) -> None:
        """Free the off-screen render window (its OpenGL context and buffers, some 200 MB per
        scene).  PyVista keeps every plotter in a module-level registry until it is closed, so a
        scene that is only dropped stays alive, window and all, for the life of the server."""
        self.closed = True
        self.actors.clear()
        self.plotter.close()
        self.plotter.deep_clean()

    def _glyph_actor(self):
        """A glyph actor whose points, scales and colours :meth:`_fill` replaces."""
        import vtk

        mapper = vtk.vtkGlyph3DMapper()
        mapper.SetSourceConnection(self._sphere.GetOutputPort())
        mapper.SetScaleArray("radius")
        mapper.SetScaleModeToScaleByMagnitude()
        mapper.SetScalarModeToUsePointData()
        mapper.SetColorModeToMapScalars()
        mapper.ScalarVisibilityOn()
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        return actor

    def _fill(self, actor, rows: np.ndarray, scalars: np.ndarray, lo: float, hi: float, opacity: float):
        import pyvista as pv

        s = self.session
        snap = s.snapshot
        visible = len(rows) > 0
        # Panel cannot serialise an empty point set: an invisible actor keeps one point
        rows = rows if visible else np.zeros(1, dtype=np.int64)
        pts = pv.PolyData(np.ascontiguousarray(snap.positions[rows], dtype=np.float32).reshape(-1, 3))
        pts.point_data["radius"] = particle_radii(snap)[rows].astype(np.float32) * visible
        pts.point_data["value"] = np.nan_to_num(scalars[rows], nan=lo).astype(np.float32)
        # the vtk.js glyph mapper colours by the active point scalars
        pts.set_active_scalars("value")
        mapper = actor.GetMapper()
        mapper.SetInputData(pts)
        mapper.SetLookupTable(_lut(s.display.cmap, lo, hi))
        mapper.SetScalarRange(lo, hi)
        actor.GetProperty().SetOpacity(opacity)
        actor.SetVisibility(visible)

    def field(self) -> str | None:
        """The first chosen field that has values (a field that cannot be computed says so in
        its own 2D view), or None."""
        shown = self.session.shown()
        return next((n for n in self.session.choice.fields if n in shown), None)

    def redraw(self):
        """Update the scene in place: the actors stay, their data change (vtk.js then updates
        arrays instead of rebuilding its render window)."""
        if self.closed or self.session.resetting:  # the session ended, or another configuration is being set up
            return
        import pyvista as pv

        s = self.session
        if s.snapshot is None or s.snapshot.dim != 3:
            self.panel.visible = False
            return
        self.panel.visible = True
        facets = sphere_resolution(s.snapshot.n)
        if (self._sphere.GetThetaResolution(), self._sphere.GetPhiResolution()) != facets:
            self._sphere.SetThetaResolution(facets[0])
            self._sphere.SetPhiResolution(facets[1])
        ren = self.plotter.renderer
        if not self.actors:
            self.actors = {"rest": self._glyph_actor(), "selected": self._glyph_actor()}
            for actor in self.actors.values():
                ren.AddActor(actor)
            self._mark = pv.Sphere(radius=0.75)
            self.actors["picked"] = self.plotter.add_mesh(self._mark, color="#ff0066", reset_camera=False)
            self._box, self._slab = pv.Box(), pv.Box()
            self.actors["box"] = self.plotter.add_mesh(self._box.outline(), color="black", reset_camera=False)
            self.actors["slab"] = self.plotter.add_mesh(self._slab.outline(), color="#ff7f0e", line_width=2,
                                                        reset_camera=False)
        snap = s.snapshot
        name = self.field()
        if name is not None:
            values = s.shown()[name]
            lo, hi = s.color_range(name)
        else:
            values, (lo, hi) = np.zeros(snap.n), (0.0, 1.0)
        shown = s.species_shown()
        sel = np.zeros(snap.n, dtype=bool)
        sel[s.picks.selection] = True
        if sel.any():
            self._fill(self.actors["rest"], np.flatnonzero(shown & ~sel), values, lo, hi, 0.08)
            self._fill(self.actors["selected"], np.flatnonzero(shown & sel), values, lo, hi, 1.0)
        else:
            self._fill(self.actors["rest"], np.flatnonzero(shown), values, lo, hi, 1.0)
            self._fill(self.actors["selected"], np.zeros(0, dtype=np.int64), values, lo, hi, 1.0)
        picked = self.actors["picked"]
        picked.SetVisibility(s.picks.picked is not None)
        if s.picks.picked is not None:
            picked.GetMapper().SetInputData(pv.Sphere(radius=0.75, center=snap.positions[s.picks.picked]))
        half = 0.5 * snap.heights
        self.actors["box"].GetMapper().SetInputData(
            pv.Box(bounds=(-half[0], half[0], -half[1], half[1], -half[2], half[2])).outline())
        a = AXES.index(s.display.slab_axis)
        bounds = [-half[0], half[0], -half[1], half[1], -half[2], half[2]]
        mid = (s.display.slab_position - 0.5) * snap.heights[a]
        bounds[2 * a], bounds[2 * a + 1] = mid - 0.5 * s.display.slab_thickness, mid + 0.5 * s.display.slab_thickness
        self.actors["slab"].GetMapper().SetInputData(pv.Box(bounds=bounds).outline())
        if not getattr(self, "_camera_set", False):
            self.plotter.view_isometric()
            ren.ResetCamera()
            self._camera_set = True
        title = s.title(name) if name else "no field"
        nsel = int(sel.sum())
        self.title.object = (f"<div class='gv-title'><b>3D · {title}</b></div><div class='gv-state'>"
                             f"{s.state(name) if name else ''} · spheres sized by species · "
                             f"<span class='gv-selcount'>{nsel} selected</span></div>")
        self.pane.synchronize()
