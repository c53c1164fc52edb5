"""``glassviz classify``: class and probabilities of snapshots under a classifier."""

from __future__ import annotations

import json

from glassviz.cli.common import add_quiet


def add_parser(sub) -> None:
    cl = sub.add_parser("classify", help="class and probabilities of snapshots under a classifier (CNN, attention)")
    cl.add_argument("snapshots", nargs="+")
    cl.add_argument("--model", required=True)
    cl.add_argument("--json", action="store_true")
    add_quiet(cl)
    cl.set_defaults(run=run_classify)


def run_classify(args) -> int:
    import glassviz
    from glassviz.models.classify import classify
    from glassviz.models.store import load_model
    from glassviz.progress import progress

    model, card = load_model(args.model)
    if card.get("kind") != "classifier":
        from glassviz.errors import GlassvizError

        raise GlassvizError(f"model {args.model!r} is a {card.get('kind')} model; classify needs a classifier")
    # one snapshot in memory at a time
    rows = classify(model, card, (glassviz.load(p) for p in progress(args.snapshots, "classify", unit="file")))
    for r, p in zip(rows, args.snapshots):
        r["file"] = p
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            probs = ", ".join(f"{k} {v:.3f}" for k, v in r["probabilities"].items())
            print(f"{r['class']:>8s}  ({probs})  {r['file']}")
    return 0
