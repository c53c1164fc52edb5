"""The dashboard as an object for Jupyter notebooks and Panel scripts.

``glassviz.Dashboard(sources)`` is the page ``glassviz serve`` shows (built by
:func:`glassviz.app.layout.build`, with its own session store), as a Panel ``Viewer``: the last
expression of a cell displays it inline (after ``pn.extension()``, which it calls itself), and
``.servable()`` marks it for ``panel serve notebook.ipynb`` or a script.  ``sources`` are file
paths, :class:`glassviz.Snapshot` objects, or any object :func:`glassviz.load` reads (e.g. an
``ase.Atoms`` or an MDAnalysis Universe, with their frames), mixed freely; none gives the
bundled demo.

Example::

    import glassviz
    snap = glassviz.load("run.lammpstrj", frame=-1)
    glassviz.Dashboard([snap, "other.dump"], fields=["voronoi_volume", "tong_tanaka"])
"""

from __future__ import annotations

import panel as pn

from glassviz.errors import GlassvizError


def _as_list(sources) -> list:
    """One source or a list/tuple of them, as a list (a lone path or object is one source)."""
    if sources is None:
        return []
    if isinstance(sources, (list, tuple)):
        return list(sources)
    return [sources]


def _check_first(source) -> None:
    """Read the source shown first, so that a bad one raises its one-line error in the cell
    (the page itself needs a snapshot to show); the others are checked as they are opened."""
    from glassviz.snapshot import Snapshot

    if isinstance(source, Snapshot):
        return
    import glassviz

    glassviz.load(source, frame=0)


class Dashboard(pn.viewable.Viewer):
    """The glassviz dashboard on ``sources`` (paths, snapshots, objects :func:`glassviz.load`
    reads; the bundled demo when empty), for display in a notebook or ``.servable()``.

    Parameters
    ----------
    sources : one source or a list of them.  The first is shown; the others are listed in the
        file chooser.
    fields : field names to show first (as ``glassviz fields --fields``); default: the
        dashboard's choice (ground truth, Voronoi volume, Θ and the fitting models).

    Attributes
    ----------
    session : :class:`glassviz.app.state.Session`, the store the views read; set its
        parameters (``xi``, ``normalize``, ``fields``, ...) to change what is shown.
    """

    def __init__(self, sources=None, fields=None, **params):
        super().__init__(**params)
        from glassviz.app.layout import build

        items = _as_list(sources)
        if items:
            _check_first(items[0])
        self._layout = build(items or None)
        self.session = self._layout.session
        if fields is not None:
            self.show_fields(fields)

    def show_fields(self, fields) -> None:
        """Show these fields (names as the CLI takes them), in this order."""
        names = [fields] if isinstance(fields, str) else list(fields)
        offered = list(self.session.choice.param.fields.objects)
        unknown = [n for n in names if n not in offered]
        if unknown:
            raise GlassvizError(f"field(s) {', '.join(unknown)} not offered for this snapshot; "
                                f"offered: {', '.join(offered)}")
        self.session.fields = names

    def __panel__(self):
        return self._layout
