import sys

from glassviz.cli import main

sys.exit(main())
