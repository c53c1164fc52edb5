"""Periodic Voronoi tessellation (compiled with numba, threads without the GIL).

The Voronoi cell of particle i is the set of points closer to r_i than to any other particle
or periodic image; each is built by :mod:`glassviz.structure.voronoi_clip` from its
candidate neighbours, which come from a bin grid in fractional coordinates, so any triclinic
box and any box size (images of the particle itself included) are handled.  A cell that the
candidates within the search radius do not close is redone with a radius 1.5 times larger.

The result is exact to rounding (volumes sum to the box volume to 1e-12; independent
tessellations agree face by face): cell volumes (areas in 2D), the faces' neighbours j with
their float64 image vectors r_ij, and the face areas (3D) / edge lengths (2D).  Faces of
zero area (a plane touching a vertex or an edge) are not neighbours.

Units: lengths as in the snapshot (LJ σ).  Shapes: positions (N, d), box matrix h (d, d)
with the box vectors as columns.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from glassviz.structure.voronoi_clip import (COINCIDENT, FULL, MAX_CAND, MAX_FACE_V, MAX_FACES, OK, cell_2d,
                                            cell_3d, scratch_3d)


@njit(cache=True)
def _candidates(i, s, p, h, nb, m, bin_start, bin_order, r2max, cand_v, cand_j, cand_d2):
    """Every image of every particle within sqrt(r2max) of particle i (itself excluded), in
    arbitrary order.  ``s``: fractional positions in [0, 1) (bins), ``p``: the same positions
    in Cartesian coordinates, h s.  Returns their number, or -1 when more than the capacity."""
    d = s.shape[1]
    b0 = min(int(s[i, 0] * nb[0]), nb[0] - 1)
    b1 = min(int(s[i, 1] * nb[1]), nb[1] - 1)
    b2 = min(int(s[i, 2] * nb[2]), nb[2] - 1) if d == 3 else 0
    px, py = p[i, 0], p[i, 1]
    pz = p[i, 2] if d == 3 else 0.0
    ncand = 0
    mz = m[2] if d == 3 else 0
    for ox in range(-m[0], m[0] + 1):
        bx = b0 + ox
        wx = bx // nb[0]
        bx -= wx * nb[0]
        for oy in range(-m[1], m[1] + 1):
            by = b1 + oy
            wy = by // nb[1]
            by -= wy * nb[1]
            for oz in range(-mz, mz + 1):
                bz = b2 + oz
                wz = bz // nb[2]
                bz -= wz * nb[2]
                b = (bx * nb[1] + by) * nb[2] + bz
                # the image shift of this bin, minus particle i: r_ij = p_j + shift
                sx = h[0, 0] * wx + h[0, 1] * wy + h[0, 2] * wz - px
                sy = h[1, 0] * wx + h[1, 1] * wy + h[1, 2] * wz - py
                sz = h[2, 0] * wx + h[2, 1] * wy + h[2, 2] * wz - pz
                self_image = wx == 0 and wy == 0 and wz == 0
                for k in range(bin_start[b], bin_start[b + 1]):
                    j = bin_order[k]
                    if j == i and self_image:
                        continue
                    v0 = p[j, 0] + sx
                    v1 = p[j, 1] + sy
                    v2 = (p[j, 2] if d == 3 else 0.0) + sz
                    r2 = v0 * v0 + v1 * v1 + v2 * v2
                    if r2 < r2max:
                        if ncand == cand_j.shape[0]:
                            return -1
                        cand_v[ncand, 0] = v0
                        cand_v[ncand, 1] = v1
                        cand_v[ncand, 2] = v2
                        cand_j[ncand] = j
                        cand_d2[ncand] = r2
                        ncand += 1
    return ncand


@njit(cache=True, nogil=True)
def _tessellate(s, p, h, particles, lo, hi, r_cut, nb, m, bin_start, bin_order,
                status, volume, count, nbr, vec, wgt):
    """Cells of ``particles[lo:hi]`` (indices into s), written into rows lo:hi of the outputs:
    per particle the status, volume and face count, per face (up to nbr.shape[1]) the
    neighbour, vector and weight.  Runs without the GIL, so threads share the particles
    (numba's own threading layers are either not thread-safe or not fork-safe, and the
    dashboard and the batch workers need both)."""
    d = s.shape[1]
    max_out = nbr.shape[1]
    r2max = r_cut * r_cut
    r_half = 0.5 * r_cut
    cand_v = np.empty((MAX_CAND, 3))
    cand_j = np.empty(MAX_CAND, np.int64)
    cand_d2 = np.empty(MAX_CAND)
    order = np.empty(MAX_CAND, np.int64)
    out_k = np.empty(max(MAX_FACES, MAX_FACE_V), np.int64)
    out_w = np.empty(max(MAX_FACES, MAX_FACE_V))
    scratch = scratch_3d()
    for q in range(lo, hi):
        status[q] = _one_cell(q, particles[q], s, p, h, nb, m, bin_start, bin_order, r2max, r_half, max_out, d,
                              cand_v, cand_j, cand_d2, order, out_k, out_w, scratch,
                              volume, count, nbr, vec, wgt)


@njit(cache=True)
def _one_cell(q, i, s, p, h, nb, m, bin_start, bin_order, r2max, r_half, max_out, d,
              cand_v, cand_j, cand_d2, order, out_k, out_w, scratch, volume, count, nbr, vec, wgt):
    """Cell of particle i, written into row q of the outputs; returns its status."""
    ncand = _candidates(i, s, p, h, nb, m, bin_start, bin_order, r2max, cand_v, cand_j, cand_d2)
    if ncand < 0:
        return FULL
    for c in range(ncand):  # insertion sort by distance (a few dozen, mostly in order already)
        x = cand_d2[c]
        slot = c
        while slot > 0 and cand_d2[order[slot - 1]] > x:
            order[slot] = order[slot - 1]
            slot -= 1
        order[slot] = c
    if d == 3:
        st, nout, vol = cell_3d(cand_v, cand_d2, order, ncand, r_half, out_k, out_w, scratch)
    else:
        st, nout, vol = cell_2d(cand_v, cand_d2, order, ncand, r_half, out_k, out_w)
    if st == OK and nout > max_out:
        st = FULL
    if st != OK:
        return st
    volume[q] = vol
    count[q] = nout
    for e in range(nout):  # insertion by neighbour index: each cell's faces sorted by j
        k = out_k[e]
        j = cand_j[k]
        slot = e
        while slot > 0 and nbr[q, slot - 1] > j:
            nbr[q, slot] = nbr[q, slot - 1]
            wgt[q, slot] = wgt[q, slot - 1]
            for a in range(d):
                vec[q, slot, a] = vec[q, slot - 1, a]
            slot -= 1
        nbr[q, slot] = j
        wgt[q, slot] = out_w[e]
        for a in range(d):
            vec[q, slot, a] = cand_v[k, a]
    return OK


@njit(cache=True)
def _compact(part, status, count, nbr, vec, wgt):
    """The faces of the cells that closed, as flat (i, j, vector, weight) arrays."""
    total = 0
    for q in range(part.shape[0]):
        if status[q] == OK:
            total += count[q]
    d = vec.shape[2]
    i = np.empty(total, np.int64)
    j = np.empty(total, np.int64)
    v = np.empty((total, d))
    w = np.empty(total)
    e = 0
    for q in range(part.shape[0]):
        if status[q] != OK:
            continue
        for k in range(count[q]):
            i[e] = part[q]
            j[e] = nbr[q, k]
            for a in range(d):
                v[e, a] = vec[q, k, a]
            w[e] = wgt[q, k]
            e += 1
    return i, j, v, w


class OverlappingParticles(ValueError):
    """Two particles (or a particle and an image of itself) at the same position."""


def _grid(heights: np.ndarray, r_cut: float) -> tuple[np.ndarray, np.ndarray]:
    """Bins per box axis (each at least r_cut wide when possible) and the bin offsets to
    search so that every image within r_cut is reached."""
    nb = np.maximum(1, np.floor(heights / r_cut)).astype(np.int64)
    nb = np.minimum(nb, 256)
    m = np.ceil(r_cut * nb / heights - 1e-12).astype(np.int64)
    return nb, m


def compute_threads() -> int:
    """Threads for compiled loops: OMP_NUM_THREADS when set (``limit_threads`` sets it in batch
    workers), else every core."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return max(1, os.cpu_count() or 1)


_POOL: list = []  # [(pid, threads, executor)]: one pool per process, made again after a fork


def _pool(threads: int) -> ThreadPoolExecutor:
    if not _POOL or _POOL[0][0] != os.getpid() or _POOL[0][1] != threads:
        _POOL[:] = [(os.getpid(), threads, ThreadPoolExecutor(max_workers=threads,
                                                              thread_name_prefix="glassviz-voronoi"))]
    return _POOL[0][2]


def _run_cells(s, p, h3, todo, r_cut, nb3, m3, bin_start, bin_order, max_out, threads):
    """_tessellate over ``todo``, split among ``threads`` threads."""
    n, d = len(todo), s.shape[1]
    out = (np.zeros(n, np.int64), np.zeros(n), np.zeros(n, np.int64), np.empty((n, max_out), np.int64),
           np.empty((n, max_out, d)), np.empty((n, max_out)))
    args = (s, p, h3, todo)
    rest = (r_cut, nb3, m3, bin_start, bin_order) + out
    if threads <= 1 or n < 512:
        _tessellate(*args, 0, n, *rest)
        return out
    cuts = np.linspace(0, n, threads + 1).astype(int)
    jobs = [_pool(threads).submit(_tessellate, *args, cuts[k], cuts[k + 1], *rest) for k in range(threads)]
    for job in jobs:
        job.result()
    return out


def tessellate(positions: np.ndarray, h: np.ndarray, chunk: int = 65536, threads: int | None = None):
    """Periodic Voronoi tessellation of ``positions`` (N, d) in the box ``h`` (d, d), d = 2, 3.

    Returns
    -------
    volumes : (N,) float64, cell volumes (areas in 2D); they sum to |det h|.
    i, j : (M,) int64 neighbour pairs sorted by (i, j), each unordered pair both ways.
    vectors : (M, d) float64, r_j - r_i for the image whose bisector carries the face.
    weights : (M,) float64, face areas (3D) / edge lengths (2D).

    Raises OverlappingParticles when two particles coincide (no finite cell separates them).
    Memory is bounded by ``chunk`` cells at a time; ``threads`` defaults to compute_threads().
    """
    threads = compute_threads() if threads is None else max(1, int(threads))
    positions = np.asarray(positions, dtype=np.float64)
    h = np.ascontiguousarray(h, dtype=np.float64)
    n, d = positions.shape
    hinv = np.linalg.inv(h)
    s = positions @ hinv.T
    s -= np.floor(s)
    s[s >= 1.0] = 0.0
    s = np.ascontiguousarray(s)
    volume = abs(np.linalg.det(h))
    # perpendicular heights: |det h| / |area of the face spanned by the other vectors|
    if d == 3:
        heights = np.array([volume / np.linalg.norm(np.cross(h[:, (a + 1) % 3], h[:, (a + 2) % 3]))
                            for a in range(3)])
    else:
        heights = np.array([volume / np.linalg.norm(h[:, 1]), volume / np.linalg.norm(h[:, 0])])
    # ~36 candidates (3D) / ~24 (2D) per particle reach past the security radius of almost every
    # cell of a liquid or glass; the few others are redone with a larger radius
    unit = (volume / max(n, 1)) ** (1.0 / d)
    r_cut = unit * ((36.0 * 3.0 / (4.0 * np.pi)) ** (1.0 / 3.0) if d == 3 else (24.0 / np.pi) ** 0.5)
    h3 = np.zeros((3, 3))
    h3[:d, :d] = h
    p = np.ascontiguousarray(s @ h.T)
    max_out = 40 if d == 3 else 24  # faces per cell; a cell with more is redone with room for them
    out_vol = np.zeros(n)
    pieces = []
    todo = np.arange(n, dtype=np.int64)
    for attempt in range(8):
        nb, m = _grid(heights, r_cut)
        nb3 = np.ones(3, np.int64)
        m3 = np.zeros(3, np.int64)
        nb3[:d], m3[:d] = nb, m
        bins = np.zeros(n, np.int64)
        for a in range(d):
            bins = bins * nb[a] + np.minimum((s[:, a] * nb[a]).astype(np.int64), nb[a] - 1)
        bin_order = np.argsort(bins, kind="stable").astype(np.int64)
        bin_start = np.searchsorted(bins[bin_order], np.arange(int(np.prod(nb)) + 1)).astype(np.int64)
        again = []
        for a0 in range(0, len(todo), chunk):
            part = todo[a0:a0 + chunk]
            status, vol, count, nbr, vec, wgt = _run_cells(s, p, h3, part, r_cut, nb3, m3, bin_start, bin_order,
                                                           max_out, threads)
            if np.any(status == COINCIDENT):
                k = part[np.flatnonzero(status == COINCIDENT)[0]]
                raise OverlappingParticles(f"particle {k} sits on another particle (or on its own periodic "
                                           "image): its Voronoi cell is empty")
            ok = status == OK
            again.append(part[~ok])
            out_vol[part[ok]] = vol[ok]
            pieces.append(_compact(part, status, count, nbr, vec, wgt))
        todo = np.concatenate(again)
        if len(todo) == 0:
            break
        r_cut *= 1.5
        max_out = MAX_FACES if d == 3 else MAX_FACE_V
    else:
        raise OverlappingParticles(f"{len(todo)} Voronoi cells could not be closed (particle {todo[0]} first)")
    if len(pieces) == 1:
        return (out_vol, *pieces[0])
    i, j, vectors, weights = (np.concatenate([piece[k] for piece in pieces]) for k in range(4))
    order = np.argsort(i, kind="stable")  # chunks, and cells redone: back in particle order
    return out_vol, i[order], j[order], vectors[order], weights[order]


def warm() -> None:
    """Compile (first run) or load from numba's cache the tessellation code, ~1 s once per
    process: servers call it in the background before the first page needs it."""
    tessellate(np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5]]), np.eye(3), threads=1)
