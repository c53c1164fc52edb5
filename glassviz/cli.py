"""The ``glassviz`` command (DESIGN.md, "Command line").

Every error from bad input is one line on stderr (``glassviz: error: FILE: problem``) and exit
status 2; heavy libraries (torch, Panel) are imported only by the subcommands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

EXIT_INPUT = 2


def _names_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    from glassviz import __version__

    p = argparse.ArgumentParser(
        prog="glassviz",
        description="See what machine-learning models find in the structure of glasses.")
    p.add_argument("--version", action="version", version=f"glassviz {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    f = sub.add_parser(
        "fields", help="per-particle fields of a snapshot as a table (CSV, Parquet, extxyz)",
        description="Compute per-particle fields of one snapshot frame and write them as a table with "
                    "columns id, type, x, y, (z), then the fields, one row per particle in file order.")
    f.add_argument("snapshot", help="snapshot file (LAMMPS dump/data, extxyz, GSD, DeepMind pickle, BOTAN npz)")
    f.add_argument("--frame", type=int, default=None, help="frame index in a multi-frame file (default 0; -1 = last)")
    f.add_argument("--format", default=None, help="file format, when the extension does not say it")
    f.add_argument("--time", type=float, default=None,
                   help="time of the stored isoconfigurational frame for 'propensity'")
    f.add_argument("--fields", type=_names_list, default=None,
                   help="comma-separated field names (default: voronoi_volume,coordination,tong_tanaka; "
                        "with an ensemble also propensity)")
    f.add_argument("--xi", type=float, default=0.0, help="coarse-graining length xi (0 = raw; Oyama uses 3)")
    f.add_argument("--r-cut", type=float, default=None, help="coarse-graining cutoff (default min(3 xi, L/2))")
    f.add_argument("--cg-method", choices=("split", "exact"), default="split",
                   help="coarse-graining sum: split (exact short range + FFT long range, fast; error ~1e-3 of the "
                        "raw field range) or exact (all pairs, slow)")
    f.add_argument("--normalize", "--normalise", action="store_true", help="min-max normalise each field to [0, 1]")
    f.add_argument("--one-minus", type=_names_list, default=[],
                   help="fields to show as 1 - X (after normalisation), e.g. tong_tanaka")
    g = f.add_mutually_exclusive_group()
    g.add_argument("--system", default=None, help="system whose particle sizes to use (KA3D, KA2D, ABM2D)")
    g.add_argument("--sigma", default=None, help="particle sizes for Tong-Tanaka, e.g. AA=1,AB=0.94,BB=0.88")
    f.add_argument("-o", "--output", default=None, help="output file (.csv, .parquet, .extxyz); '-' or none = CSV on stdout")
    f.add_argument("-q", "--quiet", action="store_true", help="do not report the recognised system on stderr")
    f.set_defaults(run=run_fields)

    m = sub.add_parser(
        "simulate", help="generate a dataset with LAMMPS (equilibrium, quench, isoconfigurational ensembles)",
        description="Generate configurations of a known system with LAMMPS on all cores: equilibrate at T "
                    "(Nose-Hoover NVT), measure tau_alpha from F_s(q, t), sample every --spacing tau_alpha; "
                    "optionally quench each to --quench-to, and/or run --replicas isoconfigurational NVE "
                    "replicas storing propensities and pair-distance changes at --times. Interrupted runs "
                    "resume with the same command and give the same files.")
    m.add_argument("system", type=str.upper, choices=("KA3D", "KA2D", "ABM2D"), metavar="{ka3d,ka2d,abm2d}")
    m.add_argument("--temperature", type=float, required=True, help="temperature T of the liquid")
    m.add_argument("--n-particles", type=int, required=True)
    m.add_argument("--configs", type=int, required=True, help="number of configurations")
    m.add_argument("--replicas", type=int, default=0, help="isoconfigurational replicas per configuration")
    m.add_argument("--times", type=lambda t: [float(x) for x in _names_list(t)], default=[],
                   help="times at which replica averages are stored, e.g. 0.1,0.5,8,16.5,50")
    m.add_argument("--quench-to", type=float, default=None, help="also quench each configuration to this T_G")
    m.add_argument("--cooling-rate", type=float, default=None, help="cooling rate of the quench (per LJ time)")
    m.add_argument("--hold-time", type=float, default=100.0, help="time at T_G after the quench (default 100)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--chains", type=int, default=2,
                   help="independent equilibrated chains the configurations are drawn from (default 2)")
    m.add_argument("--spacing", type=float, default=1.0, help="NVT time between samples, in tau_alpha (default 1)")
    m.add_argument("--equilibration", type=float, default=30.0,
                   help="equilibration before sampling, in units of the first tau_alpha estimate (default 30)")
    m.add_argument("--tau-max", type=float, default=2000.0, help="longest F_s(q, t) measurement (default 2000)")
    m.add_argument("--edge-cutoff", type=float, default=2.0, help="pairs with r(0) below it get pair-distance changes")
    m.add_argument("--store-replicas", action="store_true", help="also store the replicas' positions (large)")
    m.add_argument("--compact", action="store_true",
                   help="store the replica averages and pair-distance changes as float16 (training sets at scale)")
    m.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    m.add_argument("-o", "--output", required=True, help="output directory")
    m.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    m.set_defaults(run=run_simulate)

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

    pr = sub.add_parser("predict", help="per-particle predictions of a model for a snapshot")
    pr.add_argument("snapshot")
    pr.add_argument("--model", required=True)
    pr.add_argument("--frame", type=int, default=None)
    pr.add_argument("--format", default=None)
    pr.add_argument("-o", "--output", default=None, help="table (.csv, .parquet, .extxyz); none = CSV on stdout")
    pr.add_argument("--edges", default=None, help="BOTAN: also write the edge predictions (sender, receiver, value) "
                                                  "as CSV here")
    pr.set_defaults(run=run_predict)

    ev = sub.add_parser("evaluate", help="Pearson correlation (type A) of a model against stored ground truth")
    ev.add_argument("--model", required=True)
    ev.add_argument("data", nargs="+", help="files holding isoconfigurational ensembles")
    ev.add_argument("--time", type=float, default=None, help="time of the ground truth (default: the model's time)")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--rotations", action="store_true",
                    help="also predict each snapshot turned by the 48 cubic rotations/reflections (8 in 2D) and "
                         "report the Pearson range and the prediction spread over them")
    ev.add_argument("--record", metavar="KEY", default=None,
                    help="store the result in the model card under metrics.KEY (the card must be writable)")
    ev.set_defaults(run=run_evaluate)

    tr = sub.add_parser("train", help="train a model on glassviz datasets or DeepMind/pyg_botan files",
                        description="Train NT-GNN or BOTAN (propensity: Adam 1e-4, gradient clip 1, random cubic "
                                    "rotations/reflections) or a structure classifier (cnn: liquid/glass from two "
                                    "temperatures; attention: one class per temperature; cross-entropy, Adam). "
                                    "Validation split for early stopping, test split reported; resumes after an "
                                    "interruption.")
    tr.add_argument("arch", choices=("ntgnn", "botan", "cnn", "attention"))
    tr.add_argument("data", nargs="+", help="data files, or directories of them (config_*.npz and, for "
                                            "classifiers, glass_*.npz / *.npz / *.pickle)")
    tr.add_argument("--time", type=float, default=None, help="time horizon of the target (needed when files store several)")
    tr.add_argument("-o", "--output", required=True, help="name of the trained model")
    tr.add_argument("--epochs", type=int, default=None, help="at most this many epochs (default 200; classifiers 60)")
    tr.add_argument("--patience", type=int, default=None,
                    help="stop after this many epochs without a better validation score (default 20; classifiers 12)")
    tr.add_argument("--head", choices=("fc", "gap"), default="fc",
                    help="cnn: 'fc' (Oyama: fully connected, one box size) or 'gap' (global average pooling, any box)")
    tr.add_argument("--lr", type=float, default=None, help="classifiers: Adam learning rate (default 1e-3)")
    tr.add_argument("--batch", type=int, default=8, help="classifiers: configurations per step")
    tr.add_argument("--p-node", type=float, default=0.4, help="BOTAN node weight p in p MSE(nodes) + (1-p) MSE(edges)")
    tr.add_argument("--init", default=None, help="start from a stored model (name), pyg_botan weights (.pth) or a DeepMind checkpoint (PREFIX)")
    tr.add_argument("--match-mean", action="store_true",
                    help="with --init: first shift the output bias so the mean prediction equals the mean target "
                         "(always done for fresh networks)")
    tr.add_argument("--val-frac", type=float, default=0.1)
    tr.add_argument("--test-frac", type=float, default=0.1)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--store", default=None, help="directory to save the model in (default: the user model directory)")
    tr.add_argument("--workdir", default=None, help="checkpoints and log (default: <store>/NAME.training)")
    tr.add_argument("--licence", default=None, help="licence of the training data to record in the card")
    tr.set_defaults(run=run_train)

    cl = sub.add_parser("classify", help="class and probabilities of snapshots under a classifier (CNN, attention)")
    cl.add_argument("snapshots", nargs="+")
    cl.add_argument("--model", required=True)
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(run=run_classify)

    sv = sub.add_parser("serve", help="the dashboard: linked 2D/3D views, compare, shell ablation, export",
                        description="Serve the glassviz dashboard at http://ADDRESS:PORT/ on the snapshot files "
                                    "given (the bundled demo when none).")
    sv.add_argument("snapshots", nargs="*", help="snapshot files (any format glassviz reads)")
    sv.add_argument("--port", type=int, default=5006)
    sv.add_argument("--address", default="localhost")
    sv.add_argument("--show", action="store_true", help="open a browser tab")
    sv.set_defaults(run=run_serve)

    ex = sub.add_parser("export", help="publication figure of per-particle fields, without a browser",
                        description="Draw the fields of one snapshot as panels (a), (b), ... with colour bars "
                                    "(Oyama et al. 2023 Fig. 1 style), as the dashboard's export does.")
    ex.add_argument("snapshot")
    ex.add_argument("--fields", type=_names_list, required=True, help="comma-separated field names")
    ex.add_argument("-o", "--output", required=True, help="figure file: .pdf, .svg or .png (300 dpi)")
    ex.add_argument("--frame", type=int, default=None)
    ex.add_argument("--format", default=None, help="file format, when the extension does not say it")
    ex.add_argument("--time", type=float, default=None, help="time of the stored ensemble frame for 'propensity'")
    ex.add_argument("--xi", type=float, default=0.0, help="coarse-graining length (0 = raw)")
    ex.add_argument("--normalize", "--normalise", action="store_true")
    ex.add_argument("--one-minus", type=_names_list, default=[])
    ex.add_argument("--opacity-field", default=None, help="field setting the opacity (Oyama Fig. 1e-g)")
    ex.add_argument("--species", default=None, help="draw one species only (A, B or a type label)")
    ex.add_argument("--cmap", default="viridis")
    ex.add_argument("--clim", default="0,100", help="colour range as percentiles, e.g. 2,98")
    ex.add_argument("--slab-axis", default="z", choices=("x", "y", "z"), help="3D: normal of the slab drawn")
    ex.add_argument("--slab-position", type=float, default=0.5, help="3D: slab mid-plane, fraction of the box")
    ex.add_argument("--slab-thickness", type=float, default=2.0, help="3D: slab thickness (sigma)")
    ex.add_argument("--columns", type=int, default=3, help="panels per row")
    ex.add_argument("--system", default=None, help="system whose particle sizes Tong-Tanaka uses")
    ex.set_defaults(run=run_export)

    ab = sub.add_parser("ablate", help="shell ablation of a model's prediction for one particle (Bapst et al.)",
                        description="Prediction for the marked particle versus n: keep (only hop shells <= n) and "
                                    "stretch (shells > n moved radially outward by --delta).")
    ab.add_argument("snapshot")
    ab.add_argument("--model", required=True)
    ab.add_argument("--particle", type=int, required=True, help="id of the marked particle (as in the file)")
    ab.add_argument("--mode", choices=("keep", "stretch", "both"), default="both")
    ab.add_argument("--delta", type=float, default=0.1, help="outward displacement of stretch mode (default 0.1)")
    ab.add_argument("--max-shell", type=int, default=7, help="n runs from 1 to this (default 7)")
    ab.add_argument("--frame", type=int, default=None)
    ab.add_argument("-o", "--output", default=None, help="table (.csv or .parquet); none = CSV on stdout")
    ab.set_defaults(run=run_ablate)
    return p


def run_serve(args) -> int:
    from glassviz.app.layout import serve

    serve(args.snapshots, port=args.port, address=args.address, show=args.show)
    return 0


def run_export(args) -> int:
    import glassviz
    from glassviz.app.figure import FigureSpec, export
    from glassviz.app.plane import Slab
    from glassviz.errors import GlassvizError

    try:
        clim = tuple(float(x) for x in args.clim.split(","))
    except ValueError:
        clim = ()
    if len(clim) != 2 or not 0 <= clim[0] < clim[1] <= 100:
        raise GlassvizError(f"--clim must be two percentiles lo,hi with 0 <= lo < hi <= 100, got {args.clim!r}")
    if args.columns < 1:
        raise GlassvizError(f"--columns must be at least 1, got {args.columns}")
    snap = glassviz.load(args.snapshot, frame=args.frame, format=args.format)
    if args.species is not None:
        from glassviz.snapshot import species_mask

        species_mask(snap, args.species)  # one clear error for an unknown species
        labels = [str(lab) for lab in snap.type_labels]
        if args.species not in labels:
            args.species = labels[ord(args.species.upper()) - 65]
    spec = FigureSpec(fields=args.fields, xi=args.xi, normalize=args.normalize, one_minus=args.one_minus,
                      time=args.time, slab=Slab(args.slab_axis, args.slab_position, args.slab_thickness),
                      cmap=args.cmap, clim=clim, opacity_field=args.opacity_field, species=args.species,
                      columns=args.columns)
    from matplotlib import colormaps

    if args.cmap not in colormaps:
        raise GlassvizError(f"unknown colour map {args.cmap!r}")
    export(snap, spec, args.output, system=args.system)
    print(f"glassviz: wrote {args.output}", file=sys.stderr)
    return 0


def run_ablate(args) -> int:
    import glassviz
    from glassviz.errors import InputError
    from glassviz.explain.ablation import ShellAblation
    from glassviz.io.tables import write_frame
    from glassviz.models.store import load_model

    snap = glassviz.load(args.snapshot, frame=args.frame)
    rows = np.flatnonzero(snap.ids == args.particle)
    if len(rows) == 0:
        raise InputError(args.snapshot, f"has no particle with id {args.particle} (ids {snap.ids.min()}..{snap.ids.max()})")
    model, card = load_model(args.model)
    modes = ("keep", "stretch") if args.mode == "both" else (args.mode,)
    ab = ShellAblation(model, card, snap).compute(int(rows[0]), range(1, args.max_shell + 1), modes, args.delta)
    write_frame(ab.table(), args.output)
    return 0


def _data_files(items, glasses: bool = False) -> list[str]:
    import glob

    from glassviz.errors import InputError

    out = []
    for item in items:
        if os.path.isdir(item):
            found = sorted(glob.glob(os.path.join(item, "config_*.npz"))
                           + (glob.glob(os.path.join(item, "glass_*.npz")) if glasses else [])) or sorted(
                glob.glob(os.path.join(item, "*.npz")) + glob.glob(os.path.join(item, "*.pickle")))
            if not found:
                raise InputError(item, "directory holds no data files (config_*.npz, *.npz, *.pickle)")
            out += found
        else:
            out.append(item)
    return out


def run_train(args) -> int:
    if args.arch in ("cnn", "attention"):
        return run_train_classifier(args)
    import glassviz
    from glassviz.models.store import check_name, load_model, save_model, user_dir
    from glassviz.train.propensity import Trainer, TrainSettings, load_samples, split_files

    args.epochs = 200 if args.epochs is None else args.epochs
    args.patience = 20 if args.patience is None else args.patience
    check_name(args.output)
    files = _data_files(args.data)
    split = split_files(files, args.val_frac, args.test_frac, args.seed)
    first = glassviz.load(files[0])
    system = first.system()
    if system is None:
        from glassviz.errors import InputError

        raise InputError(files[0], "matches no known system; glassviz trains on KA3D/KA2D/ABM2D data")
    time = args.time
    if time is None and first.ensemble is not None and len(first.ensemble.times) == 1:
        time = float(first.ensemble.times[0])
    import torch

    torch.manual_seed(args.seed)
    if args.init:
        if args.init.endswith(".pth"):
            from glassviz.models.importers.botan import import_botan

            model = import_botan(args.init)
        elif os.path.exists(args.init + ".index"):
            from glassviz.models.importers.deepmind import import_ntgnn

            model, _ = import_ntgnn(args.init)
        else:
            model, _ = load_model(args.init)
        if model.arch != args.arch:
            from glassviz.errors import GlassvizError

            raise GlassvizError(f"--init {args.init} is a {model.arch} model, not {args.arch}")
    else:
        from glassviz.models.store import architecture

        model = architecture(args.arch)(dim=system.dim)
    with_edges = args.arch == "botan"
    log = (lambda msg: print(f"glassviz train {args.output}: {msg}", file=sys.stderr, flush=True))
    log(f"{len(split['train'])} training, {len(split['val'])} validation, {len(split['test'])} test configurations "
        f"of {system.name}, t = {time}")
    samples = {k: load_samples(v, time, args.arch, with_edges=with_edges) for k, v in split.items()}
    store = args.store or user_dir()
    workdir = args.workdir or os.path.join(store, args.output + ".training")
    settings = TrainSettings(arch=args.arch, time=time, epochs=args.epochs, patience=args.patience,
                             p_node=args.p_node, seed=args.seed, init_output_bias=not args.init or args.match_mean)
    trainer = Trainer(model, settings, samples["train"], samples["val"], workdir, progress=log)
    result = trainer.fit()
    test = trainer.evaluate(samples["test"]) if samples["test"] else None
    val = trainer.evaluate(samples["val"])
    card = {
        "name": args.output, "kind": "propensity", "system": system.name, "dim": system.dim,
        "temperature": first.temperature, "time": time,
        "source": "trained by glassviz", "licence": args.licence or "same as the training data",
        "graph": {"cutoff": 2.0, "self_edges": args.arch == "ntgnn"},
        "training": {"files": {k: [os.path.relpath(f) for f in v] for k, v in split.items()},
                     "init": args.init, "output_bias_matched": bool(settings.init_output_bias), "epochs_run": result["epochs_run"], "best_epoch": result["best_epoch"],
                     "optimizer": "Adam lr 1e-4, gradient clip 1", "augmentation": "random cubic rotation/reflection",
                     "loss": "MSE on type-A propensity" if args.arch == "ntgnn" else
                     f"{args.p_node} MSE(nodes) + {1 - args.p_node:g} MSE(edges)", "seed": args.seed},
        "metrics": {"validation": val, "test": test,
                    "definition": "mean over configurations of the Pearson correlation on type-A particles"
                                  + ("; edges: A-A pairs with r < 1.35" if with_edges else "")},
    }
    path = save_model(model, card, store)
    log(f"saved {path}; test Pearson {test['pearson']:.4f}" if test else f"saved {path}")
    return 0


def run_train_classifier(args) -> int:
    import glassviz
    from glassviz.errors import InputError
    from glassviz.io import dataset
    from glassviz.models.store import architecture, check_name, save_model, user_dir
    from glassviz.train.classifier import (ClassifierSettings, ClassifierTrainer, class_labels, load_items,
                                           split_by_configuration)

    check_name(args.output)
    files = _data_files(args.data, glasses=True)
    first = glassviz.load(files[0])
    system = first.system()
    if system is None:
        raise InputError(files[0], "matches no known system; glassviz trains on KA3D/KA2D/ABM2D data")
    metas = []
    for f in files:
        meta = dataset.read_arrays(f)["meta"] if dataset.is_dataset(f) else glassviz.load(f).meta
        meta = meta if isinstance(meta, dict) else json.loads(str(meta))
        if meta.get("temperature") is None:
            raise InputError(f, "carries no temperature; classifiers learn classes from the files' temperatures")
        metas.append((f, meta))
    labels, to_class = class_labels([m["temperature"] for _, m in metas], args.arch)
    split = split_by_configuration(metas, args.val_frac, args.test_frac, args.seed)
    n_species = len(first.type_labels)
    log = (lambda msg: print(f"glassviz train {args.output}: {msg}", file=sys.stderr, flush=True))
    log(f"{len(split['train'])} training, {len(split['val'])} validation, {len(split['test'])} test files of "
        f"{system.name}; classes {', '.join(labels)}")
    import torch

    torch.manual_seed(args.seed)
    extra_card = {}
    if args.arch == "cnn":
        from glassviz.models.cnn import SPACING, WIDTH, accepted_boxes, box_lengths, grid_shape

        shape = grid_shape(box_lengths(first), SPACING)
        if args.head == "fc":
            for f in files[1:]:
                other = grid_shape(box_lengths(glassviz.load(f)), SPACING)
                if other != shape:
                    raise InputError(f, f"grids to {other}, not {shape} like {files[0]}; a fixed-grid ('fc') CNN "
                                        "needs one box size (use --head gap)")
        model = architecture("cnn")(dim=system.dim, n_species=n_species, n_classes=len(labels), head=args.head,
                                    grid=shape if args.head == "fc" else None)
        extra_card = {"grid_spacing": SPACING, "grid_width": WIDTH,
                      "accepts": {"box": accepted_boxes(shape, SPACING) if args.head == "fc" else "any box size",
                                  "grid": list(shape) if args.head == "fc" else None}}
        items = {k: load_items(v, "cnn", to_class, shape if args.head == "fc" else None, n_species=n_species)
                 for k, v in split.items()}
    else:
        model = architecture("attention")(dim=system.dim, n_species=n_species, n_classes=len(labels))
        extra_card = {"graph": {"cutoff": model.cutoff, "self_edges": False}}
        items = {k: load_items(v, "attention", to_class, n_species=n_species, cutoff=model.cutoff)
                 for k, v in split.items()}
    settings = ClassifierSettings(arch=args.arch, classes=labels, epochs=args.epochs or 60, patience=args.patience or 12,
                                  lr=args.lr or 1e-3, batch=args.batch, seed=args.seed)
    store = args.store or user_dir()
    workdir = args.workdir or os.path.join(store, args.output + ".training")
    trainer = ClassifierTrainer(model, settings, items["train"], items["val"], workdir, progress=log)
    result = trainer.fit(items["val"])
    test = trainer.evaluate(items["test"]) if items["test"] else None
    val = trainer.evaluate(items["val"])
    card = {
        "name": args.output, "kind": "classifier", "system": system.name, "dim": system.dim,
        "temperature": None, "time": None, "classes": labels,
        "class_temperatures": {lab: t for t, lab in zip(sorted(to_class, reverse=True), labels)},
        "source": "trained by glassviz", "licence": args.licence or "same as the training data", **extra_card,
        "training": {"files": {k: [os.path.relpath(f) for f in v] for k, v in split.items()},
                     "epochs_run": result["epochs_run"], "best_epoch": result["best_epoch"],
                     "optimizer": f"Adam lr {settings.lr:g}, batch {settings.batch}",
                     "augmentation": ("random periodic translation and square/cubic symmetry" if args.head == "gap"
                                      else "none (fixed-grid fully connected head)") if args.arch == "cnn"
                     else "none (distances only)", "loss": "cross-entropy", "seed": args.seed},
        "metrics": {"validation": val, "test": test,
                    "definition": "fraction of configurations classified correctly, overall and per class"},
    }
    path = save_model(model, card, store)
    log(f"saved {path}; test accuracy {test['accuracy']:.4f} {test['per_class']}" if test else f"saved {path}")
    return 0


def run_classify(args) -> int:
    import glassviz
    from glassviz.models.classify import classify
    from glassviz.models.store import load_model

    model, card = load_model(args.model)
    if card.get("kind") != "classifier":
        from glassviz.errors import GlassvizError

        raise GlassvizError(f"model {args.model!r} is a {card.get('kind')} model; classify needs a classifier")
    rows = classify(model, card, [glassviz.load(p) for p in args.snapshots])
    for r, p in zip(rows, args.snapshots):
        r["file"] = p
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            probs = ", ".join(f"{k} {v:.3f}" for k, v in r["probabilities"].items())
            print(f"{r['class']:>8s}  ({probs})  {r['file']}")
    return 0


def run_models_list(args) -> int:
    import json

    from glassviz.models.store import list_cards

    cards = list_cards()
    if args.json:
        keys = ("name", "kind", "arch", "system", "dim", "temperature", "time", "classes", "source", "metrics",
                "origin")
        print(json.dumps([{k: c.get(k) for k in keys} for c in cards], indent=1))
        return 0
    if not cards:
        print("no models installed (bundled: pretrained/; user: $GLASSVIZ_HOME/models)")
    for c in cards:
        what = f"T={c.get('temperature')} t={c.get('time')}" if c["kind"] == "propensity" else \
            f"classes {', '.join(map(str, c.get('classes') or []))}"
        print(f"{c['name']:28s} {c['arch']:9s} {c.get('system') or '-':6s} {what}  [{c['origin']}]")
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
    print(f"glassviz: imported {args.source} model {args.name!r} (T={card['temperature']}, t={card['time']}) "
          f"into {path}", file=sys.stderr)
    return 0


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


def run_evaluate(args) -> int:
    import json

    import glassviz
    from glassviz.dynamics import pair_distance_change, propensity
    from glassviz.models.graphs import pair_values_on_edges
    from glassviz.models.inference import edge_pearson, pearson_a, predict, rotation_spread
    from glassviz.models.store import load_model, record_metrics

    model, card = load_model(args.model)
    time = args.time if args.time is not None else card.get("time")
    rows = []
    for path in args.data:
        snap = glassviz.load(path)
        truth = propensity(snap, time)
        pred = predict(model, card, [snap])[0]
        row = {"file": path, "pearson": pearson_a(pred.nodes, truth, snap.species), "n_a": int((snap.species == 0).sum())}
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
    result = {"model": args.model, "time": time, "files": rows,
              "mean": float(np.mean([r["pearson"] for r in rows])),
              "std": float(np.std([r["pearson"] for r in rows]))}
    if "edge_pearson" in rows[0]:
        result["edge_mean"] = float(np.mean([r["edge_pearson"] for r in rows]))
    if args.rotations:
        result["rotations"] = {k: float(np.mean([r["rotations"][k] for r in rows]))
                               for k in ("pearson_min", "pearson_max", "pearson_mean", "spread")}
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
            print(f"{r['pearson']:.4f}  {r['file']}{edge}{extra}")
        edge = f"; edges (A-A, r < 1.35) {result['edge_mean']:.4f}" if "edge_mean" in result else ""
        print(f"{result['mean']:.4f}  mean over {len(rows)} files (type A, t = {time}){edge}")
        if args.rotations:
            q = result["rotations"]
            print(f"orientations: Pearson {q['pearson_min']:.4f}..{q['pearson_max']:.4f} (mean {q['pearson_mean']:.4f}), "
                  f"prediction spread {q['spread']:.3f} of the spread over particles")
    return 0


def run_simulate(args) -> int:
    import shlex

    from glassviz.simulate.runner import Plan, Simulation

    plan = Plan(system=args.system, temperature=args.temperature, n_particles=args.n_particles,
                configs=args.configs, replicas=args.replicas, times=tuple(args.times), quench_to=args.quench_to,
                cooling_rate=args.cooling_rate, hold_time=args.hold_time, seed=args.seed, chains=args.chains,
                spacing=args.spacing, equilibration=args.equilibration, tau_max=args.tau_max,
                edge_cutoff=args.edge_cutoff, store_replicas=args.store_replicas, compact=args.compact)
    argv = [a for a in sys.argv[1:] if a not in ("-q", "--quiet")] if sys.argv[1:2] == ["simulate"] else []
    command = "glassviz " + shlex.join(argv) if argv else ""
    card = Simulation(plan, args.output, workers=args.workers, command=command, progress=not args.quiet).run()
    tau = card["tau_alpha"]
    print(f"glassviz: {args.output}: {plan.configs} configurations of {plan.system} at T={plan.temperature:g}; "
          f"tau_alpha = {tau['mean']:.4g} +- {tau['std']:.2g} (q = {tau['q']:.4g})", file=sys.stderr)
    return 0


def run_fields(args) -> int:
    import glassviz
    from glassviz.fields import compute_fields
    from glassviz.io.tables import write_table
    from glassviz.systems import parse_sigma

    snap = glassviz.load(args.snapshot, frame=args.frame, format=args.format)
    names = args.fields
    if names is None:
        names = ["voronoi_volume", "coordination", "tong_tanaka"]
        if snap.ensemble is not None and (args.time is not None or len(snap.ensemble.times) == 1):
            names.append("propensity")
    sigma = parse_sigma(args.sigma, snap.n_species) if args.sigma else None
    if not args.quiet:
        system = snap.system()
        desc = f"system {system.name}" if system else "no known system"
        if args.system:
            desc = f"system {args.system.upper()} (given)"
        print(f"glassviz: {args.snapshot}: {desc}; N={snap.n}, {snap.dim}D, "
              f"box {' x '.join(f'{x:.6g}' for x in np.diag(snap.h))}"
              + (f", T={snap.temperature:g}" if snap.temperature is not None else ""), file=sys.stderr)
    values = compute_fields(snap, names, xi=args.xi, r_cut=args.r_cut, normalize=args.normalize,
                            one_minus=args.one_minus, sigma=sigma, system=args.system, time=args.time,
                            cg_method=args.cg_method)
    write_table(snap, values, args.output)
    return 0


def main(argv=None) -> int:
    from glassviz.errors import GlassvizError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except GlassvizError as exc:
        print(f"glassviz: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # the reader of stdout went away (e.g. `| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("glassviz: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("glassviz: error: out of memory", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback, unless debugging
        if os.environ.get("GLASSVIZ_DEBUG"):
            raise
        print(f"glassviz: internal error: {exc.__class__.__name__}: {exc} "
              f"(set GLASSVIZ_DEBUG=1 for a traceback and report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
