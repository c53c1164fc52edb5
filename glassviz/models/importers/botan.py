"""Import pyg_botan weights (``model*.pth`` state dicts of Shiba et al.'s PyG code).

The file is read with ``torch.load(weights_only=True)`` (no code in it can run) onto the CPU
and renamed to :class:`glassviz.models.botan.BOTAN` (``fcK`` -> Sequential index 2(K-1)).
"""

from __future__ import annotations

import os

from glassviz.errors import InputError

_PREFIX = {"node_encoder": "node_encoder", "edge_encoder": "edge_encoder", "decoder": "decoder",
           "network.edge_model.mlp": "edge_core", "network.node_model.mlp": "node_core"}


def import_botan(path):
    """BOTAN with the weights of a pyg_botan ``.pth`` file."""
    import torch

    from glassviz.models.botan import BOTAN

    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    try:
        raw = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - torch raises many types for a bad file
        raise InputError(path, f"not a loadable PyTorch state dict ({exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0][:120]})") from None
    if not isinstance(raw, dict):
        raise InputError(path, "does not hold a state dict")
    state = {}
    for key, value in raw.items():
        head, _, tail = key.rpartition(".")  # e.g. network.edge_model.mlp.fc1 / weight
        module, _, fc = head.rpartition(".")
        if module not in _PREFIX or not fc.startswith("fc"):
            raise InputError(path, f"unexpected parameter {key!r}: not a pyg_botan BOTAN state dict")
        state[f"{_PREFIX[module]}.{2 * (int(fc[2:]) - 1)}.{tail}"] = value
    model = BOTAN(dim=state["edge_encoder.0.weight"].shape[1], hidden=state["node_encoder.0.weight"].shape[0])
    mine = model.state_dict()
    if set(mine) != set(state) or any(mine[k].shape != state[k].shape for k in mine):
        raise InputError(path, "parameter names or shapes do not match pyg_botan's BOTAN")
    model.load_state_dict(state)
    model.eval()
    return model
