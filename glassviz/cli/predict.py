"""``glassviz predict``: a propensity model's per-particle predictions."""

from __future__ import annotations



def add_parser(sub) -> None:
    pr = sub.add_parser("predict", help="per-particle predictions of a model for a snapshot")
    pr.add_argument("snapshot")
    pr.add_argument("--model", required=True)
    pr.add_argument("--frame", type=int, default=None)
    pr.add_argument("--format", default=None)
    pr.add_argument("-o", "--output", default=None, help="table (.csv, .parquet, .extxyz); none = CSV on stdout")
    pr.add_argument("--edges", default=None, help="BOTAN: also write the edge predictions (sender, receiver, value) "
                                                  "as CSV here")
    pr.set_defaults(run=run_predict)


def run_predict(args) -> int:
    import glassviz
    from glassviz.errors import GlassvizError
    from glassviz.io.tables import write_table
    from glassviz.models.inference import predict
    from glassviz.models.store import load_model

    snap = glassviz.load(args.snapshot, frame=args.frame, format=args.format)
    model, card = load_model(args.model)
    pred = predict(model, card, [snap])[0]
    write_table(snap, {f"propensity@{args.model}": pred.nodes}, args.output)
    if args.edges:
        if pred.edges is None:
            raise GlassvizError(f"model {args.model!r} ({card['arch']}) predicts no edges")
        import pandas as pd

        from glassviz.io.tables import write_frame

        g = pred.graph
        write_frame(pd.DataFrame({"sender_id": snap.ids[g.senders], "receiver_id": snap.ids[g.receivers],
                                        f"edge_change@{args.model}": pred.edges}), args.edges)
    return 0
