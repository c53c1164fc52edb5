"""One Voronoi cell by plane clipping (compiled with numba): the polygon (2D) or polyhedron
(3D) around a particle, cut by the bisector of each candidate neighbour, nearest first.

voro++'s method (Rycroft, Chaos 19, 041111 (2009)): start from a square / cube of half-width
r_half around the particle (at the origin) and cut it by the planes

    n_ij · x <= |r_ij| / 2,   n_ij = r_ij / |r_ij|,

one per candidate j in order of distance, until the next candidate's plane lies beyond the
farthest vertex (the security radius): no farther particle can touch the cell.  A cell that
still has a side of the initial square / cube, or whose farthest vertex lies beyond r_half
when the candidates run out, is reported open (more candidates are needed).

Results per cell: volume V = Σ_f A_f |r_ij| / 6 (3D; the cone over each face), area
A = Σ_e ℓ_e |r_ij| / 4 (2D), and per face its candidate and area A_f (3D) / length ℓ_e (2D).
Units as the candidate vectors (LJ σ).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# capacities of one cell; a cell that needs more is reported and redone (never truncated)
MAX_CAND = 768   # candidate neighbours inside the search radius
MAX_FACES = 96   # faces of a 3D cell (KA3D: 14 on average, under 30 at most)
MAX_FACE_V = 48  # vertices of one face / of a 2D cell
MAX_VERTS = 512  # vertices made while building one 3D cell (removed ones included)

OK, OPEN, FULL, COINCIDENT = 0, 1, 2, 3


@njit(cache=True)
def cell_2d(cand_v, cand_d2, order, ncand, r_half, out_k, out_w):
    """Clip the square |x|, |y| <= r_half by the bisectors of the candidates (nearest first).

    The polygon is kept counter-clockwise; ``lab[k]`` is the candidate whose bisector carries
    the edge from vertex k to k + 1 (-1: the initial square).  Returns (status, number of
    edges, area); edge e is written as (candidate index out_k[e], length out_w[e])."""
    px = np.empty(MAX_FACE_V)
    py = np.empty(MAX_FACE_V)
    lab = np.empty(MAX_FACE_V, np.int64)
    qx = np.empty(MAX_FACE_V)
    qy = np.empty(MAX_FACE_V)
    qlab = np.empty(MAX_FACE_V, np.int64)
    px[0], py[0], px[1], py[1] = -r_half, -r_half, r_half, -r_half
    px[2], py[2], px[3], py[3] = r_half, r_half, -r_half, r_half
    for k in range(4):
        lab[k] = -1
    nv = 4
    rmax2 = 2.0 * r_half * r_half
    eps = 1e-12 * r_half
    closed = False
    for c in range(ncand):
        kc = order[c]
        d2 = cand_d2[kc]
        if 0.25 * d2 > rmax2:
            closed = True
            break
        dist = math.sqrt(d2)
        if dist < 1e-10 * r_half:
            return COINCIDENT, 0, 0.0
        nx, ny = cand_v[kc, 0] / dist, cand_v[kc, 1] / dist
        half = 0.5 * dist
        outside = False
        for k in range(nv):
            if px[k] * nx + py[k] * ny - half > eps:
                outside = True
                break
        if not outside:
            continue
        nq = 0
        for k in range(nv):
            k1 = k + 1 if k + 1 < nv else 0
            sa = px[k] * nx + py[k] * ny - half
            sb = px[k1] * nx + py[k1] * ny - half
            a_in = sa <= eps
            b_in = sb <= eps
            if nq + 2 > MAX_FACE_V:
                return FULL, 0, 0.0
            if a_in:
                qx[nq], qy[nq], qlab[nq] = px[k], py[k], lab[k]
                nq += 1
                if not b_in:
                    t = min(1.0, max(0.0, sa / (sa - sb)))
                    qx[nq] = px[k] + t * (px[k1] - px[k])
                    qy[nq] = py[k] + t * (py[k1] - py[k])
                    qlab[nq] = kc
                    nq += 1
            elif b_in:
                t = min(1.0, max(0.0, sa / (sa - sb)))
                qx[nq] = px[k] + t * (px[k1] - px[k])
                qy[nq] = py[k] + t * (py[k1] - py[k])
                qlab[nq] = lab[k]
                nq += 1
        # drop zero-length edges (a vertex on the cutting line): keep the later vertex
        nv = 0
        for k in range(nq):
            k1 = k + 1 if k + 1 < nq else 0
            if abs(qx[k] - qx[k1]) <= eps and abs(qy[k] - qy[k1]) <= eps:
                continue
            px[nv], py[nv], lab[nv] = qx[k], qy[k], qlab[k]
            nv += 1
        rmax2 = 0.0
        for k in range(nv):
            rmax2 = max(rmax2, px[k] * px[k] + py[k] * py[k])
    if not closed and rmax2 > r_half * r_half:  # a particle beyond the search radius may still cut it
        return OPEN, 0, 0.0
    area = 0.0
    ne = 0
    for k in range(nv):
        if lab[k] < 0:
            return OPEN, 0, 0.0
        k1 = k + 1 if k + 1 < nv else 0
        length = math.hypot(px[k1] - px[k], py[k1] - py[k])
        area += 0.5 * (px[k] * py[k1] - px[k1] * py[k])
        if length > eps:
            out_k[ne] = lab[k]
            out_w[ne] = length
            ne += 1
    return OK, ne, area


@njit(cache=True)
def scratch_3d():
    """Work arrays of one 3D cell, reused from cell to cell (one set per thread)."""
    return (np.empty((MAX_VERTS, 3)), np.empty(MAX_VERTS), np.empty(MAX_VERTS, np.int64),
            np.empty(MAX_VERTS, np.int64), np.empty((MAX_FACES, MAX_FACE_V), np.int64),
            np.empty(MAX_FACES, np.int64), np.empty(MAX_FACES, np.int64), np.empty(MAX_FACE_V, np.int64),
            np.empty((MAX_FACES, 3), np.int64), np.empty((MAX_FACES, 2), np.int64), np.empty(MAX_VERTS),
            np.empty(MAX_FACES))


@njit(cache=True)
def cell_3d(cand_v, cand_d2, order, ncand, r_half, out_k, out_w, scratch):
    """Clip the cube |x_a| <= r_half by the bisecting planes of the candidates (nearest first).

    The cell is a vertex table and faces as lists of vertex indices, counter-clockwise seen
    from outside, ``flab[f]`` being the candidate whose plane carries face f (-1: the cube).
    Vertices are shared, so each is classified once per cut and the topology stays
    consistent: a vertex within eps of the plane counts as inside (and may become a vertex of
    the new face), an edge from inside vertex a to outside vertex b gets one new vertex, made
    the first time either of its two faces meets it.  Each face crossing the plane enters the
    outside part at one vertex x and comes back at one vertex y; on the new face the edge runs
    y -> x, and these edges chain into its polygon, counter-clockwise seen from outside.
    Faces and vertices are edited in place: a cut touches only what it cuts, and a face
    whose farthest vertex is nearer than the plane is passed over unread.
    Returns (status, number of faces, volume); face f is written as (candidate out_k[f],
    area out_w[f])."""
    vx, sd, alive, live2, fidx, fn, flab, tmpi, cross, succ, rv2, fr2 = scratch
    r = r_half
    for k in range(8):
        vx[k, 0] = r if k & 1 else -r
        vx[k, 1] = r if k & 2 else -r
        vx[k, 2] = r if k & 4 else -r
        rv2[k] = 3.0 * r * r
        alive[k] = k
    # cube faces (-x, +x, -y, +y, -z, +z), counter-clockwise seen from outside
    cube = ((0, 4, 6, 2), (1, 3, 7, 5), (0, 1, 5, 4), (2, 6, 7, 3), (0, 2, 3, 1), (4, 5, 7, 6))
    for f in range(6):
        for k in range(4):
            fidx[f, k] = cube[f][k]
        fn[f] = 4
        flab[f] = -1
        fr2[f] = 3.0 * r * r
    nf = 6
    nv = 8        # vertices ever made (the table only grows within a cell)
    nalive = 8    # alive[:nalive]: the vertices of the current cell
    rmax2 = 3.0 * r * r
    eps = 1e-12 * r
    closed = False
    for c in range(ncand):
        kc = order[c]
        d2 = cand_d2[kc]
        if 0.25 * d2 > rmax2:
            closed = True
            break
        dist = math.sqrt(d2)
        if dist < 1e-10 * r:
            return COINCIDENT, 0, 0.0
        nx, ny, nz = cand_v[kc, 0] / dist, cand_v[kc, 1] / dist, cand_v[kc, 2] / dist
        half = 0.5 * dist
        cuts = False
        for q in range(nalive):
            v = alive[q]
            sd[v] = vx[v, 0] * nx + vx[v, 1] * ny + vx[v, 2] * nz - half
            if sd[v] > eps:
                cuts = True
        if not cuts:
            continue
        ncross = 0
        nsucc = 0
        inside2 = (half - eps) * (half - eps)  # a face within this radius lies wholly inside
        f = 0
        while f < nf:
            if fr2[f] <= inside2:
                f += 1
                continue
            m = fn[f]
            n_in = 0
            for k in range(m):
                if sd[fidx[f, k]] <= eps:
                    n_in += 1
            if n_in == m:
                f += 1
                continue
            if n_in == 0:  # wholly cut away: the last face takes its place
                nf -= 1
                for k in range(fn[nf]):
                    fidx[f, k] = fidx[nf, k]
                fn[f] = fn[nf]
                flab[f] = flab[nf]
                fr2[f] = fr2[nf]
                continue
            q = 0
            leave = -1
            back = -1
            for k in range(m):
                va = fidx[f, k]
                vb = fidx[f, k + 1 if k + 1 < m else 0]
                a_in = sd[va] <= eps
                b_in = sd[vb] <= eps
                if a_in == b_in:
                    if a_in:
                        tmpi[q] = va
                        q += 1
                    continue
                vi, vo = (va, vb) if a_in else (vb, va)
                if sd[vi] >= -eps:  # the inside vertex lies on the plane: it is the crossing
                    x = vi
                else:
                    x = -1
                    for e in range(ncross):
                        if cross[e, 0] == vi and cross[e, 1] == vo:
                            x = cross[e, 2]
                            break
                    if x < 0:
                        if nv == MAX_VERTS or ncross == MAX_FACES:
                            return FULL, 0, 0.0
                        t = sd[vi] / (sd[vi] - sd[vo])
                        for a in range(3):
                            vx[nv, a] = vx[vi, a] + t * (vx[vo, a] - vx[vi, a])
                        sd[nv] = 0.0
                        rv2[nv] = vx[nv, 0] ** 2 + vx[nv, 1] ** 2 + vx[nv, 2] ** 2
                        cross[ncross, 0], cross[ncross, 1], cross[ncross, 2] = vi, vo, nv
                        x = nv
                        ncross += 1
                        nv += 1
                if a_in:
                    tmpi[q] = va
                    q += 1
                    if x != va:
                        tmpi[q] = x
                        q += 1
                    leave = x
                else:
                    if x != vb:
                        tmpi[q] = x
                        q += 1
                    back = x
                if q + 2 > MAX_FACE_V:
                    return FULL, 0, 0.0
            if leave != back:
                succ[nsucc, 0], succ[nsucc, 1] = back, leave
                nsucc += 1
            if q >= 3:
                far = 0.0
                for k in range(q):
                    fidx[f, k] = tmpi[k]
                    far = max(far, rv2[tmpi[k]])
                fn[f] = q
                fr2[f] = far
                f += 1
            else:  # reduced to an edge lying in the plane
                nf -= 1
                for k in range(fn[nf]):
                    fidx[f, k] = fidx[nf, k]
                fn[f] = fn[nf]
                flab[f] = flab[nf]
                fr2[f] = fr2[nf]
        if nsucc >= 3:
            if nf == MAX_FACES or nsucc > MAX_FACE_V:
                return FULL, 0, 0.0
            start = succ[0, 0]
            cur = start
            far = 0.0
            for k in range(nsucc):
                fidx[nf, k] = cur
                far = max(far, rv2[cur])
                nxt = -1
                for e in range(nsucc):
                    if succ[e, 0] == cur:
                        nxt = succ[e, 1]
                        break
                cur = nxt
                if cur < 0:
                    return FULL, 0, 0.0
            if cur != start:
                return FULL, 0, 0.0
            fn[nf] = nsucc
            flab[nf] = kc
            fr2[nf] = far
            nf += 1
        elif nsucc > 0:
            return FULL, 0, 0.0
        # the surviving vertices, then the new ones
        na = 0
        for q in range(nalive):
            v = alive[q]
            if sd[v] <= eps:
                live2[na] = v
                na += 1
        for e in range(ncross):
            live2[na] = cross[e, 2]
            na += 1
        alive, live2 = live2, alive
        nalive = na
        rmax2 = 0.0
        for q in range(nalive):
            rmax2 = max(rmax2, rv2[alive[q]])
    if not closed and rmax2 > r * r:  # a particle beyond the search radius may still cut it
        return OPEN, 0, 0.0
    volume = 0.0
    nout = 0
    for f in range(nf):
        if flab[f] < 0:
            return OPEN, 0, 0.0
        v0 = fidx[f, 0]
        ax = ay = az = 0.0
        for k in range(1, fn[f] - 1):
            v1, v2 = fidx[f, k], fidx[f, k + 1]
            x1, y1, z1 = vx[v1, 0] - vx[v0, 0], vx[v1, 1] - vx[v0, 1], vx[v1, 2] - vx[v0, 2]
            x2, y2, z2 = vx[v2, 0] - vx[v0, 0], vx[v2, 1] - vx[v0, 1], vx[v2, 2] - vx[v0, 2]
            ax += y1 * z2 - z1 * y2
            ay += z1 * x2 - x1 * z2
            az += x1 * y2 - y1 * x2
        area = 0.5 * math.sqrt(ax * ax + ay * ay + az * az)
        volume += area * math.sqrt(cand_d2[flab[f]]) / 6.0
        if area > eps * eps:
            out_k[nout] = flab[f]
            out_w[nout] = area
            nout += 1
    return OK, nout, volume
