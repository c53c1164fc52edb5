"""The glassviz dashboard (Panel) and its publication figures.

Only :mod:`glassviz.app.layout` and the view modules import Panel/Bokeh/PyVista; the store
(:mod:`glassviz.app.state`), the slab geometry (:mod:`glassviz.app.plane`), the labels and the
matplotlib figure (:mod:`glassviz.app.figure`) are importable without them, so ``glassviz
export`` and the store's unit tests never start a server.
"""
