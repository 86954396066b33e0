#!/usr/bin/env bash
# The GAIL study (off-policy GAIL with a Lipschitz reward, algorithms.md §4; issue "GAIL"): SAC
# imitating an expert made with the project (`train`, then `demos`, 10 deterministic episodes),
# trained on the discriminator's reward alone and judged by the env return. One sweep per
# variant:
#   none   no gradient penalty, no spectral norm;
#   sn     spectral norm alone (no penalty);
#   wgan   WGAN-GP, two-sided (k = 1, λ = 10), with spectral norm (the paper's default D);
#   wgan1  WGAN-GP, one-sided (max(0, ‖∇D‖ − 1)²), with spectral norm;
#   wgan_dyn (Hopper) wgan1 with dynamics preconditioning (forward model, ψ >= 0.7, k_f = 9).
# Pendulum-v1: 30k steps, 5 seeds, about 10 s a run on 2 cores. Hopper-v4: 300k steps, 3 seeds,
# about 25 min a run (one at a time, SAC on two threads; HOPPER_JOBS=2 runs two at once, about
# 1.5x the throughput on two cores, same numbers), after training its expert (hopper_sac.yaml,
# seed 0, 500k steps, about 25 min; HOPPER_EXPERT=RUN_DIR records that run's newest checkpoint
# instead). The demonstrations are recorded once (results/runs/*/{pendulum,hopper}_demos) and kept.
#   experiments/studies/gail/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                   [--only SWEEP,...] [--fresh | --report-only]
#                                   (experiments/studies/study.sh)
# Sweep folders (for --only): pendulum/{none,sn,wgan,wgan1}, hopper/{none,wgan1,wgan_dyn}.
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init gail 0:5 "$@"
hopper_seeds=0:3
if [[ $seeds != 0:5 ]]; then hopper_seeds="$seeds"; fi

# selected GROUP: whether --only leaves a sweep of GROUP (pendulum, hopper) to run
selected() { [[ -z $only || $only == *",$1/"* ]]; }

# expert RUN DEMOS STEPS CONFIG [TRAIN_FLAGS...]: unless the dataset DEMOS exists, trains RUN for
# STEPS env steps (resumed when it was stopped) and records 10 deterministic episodes of its last
# checkpoint as DEMOS
expert() {
  local run="$1" demos="$2" steps="$3" config="$4"
  shift 4
  [[ $report_only == 1 || -d $demos ]] && return 0
  if [[ ! -f $run/checkpoints/$(printf 'step_%012d.h5' "$steps") ]]; then
    if compgen -G "$run/checkpoints/*.h5" > /dev/null; then
      "$rl" train --resume "$run" > /dev/null
    else
      rm -rf "$run"
      "$rl" train "$config" --out "$run" --set total_steps="$steps" "$@" > /dev/null
    fi
  fi
  "$rl" demos "$run" --episodes 10 --seed 1000 --out "$demos"
}

# variant FOLDER CONFIG DEMOS OPTIONS: one sweep, the GAIL module as a one-value reward grid; the
# shipped CONFIG names a placeholder dataset, so the sweep's config extends it with DEMOS
variant() {
  local config="$runs/configs/$2.yaml"
  mkdir -p "$runs/configs"
  printf 'extends: %s\nreward: [{type: gail, demos: %s}]\n' \
    "$root/experiments/configs/$2.yaml" "$3" > "$config"
  study_sweep "$1" "$config" --grid "reward=[{type: gail, demos: $3, num_demos: 10, $4}]" "${@:5}"
}

# Pendulum-v1: the expert is pendulum_sac.yaml (20k steps) with seed 100
selected pendulum && expert "$runs/pendulum_expert" "$runs/pendulum_demos" 20000 \
  experiments/configs/pendulum_sac.yaml --set seed=100
variant pendulum/none gail_pendulum_sac "$runs/pendulum_demos" "penalty: none, spectral_norm: false"
variant pendulum/sn gail_pendulum_sac "$runs/pendulum_demos" "penalty: none"
variant pendulum/wgan gail_pendulum_sac "$runs/pendulum_demos" "penalty: wgan"
variant pendulum/wgan1 gail_pendulum_sac "$runs/pendulum_demos" \
  "penalty: wgan, penalty_form: one_sided"

# Hopper-v4: the expert is SAC seed 0 trained for 500k steps, the recipe of the recorded dataset
# (the MuJoCo study's hopper_sac seed 0 at its step-500k checkpoint, 3475.6; a shorter SAC run is
# the prefix of a longer one, tests/agents/sac_test.cc). That run's 1M-step policy is weaker
# (1950.8 ± 743.3), so a finished 1M-step run is not the expert.
if selected hopper; then
  if [[ -n ${HOPPER_EXPERT:-} ]]; then
    [[ $report_only == 1 || -d $runs/hopper_demos ]] ||
      "$rl" demos "$HOPPER_EXPERT" --episodes 10 --seed 1000 --out "$runs/hopper_demos"
  else
    expert "$runs/hopper_expert" "$runs/hopper_demos" 500000 experiments/configs/hopper_sac.yaml
  fi
fi
hopper_ready=0
if [[ -d $runs/hopper_demos ]]; then
  hopper_ready=1
  hop() { seeds=$hopper_seeds variant "$@" --jobs "${HOPPER_JOBS:-1}"; }
  hop hopper/none gail_hopper_sac "$runs/hopper_demos" "penalty: none, spectral_norm: false"
  hop hopper/wgan1 gail_hopper_sac "$runs/hopper_demos" "penalty: wgan, penalty_form: one_sided"
  hop hopper/wgan_dyn gail_hopper_sac "$runs/hopper_demos" \
    "penalty: wgan, penalty_form: one_sided, preconditioning: dynamics"
fi

# plot only what exists (a part left out with --only has no folders)
plot() {  # plot NAME TITLE THRESHOLD GROUP: the sweeps $runs/GROUP/* if any
  local dirs=("$runs/$4"/*/)
  if [[ -d ${dirs[0]} ]]; then study_plot "$1" "$2" "$3" "${dirs[@]%/}"; fi
}
plot pendulum "SAC + GAIL on Pendulum-v1 (env return)" -200 pendulum
plot hopper "SAC + GAIL on Hopper-v4 (env return)" 2000 hopper
table() { if [[ -f $report/$1.md ]]; then cat "$report/$1.md"; else echo "(not run)"; fi; }

# expert_return DEMOS: the expert return stored in the dataset's metadata
expert_return() {
  [[ -f $1/data/metadata.json ]] || { echo "(not recorded)"; return; }
  /usr/bin/python3 - "$1/data/metadata.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
r = m.get("rewardlab", {})
print(f"{r.get('expert_return_mean', float('nan')):.1f} ± {r.get('expert_return_std', float('nan')):.1f} "
      f"over {m['total_episodes']} deterministic episodes of the run's step "
      f"{r.get('source_checkpoint_step')} checkpoint ({m['dataset_id']})")
PY
}

# discriminator GROUP: per sweep, the mean over each run's last 10% of fits of D's metrics, mean
# ± std over seeds (runs read through SWMR)
discriminator() {
  local dirs=("$runs/$1"/*/)
  [[ -d ${dirs[0]} ]] || { echo "(not run)"; return; }
  /usr/bin/python3 - "${dirs[@]%/}" <<'PY'
import glob, os, sys
import h5py, numpy as np
keys = ["grad_norm", "penalty", "expert_accuracy", "policy_accuracy", "reward_mean", "gamma2c"]
print("| sweep | seeds | " + " | ".join(keys) + " |")
print("|---|---:|" + "---:|" * len(keys))
for sweep in sys.argv[1:]:
    rows = []
    for path in sorted(glob.glob(os.path.join(sweep, "runs", "*", "run.h5"))):
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            g = f["metrics/gail"]
            row = []
            for k in keys:
                v = g[k][()]
                v = v[~np.isnan(v)]
                row.append(v[-max(1, len(v) // 10):].mean() if len(v) else np.nan)
            rows.append(row)
    if not rows:
        continue
    m = np.array(rows)
    cells = [f"{a:.3g} ± {b:.2g}" for a, b in zip(m.mean(0), m.std(0))]
    print(f"| {os.path.basename(sweep)} | {len(rows)} | " + " | ".join(cells) + " |")
PY
}

# expert_fraction GROUP DEMOS: per sweep, the env return over the expert's (the dataset's mean):
# the newest deterministic evaluation and the last 100 training episodes, mean ± std over seeds
expert_fraction() {
  local dirs=("$runs/$1"/*/)
  [[ -d ${dirs[0]} && -f $2/data/metadata.json ]] || { echo "(not run)"; return; }
  /usr/bin/python3 - "$2/data/metadata.json" "${dirs[@]%/}" <<'PY'
import glob, json, os, sys
import h5py, numpy as np
expert = json.load(open(sys.argv[1]))["rewardlab"]["expert_return_mean"]
print("| sweep | seeds | env steps (min) | deterministic eval / expert "
      "| last 100 training / expert |")
print("|---|---:|---:|---:|---:|")
for sweep in sys.argv[2:]:
    ev, tr, steps = [], [], []
    for path in sorted(glob.glob(os.path.join(sweep, "runs", "*", "run.h5"))):
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            if len(f["eval/return_mean"]) == 0:
                continue
            ev.append(f["eval/return_mean"][-1] / expert)
            tr.append(f["episodes/return"][-100:].mean() / expert)
            steps.append(f["eval/step"][-1])
    if ev:
        print(f"| {os.path.basename(sweep)} | {len(ev)} | {min(steps)} | "
              f"{np.mean(ev):.2f} ± {np.std(ev):.2f} | {np.mean(tr):.2f} ± {np.std(tr):.2f} |")
PY
}

cat > "$report/README.md" <<MD
# GAIL study (off-policy GAIL with a Lipschitz reward; Pendulum 5 seeds, Hopper 3)

$(study_made_by experiments/studies/gail/run.sh "$runs")
Every return is the **env** return of the imitating agent (deterministic evaluation, 10 episodes;
the last 100 training episodes beside it), never the discriminator's reward it optimises.
Seeds: $seeds (Hopper: $hopper_seeds). The agent sees only the GAIL reward
(\`minimax\`, −log(1 − σ(D) + 1e-8)); D is 100-100 LeakyReLU on standardised (s, a), Adam 5e-4,
one update of 64 expert and 64 replay transitions per SAC update, expert transitions every 20th
step of 10 demonstrations from a random offset, absorbing states on.

Variants (one sweep each): \`none\` no penalty and no spectral norm; \`sn\` spectral norm alone;
\`wgan\` WGAN-GP two-sided (k = 1, λ = 10) with spectral norm (the paper's default
discriminator); \`wgan1\` the same one-sided; \`wgan_dyn\` (Hopper) \`wgan1\` with dynamics
preconditioning.

## Pendulum-v1 (SAC, pendulum_sac.yaml, 30k steps)

Expert (pendulum_sac.yaml, seed 100, 20k steps; \`rewardlab demos\`, deterministic):
$(expert_return "$runs/pendulum_demos")

![pendulum](pendulum.png)

$(table pendulum)

The discriminator at the end of training (mean of each run's last 10% of fits; mean ± std over
seeds): ‖∇_x̃ D‖ at expert and policy inputs, the penalty (unscaled), its accuracy on expert and
policy minibatches, the mean reward of the policy minibatch and γ²C.

$(discriminator pendulum)

## Hopper-v4 (SAC, hopper_sac.yaml, 300k steps)

Expert: $( ((hopper_ready)) && expert_return "$runs/hopper_demos" || echo "(not recorded; not run)")

![hopper](hopper.png)

$(table hopper)

The env return as a fraction of the expert's (the dataset's mean above):

$( ((hopper_ready)) && expert_fraction hopper "$runs/hopper_demos")

$( ((hopper_ready)) && discriminator hopper)

$(cat "$report/claims.md" 2> /dev/null || echo "## The paper's claims\n\n(not written yet)")
MD
echo "report: $report/README.md"
exit
}
