"""``glassviz train``: training propensity models and structure classifiers."""

from __future__ import annotations

import json
import os

from glassviz.cli.common import add_quiet, data_files
from glassviz.progress import get_logger


def add_parser(sub) -> None:
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
    tr.add_argument("--seed", type=int, default=0, help="random numbers of the run: data order, rotations, "
                                                       "the split (unless --split-seed), the bootstrap")
    tr.add_argument("--split-seed", type=int, default=None,
                    help="seed of the train/validation/test split (default --seed): ensemble members share their "
                         "base model's split")
    tr.add_argument("--bootstrap", action="store_true",
                    help="train on a resample with replacement of the training configurations (drawn with --seed): "
                         "ensemble members each see their own resample")
    tr.add_argument("--store", default=None, help="directory to save the model in (default: the user model directory)")
    tr.add_argument("--workdir", default=None, help="checkpoints and log (default: <store>/NAME.training)")
    tr.add_argument("--licence", default=None, help="licence of the training data to record in the card")
    tr.add_argument("--plot", metavar="FIG", default=None,
                    help="also draw the learning curves (loss and validation scores against epoch; .png, .pdf or .svg)")
    add_quiet(tr)
    tr.set_defaults(run=run_train)


def _reporter(name: str):
    """One line per message on the ``glassviz.train`` logger, as ``glassviz train NAME: message``."""
    logger = get_logger("train")
    return lambda msg: logger.info(msg, extra={"prefix": f"glassviz train {name}"})


def plot_curves(args, result: dict) -> None:
    """``--plot``: the learning curves of the run just finished."""
    if args.plot:
        from glassviz.app.learning_plot import plot_learning_curves

        plot_learning_curves(result["log"], args.plot, title=f"{args.output} ({args.arch})", best=result["best_epoch"])


def run_train(args) -> int:
    if args.plot:
        from glassviz.app.plotstyle import check_path

        check_path(args.plot)  # before hours of training
    if args.arch in ("cnn", "attention"):
        return run_train_classifier(args)
    import glassviz
    from glassviz.models.store import check_name, load_model, save_model, user_dir
    from glassviz.train.propensity import Trainer, TrainSettings, bootstrap, load_samples, split_files

    args.epochs = 200 if args.epochs is None else args.epochs
    args.patience = 20 if args.patience is None else args.patience
    check_name(args.output)
    files = data_files(args.data)
    split = split_files(files, args.val_frac, args.test_frac, args.seed if args.split_seed is None else args.split_seed)
    if args.bootstrap:
        split["train"] = bootstrap(split["train"], args.seed)
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
    log = _reporter(args.output)
    log(f"{len(split['train'])} training, {len(split['val'])} validation, {len(split['test'])} test configurations "
        f"of {system.name}, t = {time}")
    # each file read once (a bootstrap resample names some training files more than once)
    unique = sorted(set(sum(split.values(), [])))
    by_file = dict(zip(unique, load_samples(unique, time, args.arch, with_edges=with_edges), strict=True))
    samples = {k: [by_file[f] for f in v] for k, v in split.items()}
    store = args.store or user_dir()
    workdir = args.workdir or os.path.join(store, args.output + ".training")
    settings = TrainSettings(arch=args.arch, time=time, epochs=args.epochs, patience=args.patience,
                             p_node=args.p_node, seed=args.seed, init_output_bias=not args.init or args.match_mean)
    trainer = Trainer(model, settings, samples["train"], samples["val"], workdir, progress=log)
    result = trainer.fit()
    plot_curves(args, result)
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
                     "split_seed": args.seed if args.split_seed is None else args.split_seed,
                     "bootstrap": bool(args.bootstrap),
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
    files = data_files(args.data, glasses=True)
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
    log = _reporter(args.output)
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
    plot_curves(args, result)
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
