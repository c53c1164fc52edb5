"""The 3D scene's spheres stay within the triangle budget a software-rendered browser draws."""

import pytest

pytest.importorskip("pyvista")


def test_facets_follow_the_number_of_particles():
    from glassviz.app.view3d import RESOLUTIONS, TRIANGLE_BUDGET, sphere_resolution

    assert sphere_resolution(100) == RESOLUTIONS[0]
    assert sphere_resolution(4096) == (6, 4)  # 98 304 triangles
    assert sphere_resolution(10**6) == RESOLUTIONS[-1]
    for n in (100, 1000, 4096, 8000, 12000):  # up to where the coarsest still fits
        theta, phi = sphere_resolution(n)
        assert n * 2 * theta * (phi - 2) <= TRIANGLE_BUDGET


def test_the_demo_scene_draws_at_most_the_budget():
    import vtk

    from glassviz.app.state import Session, demo_files
    from glassviz.app.view3d import TRIANGLE_BUDGET, Scene3D

    session = Session(demo_files()[:1])
    scene = Scene3D(session=session)
    try:
        scene._sphere.Update()
        per_sphere = scene._sphere.GetOutput().GetNumberOfPolys()
        theta, phi = scene._sphere.GetThetaResolution(), scene._sphere.GetPhiResolution()
        assert per_sphere == 2 * theta * (phi - 2)  # the count the budget assumes
        glyphs = scene.actors["rest"].GetMapper().GetInput().GetNumberOfPoints()
        assert glyphs == session.snapshot.n == 4096
        assert glyphs * per_sphere <= TRIANGLE_BUDGET
        tri = vtk.vtkTriangleFilter()
        tri.SetInputData(scene._sphere.GetOutput())
        tri.Update()
        assert tri.GetOutput().GetNumberOfCells() == per_sphere  # all triangles already
    finally:
        scene.close()
