"""The model store: weights as safetensors plus a JSON model card, one pair per model.

Models are looked up by name in the user directory first, then among the bundled models
(``pretrained/`` in the repository, package data ``glassviz.pretrained`` once installed; see
:mod:`glassviz.bundled`).  The user directory is ``$GLASSVIZ_HOME/models`` when the
environment variable ``GLASSVIZ_HOME`` is set, else ``$XDG_DATA_HOME/glassviz/models``
(``~/.local/share/glassviz/models``).  Loading reads tensors only (safetensors): nothing in a
model file can run code.

Card fields (DESIGN.md): ``name``, ``kind`` (propensity | classifier), ``arch`` (ntgnn |
botan | cnn | attention), ``system``, ``dim``, ``temperature``, ``time``, ``classes``,
``source``, ``licence``, ``training`` (data, settings), ``metrics``, ``config`` (architecture
hyper-parameters), ``graph`` (cutoff, self_edges) for graph models.
"""

from __future__ import annotations

import json
import os
import re

from glassviz.bundled import models_dir
from glassviz.errors import GlassvizError, InputError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def user_dir() -> str:
    home = os.environ.get("GLASSVIZ_HOME")
    if home:
        return os.path.join(home, "models")
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "glassviz", "models")


ARCHS = {  # architecture name -> "module:class", imported when a model of it is built
    "ntgnn": "glassviz.models.ntgnn:NTGNN",
    "botan": "glassviz.models.botan:BOTAN",
    "cnn": "glassviz.models.cnn:OyamaCNN",
    "attention": "glassviz.models.attention:AttentionClassifier",
}


def architecture(arch: str):
    import importlib

    if arch not in ARCHS:
        raise GlassvizError(f"unknown model architecture {arch!r} (known: {', '.join(ARCHS)})")
    module, cls = ARCHS[arch].split(":")
    return getattr(importlib.import_module(module), cls)


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise GlassvizError(f"invalid model name {name!r}: use letters, digits, '.', '_' and '-'")
    return name


def list_cards() -> list[dict]:
    """Cards of every model, user models first; a user model shadows a bundled one of the same name."""
    seen, out = set(), []
    for directory, origin in ((user_dir(), "user"), (str(models_dir()), "bundled")):
        if not os.path.isdir(directory):
            continue
        for fname in sorted(os.listdir(directory)):
            if not fname.endswith(".json"):
                continue
            name = fname[:-5]
            if name in seen or not os.path.exists(os.path.join(directory, name + ".safetensors")):
                continue
            card = _read_card(os.path.join(directory, fname))
            card["origin"] = origin
            seen.add(name)
            out.append(card)
    return out


def _read_card(path: str) -> dict:
    try:
        with open(path) as fh:
            card = json.load(fh)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"unreadable model card ({exc.__class__.__name__})") from None
    for key in ("name", "arch", "kind"):
        if key not in card:
            raise InputError(path, f"model card lacks {key!r}")
    return card


def locate(name: str) -> tuple[str, str]:
    """(weights path, card path) of a model by name."""
    for directory in (user_dir(), str(models_dir())):
        base = os.path.join(directory, name)
        if os.path.exists(base + ".json") and os.path.exists(base + ".safetensors"):
            return base + ".safetensors", base + ".json"
    known = ", ".join(c["name"] for c in list_cards()) or "none"
    raise GlassvizError(f"no model named {name!r} (known models: {known}; see `glassviz models list`)")


def build(card: dict):
    """An untrained model of the card's architecture and configuration."""
    return architecture(card["arch"])(**card.get("config", {}))


def load_model(name: str):
    """(torch model in eval mode on the CPU, card) of the model ``name``."""
    from safetensors.torch import load_file

    weights, card_path = locate(name)
    card = _read_card(card_path)
    model = build(card)
    try:
        state = load_file(weights, device="cpu")
    except Exception as exc:  # safetensors raises its own error types
        raise InputError(weights, f"unreadable weights ({exc.__class__.__name__}: {exc})") from None
    mine = model.state_dict()
    if set(mine) != set(state) or any(mine[k].shape != state[k].shape for k in mine):
        raise InputError(weights, f"weights do not match the {card['arch']} architecture of its card")
    model.load_state_dict(state)
    model.eval()
    return model, card


def save_model(model, card: dict, directory: str | None = None) -> str:
    """Write ``NAME.safetensors`` and ``NAME.json`` (atomically) into ``directory`` (default:
    the user directory); returns the card path."""
    from safetensors.torch import save_file

    name = check_name(card["name"])
    directory = directory or user_dir()
    os.makedirs(directory, exist_ok=True)
    card = dict(card, arch=model.arch, config=model.config())
    base = os.path.join(directory, name)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, base + ".safetensors.tmp")
    os.replace(base + ".safetensors.tmp", base + ".safetensors")
    with open(base + ".json.tmp", "w") as fh:
        json.dump(card, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.replace(base + ".json.tmp", base + ".json")
    return base + ".json"


def _rewrite_card(name: str, update) -> str:
    """Apply ``update(card)`` to the card of model ``name`` and write it back atomically."""
    _, path = locate(name)
    with open(path) as fh:
        card = json.load(fh)
    update(card)
    try:
        with open(path + ".tmp", "w") as fh:
            json.dump(card, fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.replace(path + ".tmp", path)
    except OSError as exc:
        raise GlassvizError(f"cannot write {path}: {exc.strerror}") from None
    return path


def record_metrics(name: str, key: str, metrics: dict) -> str:
    """Add ``metrics`` to the card of model ``name`` under ``metrics[key]`` (atomically)."""
    return _rewrite_card(name, lambda card: card.setdefault("metrics", {}).__setitem__(key, metrics))


# what members of an ensemble must share with its base model
ENSEMBLE_KEYS = ("kind", "arch", "system", "dim", "temperature", "time", "graph")


def ensemble_members(card: dict) -> list[str]:
    """Names of the ensemble of the model of ``card`` (the model itself first); [] when none."""
    return list((card.get("ensemble") or {}).get("members") or [])


def set_ensemble(name: str, members: list[str]) -> str:
    """Make ``name`` and ``members`` (propensity models predicting the same quantity: same
    architecture, system, temperature, time and graph) an ensemble: the card of ``name`` lists
    them all (``ensemble.members``, ``name`` first) and each member's card names its base
    (``member_of``), so that the dashboard offers the ensemble's fields rather than each member."""
    base = _read_card(locate(name)[1])
    if base.get("kind") != "propensity":
        raise GlassvizError(f"model {name!r} is a {base.get('kind')} model; ensembles are of propensity models")
    members = [m for m in dict.fromkeys(members) if m != name]
    if not members:
        raise GlassvizError(f"an ensemble of {name!r} needs at least one other member")
    for m in members:
        card = _read_card(locate(m)[1])
        differ = [k for k in ENSEMBLE_KEYS if card.get(k) != base.get(k)]
        if differ:
            raise GlassvizError(f"model {m!r} differs from {name!r} in {', '.join(differ)}: not a member of its ensemble")
    for m in members:
        _rewrite_card(m, lambda card: card.__setitem__("member_of", name))
    return _rewrite_card(name, lambda card: card.__setitem__("ensemble", {"members": [name, *members]}))


def check_compatible(card: dict, snapshot) -> None:
    """Refuse a snapshot of another dimension or of another recognised system."""
    name = card.get("name")
    if card.get("dim") is not None and snapshot.dim != card["dim"]:
        raise InputError(snapshot.source, f"is {snapshot.dim}D but model {name!r} is for {card['dim']}D "
                         f"{card.get('system') or ''} snapshots".rstrip())
    system = snapshot.system()
    if card.get("system") and system is not None and system.name != card["system"]:
        raise InputError(snapshot.source, f"is a {system.name} snapshot but model {name!r} was trained on "
                         f"{card['system']}")
    if card.get("system") and system is None:
        raise InputError(snapshot.source, f"matches no known system (composition/density), but model {name!r} "
                         f"is for {card['system']}")
