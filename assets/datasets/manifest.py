"""Print a sha256 manifest (``sha256sum`` format) of a dataset directory's files, card included.

    python assets/datasets/manifest.py DIR > manifest.sha256
    cd DIR && sha256sum -c manifest.sha256     # check a regenerated copy

The ``.state/`` folder (chain states kept for resuming) is left out.
"""

import hashlib
import os
import sys


def main(directory: str) -> None:
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not os.path.isfile(path) or ".tmp" in name:
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        print(f"{digest.hexdigest()}  {name}")


if __name__ == "__main__":
    main(sys.argv[1])
