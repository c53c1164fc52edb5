"""``glassviz simulate``: a dataset of configurations run on all cores, resumable.

Work is split into independent *chains* (each its own equilibrated liquid); configuration k
belongs to chain ``k % chains`` and is that chain's ``k // chains``-th sample, taken after
``spacing`` x tau_alpha more NVT time.  The number of chains is part of the plan, the number of
worker processes is not, so a run gives the same files on any machine.

Layout of the output directory::

    card.json            the dataset card (plan, tau_alpha, LAMMPS version, files)
    config_0000.npz ...  configurations at T (with the ensemble averages when --replicas)
    glass_0000.npz  ...  the quenched glass of each configuration (with --quench-to)
    .state/              chain states and tau_alpha measurements, for resuming

A configuration is finished when its files exist (they are written atomically).  After an
interruption the same command resumes: finished configurations are skipped and each chain
continues from its last saved state, so the result is the same files as an uninterrupted run.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.simulate import protocols
from glassviz.simulate.md import CUTOFF, DT, SKIN, T_DAMP, MDState
from glassviz.systems import get_system

CARD = "card.json"
STATE_DIR = ".state"


@dataclass
class Plan:
    """Everything that determines a dataset (the card's ``plan``)."""

    system: str
    temperature: float
    n_particles: int
    configs: int
    replicas: int = 0
    times: tuple = ()
    quench_to: float | None = None
    cooling_rate: float | None = None
    hold_time: float = 100.0
    seed: int = 0
    chains: int = 2
    spacing: float = 1.0
    equilibration: float = 30.0
    min_equilibration: float = 20.0
    tau_max: float = 2000.0
    edge_cutoff: float = 2.0
    store_replicas: bool = False
    compact: bool = False
    replicas_from: str = "liquid"
    replica_temperature: float | None = None
    times_steps: tuple = field(default=(), init=False)

    def __post_init__(self):
        self.system = get_system(self.system).name
        self.times = tuple(float(t) for t in self.times)
        if self.replicas and not self.times:
            raise GlassvizError("--replicas needs --times")
        if self.times and not self.replicas:
            raise GlassvizError("--times needs --replicas")
        if any(t <= 0 for t in self.times) or list(self.times) != sorted(set(self.times)):
            raise GlassvizError(f"--times must be positive and increasing, got {list(self.times)}")
        if self.replicas_from not in ("liquid", "glass"):
            raise GlassvizError(f"--replicas-from must be liquid or glass, got {self.replicas_from!r}")
        if self.replicas_from == "glass" and (self.quench_to is None or not self.replicas):
            raise GlassvizError("--replicas-from glass needs --quench-to, --cooling-rate and --replicas")
        if self.replica_temperature is not None and self.replica_temperature <= 0:
            raise GlassvizError("--replica-temperature must be positive")
        if (self.quench_to is None) != (self.cooling_rate is None):
            raise GlassvizError("--quench-to and --cooling-rate go together")
        if self.cooling_rate is not None and self.cooling_rate <= 0:
            raise GlassvizError("--cooling-rate must be positive")
        for name in ("temperature", "spacing", "equilibration", "tau_max"):
            if getattr(self, name) <= 0:
                raise GlassvizError(f"--{name.replace('_', '-')} must be positive")
        if self.n_particles < 10 or self.configs < 1 or self.chains < 1:
            raise GlassvizError("need --n-particles >= 10, --configs >= 1 and --chains >= 1")
        self.chains = min(self.chains, self.configs)
        self.times_steps = tuple(protocols.steps_for(t) for t in self.times)


def config_name(k: int) -> str:
    return f"config_{k:04d}.npz"


def glass_name(k: int) -> str:
    return f"glass_{k:04d}.npz"


class Simulation:
    """Run (or resume) the plan into ``outdir`` with ``workers`` processes."""

    def __init__(self, plan: Plan, outdir: str, workers: int | None = None, command: str = "",
                 progress: bool | None = None, max_tasks: int | None = None):
        self.plan = plan
        self.system = get_system(plan.system)
        self.outdir = os.fspath(outdir)
        self.state_dir = os.path.join(self.outdir, STATE_DIR)
        self.workers = workers or max(os.cpu_count() or 1, 1)
        self.command = command
        self.show_progress = progress  # None: follow glassviz.progress.set_progress (--quiet)
        self.max_tasks = max_tasks  # stop after this many finished tasks (tests of resuming)
        self.tau: dict[int, dict] = {}
        self.replica_results: dict[int, dict[int, np.ndarray]] = {}

    # -- files -------------------------------------------------------------------------------
    def _path(self, name: str) -> str:
        return os.path.join(self.outdir, name)

    def _state_path(self, chain: int, j: int | None) -> str:
        tag = "start" if j is None else f"{j:04d}"
        return os.path.join(self.state_dir, f"chain{chain}_{tag}.npz")

    def _glass_state_path(self, k: int) -> str:
        return os.path.join(self.state_dir, f"glass{k:04d}.npz")

    @property
    def replica_T(self) -> float:
        """Temperature of the replicas' velocities: --replica-temperature, else the state's own."""
        p = self.plan
        if p.replica_temperature is not None:
            return p.replica_temperature
        return p.quench_to if p.replicas_from == "glass" else p.temperature

    def _tau_path(self, chain: int) -> str:
        return os.path.join(self.state_dir, f"chain{chain}_tau.json")

    def config_done(self, k: int) -> bool:
        p = self.plan
        done = os.path.exists(self._path(config_name(k)))
        if p.quench_to is not None:
            done = done and os.path.exists(self._path(glass_name(k)))
        return done

    def _save_state(self, path: str, arrays: dict) -> None:
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)

    def _load_state(self, path: str) -> dict:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}

    def _check_card(self) -> None:
        path = self._path(CARD)
        if not os.path.exists(path):
            return
        with open(path) as fh:
            old = json.load(fh).get("plan", {})
        new = json.loads(json.dumps(self._plan_dict()))
        # settings added after a dataset was made count as their defaults
        defaults = json.loads(json.dumps(asdict(Plan(system=self.plan.system, temperature=1.0, n_particles=10,
                                                     configs=1))))
        old = {k: old.get(k, defaults.get(k)) for k in new}
        if old != new:
            diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            raise GlassvizError(f"{self.outdir}: holds a dataset made with other settings ({', '.join(diff)}); "
                                "use another output directory")

    def _plan_dict(self) -> dict:
        d = asdict(self.plan)
        d.pop("times_steps")
        d["times"] = list(d["times"])
        return d

    def card(self, complete: bool, lammps_version=None) -> dict:
        p = self.plan
        taus = [self.tau[c]["tau_alpha"] for c in sorted(self.tau)]
        card = {
            "format": "glassviz-dataset/1",
            "system": p.system, "dim": self.system.dim, "n_particles": p.n_particles,
            "temperature": p.temperature, "configs": p.configs,
            "files": {"configurations": "config_NNNN.npz"} | (
                {"glasses": "glass_NNNN.npz"} if p.quench_to is not None else {}),
            "protocol": {
                "potential": self.system.potential, "cutoff": f"{CUTOFF} sigma_ab", "timestep": DT,
                "thermostat": f"Nose-Hoover NVT, damping {T_DAMP}", "neighbor_skin": SKIN,
                "start": "random insertion, energy minimisation, Maxwell-Boltzmann velocities",
                "equilibration": f"max({p.equilibration} x first tau_alpha estimate, {p.min_equilibration}) at T",
                "sampling": f"one configuration every {p.spacing} x tau_alpha of NVT per chain, {p.chains} chains",
                "replicas": (f"from the {'quenched glass' if p.replicas_from == 'glass' else 'configuration'}, "
                             f"fresh Maxwell-Boltzmann velocities at T = {self.replica_T:g} (zero momentum, "
                             "exact T), NVE" if p.replicas else None),
                "quench": (f"linear NVT ramp {p.temperature} -> {p.quench_to} at rate {p.cooling_rate}, "
                           f"hold {p.hold_time}" if p.quench_to is not None else None),
            },
            "replicas": p.replicas, "times": list(p.times), "edge_cutoff": p.edge_cutoff if p.replicas else None,
            "quench_to": p.quench_to, "cooling_rate": p.cooling_rate,
            "seed": p.seed, "plan": self._plan_dict(),
            "tau_alpha": {
                "q": self.tau[min(self.tau)]["q"] if self.tau else None,
                "per_chain": taus,
                "mean": float(np.mean(taus)) if taus else None,
                "std": float(np.std(taus)) if taus else None,
                "definition": "F_s(q, tau_alpha) = 1/e, type A, q at the first peak of S_AA(q)",
            },
            "lammps_version": lammps_version,
            "command": self.command,
            "complete": complete,
        }
        return card

    def _write_card(self, complete: bool) -> dict:
        version = next((t.get("lammps_version") for t in self.tau.values()), None)
        card = self.card(complete, version)
        tmp = self._path(CARD + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(card, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, self._path(CARD))
        return card

    # -- outputs -----------------------------------------------------------------------------
    def _meta(self, k: int, chain: int, j: int, temperature: float, protocol: str) -> dict:
        p = self.plan
        tau = self.tau[chain]
        return {"system": p.system, "temperature": temperature, "n_particles": p.n_particles,
                "protocol": protocol, "config": k, "chain": chain, "sample": j, "seed": p.seed,
                "tau_alpha_chain": tau["tau_alpha"], "q": tau["q"], "time_after_start":
                tau["equilibration_time"] + (j + 1) * p.spacing * tau["tau_alpha"],
                "replicas": p.replicas or None, "replica_temperature": self.replica_T if p.replicas else None,
                "edge_cutoff": p.edge_cutoff if p.replicas else None,
                "lammps_version": tau["lammps_version"], "dataset_card": CARD}

    def _write_config(self, k: int, chain: int, j: int, state: dict, replicas: np.ndarray | None) -> None:
        from glassviz.io import dataset

        st = MDState.from_arrays(state)
        arrays = {"positions": st.x.astype(np.float32), "types": st.types.astype(np.int8), "box": st.h,
                  "meta": self._meta(k, chain, j, self.plan.temperature, "equilibrium NVT")}
        arrays.update(self._ensemble_arrays(st, replicas))
        dataset.write(self._path(config_name(k)), arrays)

    def _ensemble_arrays(self, st: MDState, replicas: np.ndarray | None) -> dict:
        """The replica averages of an ensemble started from ``st`` (empty without replicas)."""
        arrays = {}
        if replicas is not None:
            from glassviz.dynamics.ensemble import ensemble_averages
            from glassviz.io.assemble import make_snapshot

            # the replicas started from the float64 state; average against exactly that
            snap = make_snapshot("<simulation>", fmt="memory", positions=st.x, h=st.h,
                                 origin=np.zeros(st.dim), labels=st.types)
            averages, edges, change = ensemble_averages(snap, replicas - snap.offset, self.system.lj_sigma,
                                                        self.plan.edge_cutoff, initial=st.x - snap.offset)
            if self.plan.compact:
                # float16 keeps 3-4 significant digits, far below the replica noise of the means
                averages = {name: a.astype(np.float16) for name, a in averages.items()}
                change = change.astype(np.float16)
            arrays.update(times=np.asarray(self.plan.times), edge_index=edges, edge_change=change, **averages)
            if self.plan.store_replicas:
                arrays["replica_positions"] = replicas.astype(np.float32)
        return arrays

    def _write_glass(self, k: int, chain: int, j: int, state: dict, replicas: np.ndarray | None = None) -> None:
        from glassviz.io import dataset

        p = self.plan
        st = MDState.from_arrays(state)
        meta = self._meta(k, chain, j, p.quench_to, f"quench from T = {p.temperature} at rate {p.cooling_rate}, "
                          f"hold {p.hold_time}")
        meta["parent"] = config_name(k)
        arrays = {"positions": st.x.astype(np.float32), "types": st.types.astype(np.int8), "box": st.h}
        arrays.update(self._ensemble_arrays(st, replicas))
        dataset.write(self._path(glass_name(k)), arrays | {"meta": meta})
        if os.path.exists(self._glass_state_path(k)):
            os.remove(self._glass_state_path(k))

    def _prune(self, chain: int) -> None:
        """Keep only the states a resumed run can still need: the newest one at or below the
        chain's first unfinished sample, and any later ones."""
        p = self.plan
        samples = range(len(range(chain, p.configs, p.chains)))
        pending = [j for j in samples if not self.config_done(j * p.chains + chain)]
        first = pending[0] if pending else len(samples)
        existing = sorted(j for j in samples if os.path.exists(self._state_path(chain, j)))
        keep_from = max([j for j in existing if j <= first] or [-1])
        if not pending and existing:
            keep_from = existing[-1]  # the chain's last state: enough to extend the dataset
        for j in existing:
            if j < keep_from:
                os.remove(self._state_path(chain, j))
        if keep_from >= 0 and os.path.exists(self._state_path(chain, None)):
            os.remove(self._state_path(chain, None))

    # -- scheduling --------------------------------------------------------------------------
    def run(self) -> dict:
        p = self.plan
        os.makedirs(self.state_dir, exist_ok=True)
        self._check_card()
        for d in (self.outdir, self.state_dir):  # half-written files of an interrupted run
            for f in os.listdir(d):
                if ".tmp" in f:
                    os.remove(os.path.join(d, f))
        for c in range(p.chains):
            if os.path.exists(self._tau_path(c)):
                with open(self._tau_path(c)) as fh:
                    self.tau[c] = json.load(fh)
        self._write_card(complete=False)
        done_count = sum(self.config_done(k) for k in range(p.configs))
        progress = bar(f"simulate {p.system} T={p.temperature:g} N={p.n_particles}", p.configs, self.show_progress)
        # per chain: list of sample indices still to finish
        todo = {c: [j for j, k in enumerate(range(c, p.configs, p.chains)) if not self.config_done(k)]
                for c in range(p.chains)}
        chain_pos: dict[int, int] = {}  # sample index of the chain's current state (-1 = start)
        finished_tasks = 0
        ctx = multiprocessing.get_context("spawn")
        futures: dict = {}
        with cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:

            def submit(kind, chain, j=None, r=None, fn=None, *args):
                fut = pool.submit(fn, *args)
                futures[fut] = (kind, chain, j, r)

            def state_of(chain, j):
                return self._load_state(self._state_path(chain, j))

            glass_mode = p.replicas_from == "glass"

            def submit_replicas(chain, j, state):
                k = j * p.chains + chain
                self.replica_results[k] = {}
                for r in range(p.replicas):
                    submit("replica", chain, j, r, protocols.replica, p.system, state, self.replica_T,
                           list(p.times), p.seed, k, r)

            def schedule_sample(chain, j):
                """The state of sample j exists: schedule its replicas/quench, or write it."""
                k = j * p.chains + chain
                state = state_of(chain, j)
                if not os.path.exists(self._path(config_name(k))):
                    if p.replicas and not glass_mode:
                        submit_replicas(chain, j, state)
                    else:
                        self._write_config(k, chain, j, state, None)
                if p.quench_to is not None and not os.path.exists(self._path(glass_name(k))):
                    if glass_mode and os.path.exists(self._glass_state_path(k)):
                        submit_replicas(chain, j, self._load_state(self._glass_state_path(k)))
                    else:
                        submit("quench", chain, j, None, protocols.quench, p.system, state, p.temperature,
                               p.quench_to, p.cooling_rate, p.hold_time)

            def step_chain(chain):
                """Move the chain to its next needed sample (reusing saved states)."""
                if not todo[chain]:
                    return
                nxt = chain_pos[chain] + 1
                last_needed = todo[chain][-1]
                while nxt <= last_needed and os.path.exists(self._state_path(chain, nxt)):
                    if nxt in todo[chain]:
                        schedule_sample(chain, nxt)
                    chain_pos[chain] = nxt
                    nxt += 1
                if nxt > last_needed:
                    return
                prev = self._state_path(chain, chain_pos[chain] if chain_pos[chain] >= 0 else None)
                submit("advance", chain, nxt, None, protocols.advance, p.system, self._load_state(prev),
                       p.temperature, p.spacing * self.tau[chain]["tau_alpha"])

            for c in range(p.chains):
                if not todo[c]:
                    continue
                existing = [j for j in range(todo[c][0] + 1) if os.path.exists(self._state_path(c, j))]
                if existing:
                    chain_pos[c] = existing[-1] - 1
                    step_chain(c)
                elif os.path.exists(self._state_path(c, None)) and c in self.tau:
                    chain_pos[c] = -1
                    step_chain(c)
                else:
                    submit("start", c, None, None, protocols.start_chain, p.system, p.n_particles, p.temperature,
                           p.seed, c, p.equilibration, p.min_equilibration, p.tau_max)

            self._show(progress, done_count, force=True)
            while futures:
                finished, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
                for fut in finished:
                    kind, chain, j, r = futures.pop(fut)
                    result = fut.result()  # a worker's exception ends the run here
                    if kind == "start":
                        self._save_state(self._state_path(chain, None), result.pop("state"))
                        self.tau[chain] = result
                        with open(self._tau_path(chain), "w") as fh:
                            json.dump(result, fh, indent=1)
                        self._write_card(complete=False)
                        chain_pos[chain] = -1
                        step_chain(chain)
                    elif kind == "advance":
                        self._save_state(self._state_path(chain, j), result)
                        chain_pos[chain] = j
                        if j in todo[chain]:
                            schedule_sample(chain, j)
                        step_chain(chain)
                    elif kind == "replica":
                        k = j * p.chains + chain
                        self.replica_results[k][r] = result
                        if len(self.replica_results[k]) == p.replicas:
                            reps = np.stack([self.replica_results[k][i] for i in range(p.replicas)], axis=1)
                            del self.replica_results[k]
                            if glass_mode:
                                self._write_glass(k, chain, j, self._load_state(self._glass_state_path(k)), reps)
                            else:
                                self._write_config(k, chain, j, state_of(chain, j), reps)
                    elif kind == "quench":
                        k = j * p.chains + chain
                        if glass_mode:  # the ensemble starts from the glass: keep it for a resumed run
                            self._save_state(self._glass_state_path(k), result)
                            submit_replicas(chain, j, result)
                        else:
                            self._write_glass(k, chain, j, result)
                    if j is not None and self.config_done(j * p.chains + chain):
                        if j in todo[chain]:
                            todo[chain].remove(j)
                        done_count += 1
                        self._prune(chain)
                    finished_tasks += 1
                    self._show(progress, done_count, force=kind == "start")
                    if self.max_tasks is not None and finished_tasks >= self.max_tasks:
                        for f in futures:
                            f.cancel()
                        pool.shutdown(wait=True, cancel_futures=True)
                        progress.close()
                        return self._write_card(complete=False)
        self._show(progress, done_count, force=True)
        progress.close()
        return self._write_card(complete=all(self.config_done(k) for k in range(p.configs)))

    def _show(self, progress, done: int, force: bool = False) -> None:
        """Move the bar: in MD steps once the cost is known (so the ETA weighs the work left),
        in configurations before; redrawn when ``force`` or after tqdm's ``mininterval``."""
        if progress.disable:
            return
        p = self.plan
        cost = self._cost()
        progress.total, progress.n = cost if cost is not None else (p.configs, done)
        progress.set_postfix_str(f"{done}/{p.configs} configs", refresh=False)
        if force or time.time() - progress.last_print_t >= progress.mininterval:
            progress.refresh()

    def _cost(self) -> tuple[float, float] | None:
        """(total, done) work in MD steps, for the ETA; None until every chain has its tau_alpha."""
        p = self.plan
        if len(self.tau) < p.chains:
            return None
        tau = np.mean([t["tau_alpha"] for t in self.tau.values()])
        per_config = p.spacing * tau / DT + p.replicas * (p.times[-1] / DT if p.times else 0)
        if p.quench_to is not None:
            per_config += abs(p.temperature - p.quench_to) / p.cooling_rate / DT + p.hold_time / DT
        done = sum(self.config_done(k) for k in range(p.configs))
        partial = sum(len(v) for v in self.replica_results.values()) * (p.times[-1] / DT if p.times else 0)
        return per_config * p.configs, per_config * done + partial


def bar(label: str, configs: int, enabled: bool | None):
    """The simulate progress bar (:func:`glassviz.progress.progress`): percentage of the MD work,
    configurations done, elapsed time and ETA.  ``smoothing=0``: the ETA is the work left at the
    mean rate since the start (MD cost per configuration is steady, bursts are not)."""
    from glassviz.progress import progress

    return progress(total=configs, desc=label, enabled=enabled, unit="step", smoothing=0,
                    bar_format="{desc} |{bar:30}| {percentage:3.0f}% {postfix}, {elapsed} elapsed, ETA {remaining}")
