"""Import the DeepMind glassy_dynamics NT-GNN checkpoint (Bapst et al. 2020) without TensorFlow.

The TensorFlow 1 checkpoint is read with :mod:`glassviz.models.importers.tf_bundle`; Sonnet
``Linear`` modules store ``w`` as (in, out) and compute x w + b, so ``w`` is transposed into
PyTorch's (out, in).  Adam slots and the untrained edge decoder (``graph_independent_1/
edge_model``) are not imported.  The file name gives the training point: ``t044_s09`` =
T = 0.44, time at which F_s = 0.9, which is t = 0.132 (``../shared/data/PROVENANCE.md``).
"""

from __future__ import annotations

import os
import re

import numpy as np

from glassviz.errors import InputError
from glassviz.models.importers.tf_bundle import load_checkpoint

# Sonnet module -> (our Sequential, indices of its Linear layers)
_MODULES = {
    "Graph/graph_independent/node_model/mlp": ("node_encoder", 2),
    "Graph/graph_independent/edge_model/mlp": ("edge_encoder", 2),
    "Graph/graph_network/edge_block/mlp": ("edge_core", 2),
    "Graph/graph_network/node_block/mlp": ("node_core", 2),
    "Graph/graph_independent_1/node_model/mlp": ("decoder", 3),
}
# horizons of the published checkpoints: F_s value -> LJ time at T = 0.44 (DeepMind files)
_TIMES_T044 = {0.9: 0.132, 0.8: 0.477, 0.7: 455.541, 0.6: 1245.12, 0.5: 2587.017, 0.4: 4477.035,
               0.3: 7747.854, 0.2: 12236.973, 0.1: 23204.031}
_NAME = re.compile(r"t(\d)(\d+)_s(\d)(\d*)")


def defaults_from_name(prefix) -> dict:
    """Temperature, F_s value and time from a name like ``t044_s09`` (None where unknown)."""
    m = _NAME.search(os.path.basename(os.fspath(prefix)))
    if not m:
        return {"temperature": None, "fs_value": None, "time": None}
    temperature = float(f"{m.group(1)}.{m.group(2)}")
    fs_value = float(f"{m.group(3)}.{m.group(4) or 0}")
    time = _TIMES_T044.get(round(fs_value, 3)) if abs(temperature - 0.44) < 1e-9 else None
    return {"temperature": temperature, "fs_value": fs_value, "time": time}


def state_dict_from_checkpoint(prefix) -> dict[str, np.ndarray]:
    """NT-GNN state dict (numpy) from a DeepMind checkpoint prefix."""
    tensors = load_checkpoint(prefix)
    out = {}
    for module, (ours, n_layers) in _MODULES.items():
        for k in range(n_layers):
            w_key, b_key = f"{module}/linear_{k}/w", f"{module}/linear_{k}/b"
            if w_key not in tensors or b_key not in tensors:
                raise InputError(f"{os.fspath(prefix)}.index", f"not a DeepMind NT-GNN checkpoint (no {w_key})")
            out[f"{ours}.{2 * k}.weight"] = np.ascontiguousarray(tensors[w_key].T)
            out[f"{ours}.{2 * k}.bias"] = tensors[b_key]
    return out


def import_ntgnn(prefix):
    """(NTGNN with the checkpoint's weights, defaults from the name)."""
    import torch

    from glassviz.models.ntgnn import NTGNN

    state = state_dict_from_checkpoint(prefix)
    model = NTGNN(dim=state["edge_encoder.0.weight"].shape[1], hidden=state["node_encoder.0.weight"].shape[0])
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if expected != got:
        bad = sorted(k for k in expected if expected[k] != got.get(k))
        raise InputError(f"{os.fspath(prefix)}.index", f"checkpoint shapes do not match the NT-GNN: {bad[:3]}")
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    model.eval()
    return model, defaults_from_name(prefix)
