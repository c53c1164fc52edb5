"""``glassviz simulate``: datasets generated with LAMMPS."""

from __future__ import annotations

import sys

from glassviz.cli.common import add_quiet, names_list
from glassviz.progress import get_logger


def add_parser(sub) -> None:
    m = sub.add_parser(
        "simulate", help="generate a dataset with LAMMPS (equilibrium, quench, isoconfigurational ensembles)",
        description="Generate configurations of a known system with LAMMPS on all cores: equilibrate at T "
                    "(Nose-Hoover NVT), measure tau_alpha from F_s(q, t), sample every --spacing tau_alpha; "
                    "optionally quench each to --quench-to, and/or run --replicas isoconfigurational NVE "
                    "replicas storing propensities and pair-distance changes at --times. Interrupted runs "
                    "resume with the same command and give the same files.")
    m.add_argument("system", type=str.upper, choices=("KA3D", "KA2D", "ABM2D", "KAM2D"),
                   metavar="{ka3d,ka2d,abm2d,kam2d}")
    m.add_argument("--temperature", type=float, required=True, help="temperature T of the liquid")
    m.add_argument("--n-particles", type=int, required=True)
    m.add_argument("--configs", type=int, required=True, help="number of configurations")
    m.add_argument("--replicas", type=int, default=0, help="isoconfigurational replicas per configuration")
    m.add_argument("--times", type=lambda t: [float(x) for x in names_list(t)], default=[],
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
    m.add_argument("--replicas-from", choices=("liquid", "glass"), default="liquid",
                   help="start the replicas from the liquid configuration (default) or from its quenched glass "
                        "(Oyama et al.'s ageing propensity; needs --quench-to)")
    m.add_argument("--replica-temperature", type=float, default=None,
                   help="temperature of the replicas' fresh velocities (default: that of the state they start "
                        "from; Oyama et al. use T* to 1.5 T* for glasses)")
    m.add_argument("--compact", action="store_true",
                   help="store the replica averages and pair-distance changes as float16 (training sets at scale)")
    m.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    m.add_argument("-o", "--output", required=True, help="output directory")
    add_quiet(m)
    m.set_defaults(run=run_simulate)


def run_simulate(args) -> int:
    import shlex

    from glassviz.simulate.runner import Plan, Simulation

    plan = Plan(system=args.system, temperature=args.temperature, n_particles=args.n_particles,
                configs=args.configs, replicas=args.replicas, times=tuple(args.times), quench_to=args.quench_to,
                cooling_rate=args.cooling_rate, hold_time=args.hold_time, seed=args.seed, chains=args.chains,
                spacing=args.spacing, equilibration=args.equilibration, tau_max=args.tau_max,
                edge_cutoff=args.edge_cutoff, store_replicas=args.store_replicas, compact=args.compact,
                replicas_from=args.replicas_from, replica_temperature=args.replica_temperature)
    argv = [a for a in sys.argv[1:] if a not in ("-q", "--quiet")] if sys.argv[1:2] == ["simulate"] else []
    command = "glassviz " + shlex.join(argv) if argv else ""
    card = Simulation(plan, args.output, workers=args.workers, command=command).run()
    tau = card["tau_alpha"]
    get_logger("simulate").info(f"{args.output}: {plan.configs} configurations of {plan.system} at "
                                f"T={plan.temperature:g}; tau_alpha = {tau['mean']:.4g} +- {tau['std']:.2g} "
                                f"(q = {tau['q']:.4g})")
    return 0
