#!/usr/bin/env bash
# A sweep on a real single-node SLURM cluster (toolchain.md §6): starts munged, slurmctld and
# slurmd on localhost as children of this shell (own socket, ports and state folder, so nothing
# else on the machine is touched), runs a 3-run sweep as an array job, cancels one task mid-run,
# resumes the sweep and checks that every run finished exactly once and that the cancelled run
# has the rows of an uninterrupted one; then a --requeue sweep gets the time-limit signal, its
# task requeues itself and the run resumes in the next allocation. The daemons are stopped by PID
# on exit.
#   tests/slurm/run_slurm_test.sh REWARDLAB_BINARY        exit 0 pass, 77 skipped, else failed
set -euo pipefail
bin="$(realpath "$1")"
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# packages: installed here when missing and possible
missing=()
for p in slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || skip "SLURM packages missing (${missing[*]}) and not root to install them"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null 2>&1 || skip "apt-get cannot install ${missing[*]} here"
fi
[ "$(id -u)" -eq 0 ] || skip "the daemons need root (slurmd)"

work="$(mktemp -d /tmp/rewardlab_slurm.XXXXXX)"
chmod 0755 "$work"
source "$(dirname "$0")/slurm_local.sh"
cleanup() {
  local rc=$?
  slurm_stop || true
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    tail -n 20 "$SLURM_DIR"/log/*.log "$work"/sweep/logs/* "$work"/requeue/logs/* 2>/dev/null ||
      true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
slurm_start "$work" || skip "SLURM does not start here"

# a sweep of 3 CartPole runs as one array, 2 tasks at once (the config's slurm section)
cat > "$work/tiny.yaml" <<CFG
name: slurmtiny
seed: 0
total_steps: 204800
env: {id: CartPole-v1, num_envs: 8}
agent: {type: ppo, num_steps: 32, num_minibatches: 4, update_epochs: 2, lr: 1.0e-3}
eval: {every_steps: 20480, episodes: 3}
checkpoint: {every_steps: 512}
slurm: {throttle: 2, time: "10"}
CFG
sweep="$work/sweep"
"$bin" sweep "$work/tiny.yaml" --seeds 0:3 --backend slurm --no-wait \
  --name slurmtiny --out "$sweep"
job=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['slurm']['job_ids'][-1])" "$sweep/sweep.json")

# cancel task 1 once it has a checkpoint
ckpt="$sweep/runs/001__s1/checkpoints"
# (find, not ls on a glob: the run replaces its checkpoint every 512 steps, so a globbed name can
# vanish before ls reads it)
has_checkpoint() { find "$ckpt" -name '*.h5' 2> /dev/null | grep -q .; }
for _ in $(seq 600); do has_checkpoint && break; sleep 0.1; done
has_checkpoint || fail "task 1 wrote no checkpoint in 60 s"
scancel "${job}_1"
while squeue -h -j "$job" 2>/dev/null | grep -q .; do sleep 0.2; done
grep -q "interrupted at step" "$sweep/runs/001__s1/console.log" ||
  fail "the cancelled run wrote no interruption checkpoint"

# resume: only task 1 is submitted again
"$bin" sweep --resume "$sweep"
/usr/bin/python3 - "$sweep" <<'PY'
import json, os, sys
sweep = sys.argv[1]
m = json.load(open(os.path.join(sweep, "sweep.json")))
assert len(m["slurm"]["job_ids"]) == 2, m["slurm"]["job_ids"]
script = open(os.path.join(sweep, "slurm", "array_1.sh")).read()
assert "#SBATCH --array=1%2" in script, script
assert "#SBATCH --time=10" in script, script
for run in m["runs"]:
    log = open(os.path.join(sweep, run["run_dir"], "console.log")).read().splitlines()
    starts = sum(l.startswith("train ") for l in log)
    resumes = sum(l.startswith("resume ") for l in log)
    assert run["status"] == "finished", run
    assert starts == 1, (run, starts)
    assert resumes == (1 if run["index"] == 1 else 0), (run, resumes)
print("manifest: every run finished exactly once; run 1 resumed once")
PY

# the cancelled run has the rows of an uninterrupted one
"$bin" train "$work/tiny.yaml" --seed 1 --quiet --out "$work/whole" > /dev/null
/usr/bin/python3 - "$sweep/runs/001__s1/run.h5" "$work/whole/run.h5" <<'PY'
import sys
import h5py
import numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:])
for name in ["episodes/step", "episodes/return", "episodes/length", "eval/step", "eval/returns"]:
    assert np.array_equal(a[name][()], b[name][()]), name
assert a.attrs["finished"] == 1
print("resumed run: episodes and evaluations equal to an uninterrupted run")
PY

# requeue: SIGUSR1 to the batch shell, as SLURM sends it before the time limit (--signal=B:USR1),
# checkpoints the run (exit 75) and the task requeues itself; the run resumes in its next
# allocation, which SLURM holds back for the credential lifetime (cred_expire, 10 s here: a
# requeued job started earlier is refused with "Job credential revoked")
sed 's/^slurm: .*/slurm: {time: "10", requeue: true}/' "$work/tiny.yaml" > "$work/requeue.yaml"
requeue="$work/requeue"
"$bin" sweep "$work/requeue.yaml" --seeds 0:1 --backend slurm --no-wait --name requeue \
  --out "$requeue"
job=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['slurm']['job_ids'][-1])" "$requeue/sweep.json")
ckpt="$requeue/runs/000__s0/checkpoints"
for _ in $(seq 600); do has_checkpoint && break; sleep 0.1; done
has_checkpoint || fail "the requeue run wrote no checkpoint in 60 s"
scancel --batch --signal=USR1 "${job}_0"
for _ in $(seq 300); do
  grep -q "interrupted at step" "$requeue/runs/000__s0/console.log" && break
  sleep 0.1
done
grep -q "interrupted at step" "$requeue/runs/000__s0/console.log" ||
  fail "the time-limit signal made no checkpoint"
for _ in $(seq 300); do
  squeue -h -j "$job" -t PENDING 2>/dev/null | grep -q . && break
  sleep 0.1
done
squeue -h -j "$job" -t PENDING | grep -q . || fail "the task did not requeue itself"
# done: the run resumed (its log says so) and no state of the job is left short of the end
active="PD,CF,R,S,ST,CG,RQ,RF,RH,RS,SI,SO"
finished() {
  grep -q "^resume " "$requeue/runs/000__s0/console.log" &&
    ! squeue -h -j "$job" -t "$active" 2>/dev/null | grep -q .
}
for _ in $(seq 1200); do finished && break; sleep 0.1; done
finished || fail "the requeued task did not run and finish in 120 s"
"$bin" sweep --resume "$requeue"
/usr/bin/python3 - "$requeue" <<'PY'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "sweep.json")))
run = m["runs"][0]
assert run["status"] == "finished", run
assert len(m["slurm"]["job_ids"]) == 1, m["slurm"]  # requeued, not resubmitted
log = open(os.path.join(sys.argv[1], run["run_dir"], "console.log")).read().splitlines()
assert sum(l.startswith("train ") for l in log) == 1, log
assert sum(l.startswith("resume ") for l in log) == 1, log
print("requeue: the signalled run checkpointed, requeued itself and finished once")
PY
echo "PASS"
