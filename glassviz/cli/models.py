"""``glassviz models``: list the bundled and user models; import published checkpoints."""

from __future__ import annotations

import json
import os


def add_parser(sub) -> None:
    ms = sub.add_parser("models", help="list and import models").add_subparsers(dest="models_command", metavar="ACTION")
    ms.required = True
    ml = ms.add_parser("list", help="the bundled and user models")
    ml.add_argument("--json", action="store_true", help="print the model cards as JSON")
    ml.set_defaults(run=run_models_list)
    mi = ms.add_parser("import", help="convert a published checkpoint into a glassviz model",
                       description="deepmind PREFIX: a DeepMind glassy_dynamics TensorFlow checkpoint (PREFIX.index + "
                                   "PREFIX.data-*), read without TensorFlow; botan FILE.pth: pyg_botan weights.")
    mi.add_argument("source", choices=("deepmind", "botan"))
    mi.add_argument("path", help="checkpoint prefix (deepmind) or .pth file (botan)")
    mi.add_argument("--name", required=True, help="name of the new model")
    mi.add_argument("--temperature", type=float, default=None,
                    help="temperature the weights were trained at (deepmind default: from the name, t044 = 0.44)")
    mi.add_argument("--time", type=float, default=None,
                    help="time horizon the weights predict (deepmind default: from the name, s09 at T 0.44 = 0.132)")
    mi.add_argument("--system", default="KA3D", help="system the weights were trained on (default KA3D)")
    mi.set_defaults(run=run_models_import)
    me = ms.add_parser("ensemble", help="make models an ensemble (fields propensity_mean@NAME, propensity_std@NAME)",
                       description="Record MEMBERS (propensity models predicting the same quantity as NAME: same "
                                   "architecture, system, temperature and time) as NAME's ensemble, in the cards. "
                                   "propensity_mean@NAME and propensity_std@NAME are then the mean and the sample "
                                   "standard deviation of the members' predictions (NAME included).")
    me.add_argument("name")
    me.add_argument("members", nargs="+")
    me.set_defaults(run=run_models_ensemble)


def run_models_list(args) -> int:

    from glassviz.models.store import list_cards

    cards = list_cards()
    if args.json:
        keys = ("name", "kind", "arch", "system", "dim", "temperature", "time", "classes", "source", "metrics",
                "origin", "ensemble", "member_of")
        print(json.dumps([{k: c.get(k) for k in keys} for c in cards], indent=1))
        return 0
    if not cards:
        from glassviz.bundled import models_dir
        from glassviz.models.store import user_dir

        print(f"no models installed (bundled: {models_dir()}; user: {user_dir()})")
    for c in cards:
        what = f"T={c.get('temperature')} t={c.get('time')}" if c["kind"] == "propensity" else \
            f"classes {', '.join(map(str, c.get('classes') or []))}"
        if c.get("ensemble"):
            what += f", ensemble of {len(c['ensemble']['members'])}"
        if c.get("member_of"):
            what += f", member of {c['member_of']}"
        print(f"{c['name']:28s} {c['arch']:9s} {c.get('system') or '-':6s} {what}  [{c['origin']}]")
    return 0


def run_models_ensemble(args) -> int:
    from glassviz.models.store import set_ensemble

    path = set_ensemble(args.name, args.members)
    print(f"{args.name}: ensemble of {len(args.members) + 1} recorded in {path}")
    return 0


def run_models_import(args) -> int:
    from glassviz.models.store import check_name, save_model
    from glassviz.systems import get_system

    check_name(args.name)
    system = get_system(args.system)
    if args.source == "deepmind":
        from glassviz.models.importers.deepmind import import_ntgnn

        model, defaults = import_ntgnn(args.path)
        source = ("DeepMind glassy_dynamics checkpoint (Bapst et al., Nat. Phys. 16, 448 (2020)), "
                  f"imported from {os.path.basename(args.path)}")
        graph = {"cutoff": 2.0, "self_edges": True}
    else:
        from glassviz.models.importers.botan import import_botan

        model = import_botan(args.path)
        defaults = {"temperature": None, "time": None}
        source = f"pyg_botan weights (Shiba et al., JCP 158, 084503 (2023)), imported from {os.path.basename(args.path)}"
        graph = {"cutoff": 2.0, "self_edges": False}
    card = {"name": args.name, "kind": "propensity", "system": system.name, "dim": system.dim,
            "temperature": args.temperature if args.temperature is not None else defaults["temperature"],
            "time": args.time if args.time is not None else defaults["time"],
            "source": source, "licence": "Apache-2.0", "graph": graph, "metrics": {},
            "training": {"imported_from": os.path.abspath(args.path)}}
    path = save_model(model, card)
    from glassviz.progress import get_logger

    get_logger("models").info(f"imported {args.source} model {args.name!r} (T={card['temperature']}, "
                              f"t={card['time']}) into {path}")
    return 0
