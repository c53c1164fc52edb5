"""`panel serve app.py`: the glassviz dashboard on the bundled demo, or on the files named after
``--args`` (``panel serve app.py --args run.lammpstrj``).  Thin: everything is built by
:func:`glassviz.app.layout.build`."""

import sys

from glassviz.app.layout import build

build(sys.argv[1:] or None).servable(title="glassviz")
