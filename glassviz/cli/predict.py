"""``glassviz predict``: a propensity model's per-particle predictions.

One snapshot: the table ``id``, ``type``, ``x``, ``y``, (``z``), ``propensity@MODEL`` (and with
``--edges`` BOTAN's edge predictions).  Several snapshots: one long table starting with
``file``, ``frame``, ``timestep``; the model is read once per worker and predicts batches of
snapshots in one forward pass (on the GPU when there is one).
"""

from __future__ import annotations

from glassviz.cli.common import add_batch_options, add_orientations_option, snapshot_refs, write_long_table


def add_parser(sub) -> None:
    pr = sub.add_parser("predict", help="per-particle predictions of a propensity model for snapshots",
                        description="Predict the propensity of every particle of every snapshot.  DATA are files, "
                                    "globs or directories; a trajectory contributes each frame (or the --frames "
                                    "slice); several snapshots give one long table starting with file, frame, "
                                    "timestep, written as snapshots finish.")
    pr.add_argument("data", nargs="+", metavar="DATA", help="snapshot files, globs or directories")
    pr.add_argument("--model", required=True)
    pr.add_argument("-o", "--output", default=None, help="table (.csv, .parquet, .extxyz); none = CSV on stdout")
    pr.add_argument("--edges", default=None, help="BOTAN, one snapshot: also write the edge predictions "
                                                  "(sender, receiver, value) as CSV here")
    add_orientations_option(pr)
    add_batch_options(pr)
    pr.set_defaults(run=run_predict)


def run_predict(args) -> int:
    from glassviz.errors import GlassvizError
    from glassviz.models.store import locate

    locate(args.model)  # an unknown model is one line before any snapshot is read
    refs = snapshot_refs(args)
    if len(refs) == 1 and args.frames is None:
        return _one_snapshot(args, refs[0])
    if args.edges:
        raise GlassvizError(f"--edges writes the edge predictions of one snapshot; DATA holds {len(refs)}")
    from glassviz.analysis.field_table import FieldTableJob

    job = FieldTableJob((f"propensity@{args.model}",), orientations=args.orientations)
    write_long_table(job, refs, args)
    return 0


def _one_snapshot(args, ref) -> int:
    from glassviz.errors import GlassvizError
    from glassviz.fields.models import cached_model
    from glassviz.io.tables import write_table
    from glassviz.models.inference import predict

    snap = ref.load()
    model, card = cached_model(args.model)
    pred = predict(model, card, [snap], orientations=args.orientations)[0]
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
