"""Liquid/glass CNN of Oyama, Koyama & Kawasaki, Front. Phys. 10, 1007861 (2023), "What do deep
neural networks find in disordered structures of glasses?", on per-species density grids.

Gridding (the mapping operator M of the paper): the box (orthorhombic, periodic) is cut into
n_a = 4 round(L_a / (4 a)) cells per axis, a = ``spacing`` = 0.5 sigma_AA by default, so the
actual spacing a_a = L_a / n_a is within a few per cent of a and n_a is divisible by 4 (the
two stride-2 layers then tile the box exactly, which the periodic Grad-CAM read-back needs).
Channel s holds the relative density contrast of species s, Gaussian-smeared:

    rho_s(g) = sum_{i in s} exp(-|g - r_i|^2_min.image / (2 w^2)),   w = ``width`` = 0.5 sigma_AA,
    c_s(g) = rho_s(g) / <rho_s> - 1,     <rho_s> = N_s (2 pi w^2)^(d/2) / V  (per cell),
    input_s(g) = c_s(g) / std_g c_s        (unit variance per snapshot and channel),

summed over the cells within 3 w of each particle (periodic wrap).  Subtracting the mean makes
the input the density fluctuation the classes differ in (raw densities, all positive, left the
network at chance level in training).  Dividing by the snapshot's own standard deviation
removes the amplitude of the long-wavelength fluctuations, which in 2D differs from one
preparation (chain) to the next: a CNN fed the unscaled contrast learnt that amplitude (the
std of the A-channel contrast is 0.172 in the training liquids, 0.150 in the glasses, 0.155 in
an independently made liquid) and classified liquids from new chains as glass (0/100), while the
fully convolutional CNN on the scaled input classifies 200 held-out files from new chains
correctly.

Network (``OyamaCNN``; pre-softmax class scores, the input Grad-CAM differentiates):

    conv 5x5, 16 ch, stride 1, circular padding, ReLU          (S, n, n)      -> (16, n, n)
    conv 5x5, 32 ch, stride 2, circular padding, ReLU                          -> (32, n/2, n/2)
    conv 3x3, 32 ch, stride 2, circular padding, ReLU   = A^m  (last conv)     -> (32, n/4, n/4)
    ``fc``:   flatten -> 128, ReLU, dropout 0.5, 128 -> C            (fixed grid: one box size)
    ``gap``:  global average -> 64, ReLU, dropout 0.5, 64 -> C       (any box size)

No pooling (Oyama); the stride-2 convolutions keep the fully connected layer to 13k inputs at
N = 2000 KA2D (n = 80), and put the Grad-CAM grid at 4 a ~ 2 sigma.  2D and 3D (Conv2d / Conv3d) share the code.

Shapes:
    grid (B, S, n_1, ..., n_d) float32 -> scores (B, C)
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from glassviz.errors import InputError

SPACING = 0.5
WIDTH = 0.5
STRIDE = 4  # total downsampling of the three conv layers


def grid_shape(box_lengths, spacing: float = SPACING) -> tuple[int, ...]:
    """Cells per axis: the multiple of 4 nearest to L / spacing (at least 8)."""
    return tuple(max(2 * STRIDE, STRIDE * int(round(L / (STRIDE * spacing)))) for L in np.asarray(box_lengths, float))


def box_lengths(snapshot) -> np.ndarray:
    h = snapshot.h
    if not np.allclose(h, np.diag(np.diag(h))):
        raise InputError(snapshot.source, "is in a triclinic box; the CNN grids orthorhombic boxes only")
    return np.diag(h).copy()


def density_grid(snapshot, n_species: int, spacing: float = SPACING, width: float = WIDTH,
                 shape: tuple | None = None) -> np.ndarray:
    """(S, n_1, ..., n_d) float32 per-species density contrasts (module docstring).

    ``shape``: cells per axis (default :func:`grid_shape`).  Cell k of axis a is centred at
    fractional coordinate k / n_a of the box (the same convention as the read-back).
    """
    L = box_lengths(snapshot)
    d = snapshot.dim
    shape = tuple(shape or grid_shape(L, spacing))
    n = np.array(shape)
    cell = L / n
    # fractional coordinates in [0, 1)
    frac = np.mod(snapshot.positions / L + 0.5, 1.0)
    reach = np.ceil(3 * width / cell).astype(int)
    base = np.floor(frac * n).astype(np.int64)  # (N, d)
    offsets = np.stack(np.meshgrid(*[np.arange(-r, r + 2) for r in reach], indexing="ij"), -1).reshape(-1, d)
    grid = np.zeros((n_species, *shape), dtype=np.float64)
    flat = grid.reshape(n_species, -1)
    strides = np.array([int(np.prod(shape[a + 1:])) for a in range(d)])
    species = np.asarray(snapshot.species)
    if species.max(initial=0) >= n_species:
        raise InputError(snapshot.source, f"has {species.max() + 1} species; the model expects {n_species}")
    for chunk in range(0, len(frac), 4096):
        f = frac[chunk:chunk + 4096]
        cells = base[chunk:chunk + 4096, None, :] + offsets[None]            # (B, K, d)
        delta = (cells / n - f[:, None, :]) * L                            # displacement cell - particle
        delta -= np.round(delta / L) * L
        w = np.exp(-np.einsum("bkd,bkd->bk", delta, delta) / (2 * width**2))
        idx = (np.mod(cells, n) * strides).sum(-1)
        s = species[chunk:chunk + 4096]
        for k in range(n_species):
            rows = s == k
            np.add.at(flat[k], idx[rows].ravel(), w[rows].ravel())
    counts = np.bincount(species, minlength=n_species)
    mean = counts * (2 * np.pi * width**2) ** (d / 2) / np.prod(cell) / np.prod(n)
    grid /= np.where(mean > 0, mean, 1).reshape((n_species,) + (1,) * d)
    grid -= (mean > 0).reshape((n_species,) + (1,) * d)
    std = grid.reshape(n_species, -1).std(axis=1)
    grid /= np.where(std > 0, std, 1).reshape((n_species,) + (1,) * d)
    return grid.astype(np.float32)


def periodic_interpolate(field: np.ndarray, frac: np.ndarray) -> np.ndarray:
    """Multilinear interpolation of a periodic grid field (n_1, ..., n_d), cell k at fractional
    coordinate k / n_a, at fractional positions ``frac`` (N, d): the inverse mapping M^-1."""
    shape = np.array(field.shape)
    d = len(shape)
    x = np.mod(frac, 1.0) * shape
    lo = np.floor(x).astype(np.int64)
    t = x - lo
    out = np.zeros(len(frac))
    for corner in range(2 ** d):
        bits = np.array([(corner >> a) & 1 for a in range(d)])
        idx = np.mod(lo + bits, shape)
        weight = np.prod(np.where(bits, t, 1 - t), axis=1)
        out += weight * field[tuple(idx.T)]
    return out


class OyamaCNN(nn.Module):
    """The Oyama CNN (module docstring); ``head`` = "fc" (fixed grid) or "gap" (any box)."""

    arch = "cnn"

    def __init__(self, dim: int = 2, n_species: int = 2, n_classes: int = 2, head: str = "fc",
                 grid: tuple | None = None, dropout: float = 0.5):
        super().__init__()
        if head not in ("fc", "gap"):
            raise ValueError(f"head must be 'fc' or 'gap', got {head!r}")
        if head == "fc" and grid is None:
            raise ValueError("the 'fc' head needs the grid shape")
        conv = nn.Conv2d if dim == 2 else nn.Conv3d
        self.dim, self.n_species, self.n_classes, self.head = dim, n_species, n_classes, head
        self.grid = tuple(grid) if grid is not None else None
        self.dropout = dropout
        kw = {"padding_mode": "circular"}
        self.conv1 = conv(n_species, 16, 5, stride=1, padding=2, **kw)
        self.conv2 = conv(16, 32, 5, stride=2, padding=2, **kw)
        self.conv3 = conv(32, 32, 3, stride=2, padding=1, **kw)
        if head == "fc":
            cells = int(np.prod([g // STRIDE for g in self.grid]))
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * cells, 128), nn.ReLU(), nn.Dropout(dropout),
                                            nn.Linear(128, n_classes))
        else:
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32, 64), nn.ReLU(), nn.Dropout(dropout),
                                            nn.Linear(64, n_classes))

    def config(self) -> dict:
        return {"dim": self.dim, "n_species": self.n_species, "n_classes": self.n_classes, "head": self.head,
                "grid": list(self.grid) if self.grid else None, "dropout": self.dropout}

    def features(self, grid: torch.Tensor) -> torch.Tensor:
        """A^m: the last conv layer's activations (B, 32, n_1/4, ...)."""
        x = torch.relu(self.conv1(grid))
        x = torch.relu(self.conv2(x))
        return torch.relu(self.conv3(x))

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        if self.head == "gap":
            features = features.mean(dim=tuple(range(2, features.dim())), keepdim=True)
        return self.classifier(features)

    def forward(self, grid: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(grid))


def check_grid(card: dict, snapshot, shape: tuple) -> None:
    """Refuse a snapshot whose grid the model cannot take (fixed-grid models: one box size)."""
    cfg = card.get("config", {})
    if cfg.get("head") == "fc" and tuple(cfg["grid"]) != tuple(shape):
        accepted = card.get("accepts", {}).get("box", "the box size it was trained on")
        raise InputError(snapshot.source, f"grids to {'x'.join(map(str, shape))} cells, but model "
                         f"{card.get('name')!r} takes {'x'.join(map(str, cfg['grid']))} only ({accepted}); "
                         "use a fully convolutional ('gap') model for other box sizes")


def snapshot_grid(card: dict, snapshot) -> np.ndarray:
    """The model's input for ``snapshot`` after the system/dimension/grid checks."""
    from glassviz.models.store import check_compatible

    check_compatible(card, snapshot)
    cfg = card.get("config", {})
    shape = grid_shape(box_lengths(snapshot), card.get("grid_spacing", SPACING))
    check_grid(card, snapshot, shape)
    return density_grid(snapshot, cfg.get("n_species", 2), card.get("grid_spacing", SPACING),
                        card.get("grid_width", WIDTH), shape)


def accepted_boxes(grid: tuple, spacing: float = SPACING) -> str:
    """Text for the card: the box lengths that grid to ``grid`` (fc models)."""
    lo = [STRIDE * spacing * (g / STRIDE - 0.5) for g in grid]
    hi = [STRIDE * spacing * (g / STRIDE + 0.5) for g in grid]
    return " x ".join(f"[{a:.2f}, {b:.2f})" for a, b in zip(lo, hi)) + " sigma"
