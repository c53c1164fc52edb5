"""glassviz.memory: large blocks come from the heap, and are reused, only inside
reusing_freed_memory; outside it glibc maps them afresh (what made training steps slow).

Checked in a fresh interpreter: in a long test session the heap already holds free chunks
large enough for the test's blocks, which glibc then serves from the heap whatever the mmap
threshold."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from glassviz.memory import _libc

SCRIPT = textwrap.dedent("""
    import ctypes
    import numpy as np
    from glassviz.memory import _libc, reusing_freed_memory

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                    "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = _libc()
    libc.mallinfo2.restype = MallInfo2
    SIZE = 48 * 1024 * 1024  # one edge tensor of a training step (E ~ 190k edges x 64 float32)

    def mapped_growth():
        base = libc.mallinfo2().hblkhd
        a = np.ones(SIZE // 8)
        grown = libc.mallinfo2().hblkhd - base
        del a
        return grown >= SIZE

    out = [mapped_growth()]
    with reusing_freed_memory():
        with reusing_freed_memory():  # nested uses share the setting
            out.append(mapped_growth())
        out.append(mapped_growth())  # still inside the outer block
    out.append(mapped_growth())  # the defaults are back
    try:
        with reusing_freed_memory():
            raise RuntimeError
    except RuntimeError:
        pass
    out.append(mapped_growth())  # undone after an exception too
    print(" ".join(str(x) for x in out))
""")


def test_large_blocks_come_from_the_heap_only_inside_the_block():
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("not glibc >= 2.33")
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    # mapped afresh: outside, inside (nested), inside (outer), after, after an exception
    assert out.stdout.split() == ["True", "False", "False", "True", "True"]
