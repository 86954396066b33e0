# Shared by the studies' run.sh scripts (sourced, not run). A study is one command that runs its
# sweeps, plots them and writes results/<study>/README.md; run it again and it continues: a sweep
# whose folder exists is resumed (`rewardlab sweep --resume`: finished runs are kept, interrupted
# ones continue from their checkpoints), so only the plots and the report are made again.
#
#   experiments/studies/<study>/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                      [--only SWEEP,...] [--fresh | --report-only]
#
# --build: the build folder with `rewardlab` (default build/); --seeds: the seeds of every sweep
# (default: the study's); --runs: where the sweep folders go (default results/runs/<study>);
# --report: where README.md and the figures go (default results/<study>); --fresh: delete the
# sweep folders first; --report-only: start no run, make the plots and README from the runs there
# (e.g. while a long sweep is still running: runs being written are read through SWMR); --only:
# start or resume only these sweeps (folder names), the others are left as they are.

# study_init STUDY DEFAULT_SEEDS "$@": parses the arguments into root, build, rl, seeds, runs,
# report and changes to the repository root.
study_init() {
  local study="$1"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  build="$root/build"
  seeds="$2"
  runs="$root/results/runs/$study"
  report="$root/results/$study"
  local fresh=0
  report_only=0
  only=""
  shift 2
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --build) build="$(cd "$2" && pwd)"; shift 2 ;;
      --seeds) seeds="$2"; shift 2 ;;
      --runs) runs="$2"; shift 2 ;;
      --report) report="$2"; shift 2 ;;
      --fresh) fresh=1; shift ;;
      --report-only) report_only=1; shift ;;
      --only) only=",$2,"; shift 2 ;;
      *) echo "$study/run.sh: unknown argument '$1' (see experiments/studies/study.sh)" >&2
         exit 2 ;;
    esac
  done
  rl="$build/rewardlab"
  [[ -x "$rl" ]] || { echo "$study/run.sh: no $rl; build first (scripts/build.sh)" >&2; exit 2; }
  cd "$root"
  if [[ $fresh == 1 ]]; then rm -rf "$runs"; fi
  mkdir -p "$runs" "$report"
}

# study_sweep FOLDER CONFIG [SWEEP_FLAGS...]: the sweep $runs/FOLDER (named after its last path
# component) of CONFIG over $seeds, started or resumed; fails when a run failed.
study_sweep() {
  local name="$1" dir="$runs/$1" config="$2"
  shift 2
  if [[ $report_only == 1 || ( -n $only && $only != *",$name,"* ) ]]; then
    return 0
  elif [[ -f "$dir/sweep.json" ]]; then
    # of the sweep flags, only --jobs applies to a resumed sweep
    local jobs=()
    while (($#)); do
      if [[ $1 == --jobs ]]; then jobs=(--jobs "$2"); shift; fi
      shift
    done
    "$rl" sweep --resume "$dir" "${jobs[@]}"
  else
    "$rl" sweep "$config" --seeds "$seeds" --name "$(basename "$dir")" --out "$dir" "$@"
  fi
}

# study_plot NAME TITLE THRESHOLD SWEEP_DIR... [PLOT_FLAGS...]: $report/NAME.png with NAME.csv
# and NAME.md (`rewardlab plot`).
study_plot() {
  local name="$1" title="$2" threshold="$3"
  shift 3
  "$rl" plot "$@" --out "$report/$name.png" --title "$title" --threshold "$threshold" > /dev/null
}

# study_made_by SCRIPT [RUNS_DIR]: the line of a report that says how, when and where it was
# made and, given a sweep's or a whole study's runs, which commits built the binaries that
# trained them.
study_made_by() {
  local trained=""
  if [[ -n ${2:-} ]]; then
    trained="; runs trained by the binary of commit $(study_trained_by "$2")"
  fi
  echo "Made by \`$1\` (commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%Y-%m-%d)," \
    "$(nproc) vCPUs, $(uname -sm))$trained; figures and tables by \`rewardlab plot\`."
}

# study_trained_by RUNS_DIR: the commits stamped in the run files under RUNS_DIR (their
# `git_commit` attribute, read through SWMR so that runs still training count), comma-separated;
# unreadable files are skipped.
study_trained_by() {
  find "$1" -name run.h5 -print0 | xargs -0r /usr/bin/python3 -c '
import sys, h5py
commits = set()
for path in sys.argv[1:]:
    try:
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            c = f.attrs["git_commit"]
    except (OSError, KeyError):  # a run file cut short as it was created names no commit
        continue
    commits.add(c.decode() if isinstance(c, bytes) else c)
print(", ".join(sorted(commits)))'
}
