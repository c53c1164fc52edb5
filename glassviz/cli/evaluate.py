"""``glassviz evaluate``: Pearson correlation (type A) of a model against stored ground truth."""

from __future__ import annotations

import json

import numpy as np

from glassviz.cli.common import add_orientations_option, add_quiet


def add_parser(sub) -> None:
    ev = sub.add_parser("evaluate", help="Pearson correlation (type A) of a model against stored ground truth")
    ev.add_argument("--model", required=True)
    ev.add_argument("data", nargs="+", help="files holding isoconfigurational ensembles")
    ev.add_argument("--time", type=float, default=None,
                    help="time of the ground truth (default: the model's time); also labels a file whose time "
                         "is unknown (a GlassBench time code with no published time), and the output says so")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--rotations", action="store_true",
                    help="also predict each snapshot turned by the 48 cubic rotations/reflections (8 in 2D) and "
                         "report the Pearson range and the prediction spread over them")
    ev.add_argument("--record", metavar="KEY", default=None,
                    help="store the result in the model card under metrics.KEY (the card must be writable)")
    ev.add_argument("--plot", metavar="FIG", default=None,
                    help="also draw predicted against true propensity of the type-A particles, with the Pearson in "
                         "the legend (.png, .pdf or .svg)")
    add_orientations_option(ev)
    add_quiet(ev)
    ev.set_defaults(run=run_evaluate)


def run_evaluate(args) -> int:

    import glassviz
    from glassviz.dynamics import pair_distance_change, propensity
    from glassviz.dynamics.propensity import time_source
    from glassviz.errors import InputError
    from glassviz.models.graphs import pair_values_on_edges
    from glassviz.models.inference import edge_pearson, pearson_a, predict, rotation_spread
    from glassviz.models.store import load_model, record_metrics
    from glassviz.progress import progress

    if args.plot:
        from glassviz.app.plotstyle import check_path

        check_path(args.plot)  # before the model runs
    model, card = load_model(args.model)
    time = args.time if args.time is not None else card.get("time")
    rows = []
    plotted = ([], [])  # type-A truths and predictions, for --plot
    for path in progress(args.data, "evaluate", unit="file"):
        snap = glassviz.load(path)
        if args.time is None and time_source(snap) == "unknown":
            note = snap.meta.get("time_note", "the file does not say the time of its ensemble")
            raise InputError(path, f"{note}; give it with --time")
        truth = propensity(snap, time)
        pred = predict(model, card, [snap], orientations=args.orientations)[0]
        row = {"file": path, "pearson": pearson_a(pred.nodes, truth, snap.species), "n_a": int((snap.species == 0).sum()),
               "time_source": time_source(snap)}
        if args.plot:
            plotted[0].append(np.asarray(truth, dtype=np.float32)[snap.species == 0])
            plotted[1].append(np.asarray(pred.nodes, dtype=np.float32)[snap.species == 0])
        if pred.edges is not None:
            pairs, change = pair_distance_change(snap, time, card.get("graph", {}).get("cutoff", 2.0))
            row["edge_pearson"] = edge_pearson(pred.edges, pred.graph, snap.species,
                                               pair_values_on_edges(pred.graph, pairs, change))
        if args.rotations:
            turned = rotation_spread(model, card, snap)
            a = snap.species == 0
            r = [pearson_a(p, truth, snap.species) for p in turned]
            # spread: per-particle standard deviation over the orientations, averaged over type A,
            # in units of the standard deviation of the prediction over type-A particles
            row["rotations"] = {"n": len(turned), "pearson_min": float(min(r)), "pearson_max": float(max(r)),
                                "pearson_mean": float(np.mean(r)),
                                "spread": float(turned[:, a].std(axis=0).mean() / turned[0, a].std())}
        rows.append(row)
    result = {"model": args.model, "time": time, "orientations": args.orientations, "files": rows,
              "mean": float(np.mean([r["pearson"] for r in rows])),
              "std": float(np.std([r["pearson"] for r in rows]))}
    if "edge_pearson" in rows[0]:
        result["edge_mean"] = float(np.mean([r["edge_pearson"] for r in rows]))
    if args.rotations:
        result["rotations"] = {k: float(np.mean([r["rotations"][k] for r in rows]))
                               for k in ("pearson_min", "pearson_max", "pearson_mean", "spread")}
    if args.plot:
        from glassviz.app.evaluation_plot import EvaluationSeries, plot_evaluation

        plot_evaluation([EvaluationSeries(args.model, np.concatenate(plotted[0]), np.concatenate(plotted[1]),
                                          result["mean"], len(rows))], args.plot, time=time)
    if args.record:
        record_metrics(args.model, args.record, {k: v for k, v in result.items() if k != "model"})
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for r in rows:
            extra = ""
            if args.rotations:
                q = r["rotations"]
                extra = (f"  ({q['n']} orientations: Pearson {q['pearson_min']:.4f}..{q['pearson_max']:.4f}, "
                         f"spread {q['spread']:.3f})")
            edge = f"  edges {r['edge_pearson']:.4f}" if "edge_pearson" in r else ""
            given = "  (time given with --time: the file does not store it)" if r["time_source"] == "user" else ""
            print(f"{r['pearson']:.4f}  {r['file']}{edge}{extra}{given}")
        edge = f"; edges (A-A, r < 1.35) {result['edge_mean']:.4f}" if "edge_mean" in result else ""
        averaged = f", averaged over {args.orientations} orientations" if args.orientations > 1 else ""
        print(f"{result['mean']:.4f}  mean over {len(rows)} files (type A, t = {time}{averaged}){edge}")
        if args.rotations:
            q = result["rotations"]
            print(f"orientations: Pearson {q['pearson_min']:.4f}..{q['pearson_max']:.4f} (mean {q['pearson_mean']:.4f}), "
                  f"prediction spread {q['spread']:.3f} of the spread over particles")
    return 0
