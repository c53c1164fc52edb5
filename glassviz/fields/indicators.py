"""The plain per-particle fields: structural indicators and isoconfigurational ground truth.

Each is registered under its name in :mod:`glassviz.fields.registry`; the computations live in
:mod:`glassviz.structure` and :mod:`glassviz.dynamics` (imported on first use).
"""

from __future__ import annotations

import numpy as np

from glassviz.fields.registry import FieldSpec, register


def _voronoi_volume(ctx):
    return ctx.voronoi().volumes


def _coordination(ctx):
    return ctx.voronoi().nlist.counts.astype(np.float64)


def _tong_tanaka(ctx):
    from glassviz.structure import TongTanaka

    return TongTanaka(sigma=ctx.sigma, system=ctx.system).compute(ctx.snapshot, ctx.voronoi()).theta


def _compactness(ctx):
    from glassviz.structure import Compactness

    return Compactness(sigma=ctx.sigma, system=ctx.system).compute(ctx.snapshot, ctx.voronoi()).omega


def _steinhardt(l: int, wl: bool = False):
    def compute(ctx):
        from glassviz.structure.steinhardt import Steinhardt

        return Steinhardt(l, wl=wl).compute(ctx.snapshot, ctx.voronoi()).order

    return compute


def _hexatic_psi6(ctx):
    from glassviz.structure.steinhardt import Hexatic

    return Hexatic(6).compute(ctx.snapshot, ctx.voronoi()).modulus


def _propensity(ctx):
    from glassviz.dynamics import propensity

    return propensity(ctx.snapshot, ctx.time, moment=1)


def _propensity2(ctx):
    from glassviz.dynamics import propensity

    return propensity(ctx.snapshot, ctx.time, moment=2)


def _cage_propensity(ctx):
    from glassviz.dynamics import cage_propensity

    return cage_propensity(ctx.snapshot, ctx.time)


def _cage_msd(ctx):
    from glassviz.dynamics import cage_msd

    return cage_msd(ctx.snapshot, ctx.time)


def _bond_breakage(ctx):
    from glassviz.dynamics import bond_breakage
    from glassviz.systems import get_system

    lj_sigma = None if ctx.system is None else np.asarray(get_system(ctx.system).lj_sigma)
    return bond_breakage(ctx.snapshot, ctx.time, lj_sigma=lj_sigma)


register(FieldSpec("voronoi_volume", "Voronoi cell volume (area in 2D), Υ", _voronoi_volume, "sigma^d"))
register(FieldSpec("coordination", "number of Voronoi neighbours", _coordination))
register(FieldSpec("tong_tanaka", "Tong-Tanaka bond-angle order Θ", _tong_tanaka, "rad"))
register(FieldSpec("compactness", "Tong-Tanaka tetrahedral compactness Ω", _compactness, dims=(3,)))
register(FieldSpec("steinhardt_q4", "Steinhardt q4 over Voronoi neighbours, facet-area weighted",
                   _steinhardt(4), dims=(3,)))
register(FieldSpec("steinhardt_q6", "Steinhardt q6 over Voronoi neighbours, facet-area weighted",
                   _steinhardt(6), dims=(3,)))
register(FieldSpec("steinhardt_w6", "Steinhardt normalised w6 over Voronoi neighbours, facet-area weighted",
                   _steinhardt(6, wl=True), dims=(3,)))
register(FieldSpec("hexatic_psi6", "hexatic order |psi6| over Voronoi neighbours, edge-length weighted",
                   _hexatic_psi6, dims=(2,)))
register(FieldSpec("propensity", "dynamic propensity <|Δr|> over the isoconfigurational ensemble",
                   _propensity, "sigma", needs_ensemble=True))
register(FieldSpec("propensity2", "<|Δr|^2> over the isoconfigurational ensemble", _propensity2, "sigma^2",
                   needs_ensemble=True))
register(FieldSpec("cage_propensity", "cage-relative propensity <|Δr - <Δr>_Voronoi neighbours|>",
                   _cage_propensity, "sigma", needs_ensemble=True))
register(FieldSpec("cage_msd", "Oyama's propensity Δ: <|Δr - <Δr>_i and Voronoi neighbours|^2>",
                   _cage_msd, "sigma^2", needs_ensemble=True))
register(FieldSpec("bond_breakage", "mean fraction of initial bonds broken (Yamamoto-Onuki, A1 1.1, A2 1.5)",
                   _bond_breakage, needs_ensemble=True))
