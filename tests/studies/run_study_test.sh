#!/usr/bin/env bash
# A study regenerates itself (experiments/studies/study.sh): the agents study with 2 seeds into a
# temporary folder writes its sweeps, figures and README with one table row per sweep; run again,
# it starts no run and rewrites the same report, and --only resumes just the sweeps it names.
#   tests/studies/run_study_test.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

study="$root/experiments/studies/agents/run.sh"
"$study" --build "$1" --seeds 0:2 --runs "$work/runs" --report "$work/report" > "$work/first.log"
readme="$work/report/README.md"
for f in cartpole.png pendulum.png cartpole.csv pendulum.csv README.md; do
  [[ -s "$work/report/$f" ]] || fail "no $f in the report"
done
grep -q '^| cartpole_ppo | 2 |' "$readme" || fail "no 2-seed CartPole row in README.md"
grep -q '^| pendulum_sac | 2 |' "$readme" || fail "no 2-seed Pendulum row in README.md"
grep -Eq 'runs trained by the binary of commit ([0-9a-f]{12}(-dirty)?|unknown);' "$readme" ||
  fail "README.md does not say which commit trained the runs"
/usr/bin/python3 - "$work/runs" <<'PY'
import json, sys
for sweep in ("cartpole_ppo", "pendulum_sac"):
    m = json.load(open(f"{sys.argv[1]}/{sweep}/sweep.json"))
    assert [r["status"] for r in m["runs"]] == ["finished"] * 2, m["runs"]
    assert [r["seed"] for r in m["runs"]] == [0, 1], m["runs"]
PY

# run again with --only: that sweep alone is resumed, nothing is trained twice, the tables are
# the same
stamp() { find "$work/runs" -name run.h5 -printf '%p %T@\n' | sort; }
before="$(stamp)"
cp "$readme" "$work/first.md"
"$study" --build "$1" --seeds 0:2 --runs "$work/runs" --report "$work/report" \
  --only cartpole_ppo > "$work/second.log"
[[ "$(stamp)" == "$before" ]] || fail "the second run of the study rewrote run files"
[[ "$(grep -c "2 of 2 runs finished" "$work/second.log")" == 1 ]] ||
  fail "--only cartpole_ppo did not resume that sweep alone"
diff <(grep '^|' "$work/first.md") <(grep '^|' "$readme") || fail "the tables changed"
echo "study: report written, and regenerated without training again"
