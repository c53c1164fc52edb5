"""Names the views, the tables and the figures give to fields and to their processing state, so
the dashboard and ``glassviz export`` label a panel the same way (Oyama et al. 2023 symbols:
Γ Grad-CAM, Υ Voronoi volume, Θ Tong-Tanaka order)."""

from __future__ import annotations

SYMBOLS = {
    "voronoi_volume": ("Υ", "Voronoi volume"),
    "coordination": ("Z", "Voronoi coordination"),
    "tong_tanaka": ("Θ", "Tong–Tanaka order"),
    "compactness": ("Ω", "tetrahedral compactness"),
    "propensity": ("p", "propensity (ensemble)"),
    "propensity2": ("p₂", "⟨|Δr|²⟩ (ensemble)"),
    "cage_propensity": ("p_cage", "cage-relative propensity"),
    "bond_breakage": ("C_B", "bond breakage"),
    "cage_msd": ("Δ", "cage-relative squared displacement (ensemble)"),
    "steinhardt_q4": ("q₄", "Steinhardt q4"),
    "steinhardt_q6": ("q₆", "Steinhardt q6"),
    "steinhardt_w6": ("ŵ₆", "Steinhardt w6"),
    "hexatic_psi6": ("|ψ₆|", "hexatic order"),
}
MODEL_KINDS = {
    "propensity": ("p̂", "predicted propensity"),
    "edge_change": ("Δr̂", "predicted pair-distance change"),
    "propensity_mean": ("p̄", "ensemble-mean predicted propensity"),
    "propensity_std": ("σₚ", "ensemble spread of the predicted propensity"),
    "gradcam": ("Γ", "Grad-CAM"),
    "attention": ("a", "attention received"),
}


def field_title(name: str, time: float | None = None) -> str:
    """e.g. 'Θ  Tong–Tanaka order', 'p  propensity (ensemble), t = 16.5',
    'Γ  Grad-CAM · cnn_ka2d_T0.8_vs_T0.05', 'c_pe  column of the file'."""
    from glassviz.fields.names import FieldName

    parsed = FieldName.parse(name)
    if parsed.is_model and parsed.kind in MODEL_KINDS:
        sym, text = MODEL_KINDS[parsed.kind]
        return f"{sym}  {text} · {parsed.model}"
    if parsed.is_column or name not in SYMBOLS:
        return f"{parsed.kind if parsed.is_column else name}  column of the file"
    sym, text = SYMBOLS[name]
    if name in ("propensity", "propensity2", "cage_propensity", "bond_breakage", "cage_msd") and time is not None:
        text += f", t = {time:g}"
    return f"{sym}  {text}"


def title_lines(name: str, time: float | None = None) -> list[str]:
    """The title split for a narrow figure panel: symbol and quantity, then the model name."""
    title = field_title(name, time)
    return title.split(" · ", 1) if " · " in title else [title]


def state_label(xi: float, normalize: bool, flipped: bool) -> str:
    """'raw', 'coarse-grained ξ = 3', '..., normalised', '..., 1 − X' (DESIGN: the views say
    when a field is shown normalised, coarse-grained or as 1 - X)."""
    parts = [f"coarse-grained ξ = {xi:g}" if xi and xi > 0 else "raw"]
    if normalize:
        parts.append("normalised")
    if flipped:
        parts.append("1 − X")
    return ", ".join(parts)
