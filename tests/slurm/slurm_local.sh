# A single-node SLURM on localhost for tests and measurements (toolchain.md §6), sourced:
#   source tests/slurm/slurm_local.sh; slurm_start DIR; ...; slurm_stop
# munged, slurmctld and slurmd run in the foreground as children of the calling shell, with their
# own munge socket, ports and state folder under DIR, so nothing else on the machine is touched;
# slurm_stop stops them by PID. slurm_start returns 77 when SLURM cannot start here.

# Starts the daemons with their state in DIR and exports SLURM_CONF; waits for the node to idle.
slurm_start() {
  export SLURM_DIR="$1/slurm"
  export SLURM_CONF="$SLURM_DIR/slurm.conf"
  mkdir -p "$SLURM_DIR"/{state,spool,log}
  install -d -o munge -g munge -m 0755 "$SLURM_DIR/munge"
  local port=$((20000 + ($$ % 20000) * 2))
  local socket="$SLURM_DIR/munge/munge.socket"
  cat > "$SLURM_CONF" <<CONF
ClusterName=rewardlab
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket,cred_expire=10
MpiDefault=none
SwitchType=switch/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_DIR/log/jobcomp.txt
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=5
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd.log
NodeName=localhost CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F --socket="$socket" \
    --pid-file="$SLURM_DIR/munge/munged.pid" --log-file="$SLURM_DIR/munge/munged.log" \
    --seed-file="$SLURM_DIR/munge/munged.seed" > "$SLURM_DIR/log/munged.stdout" 2>&1 &
  MUNGED_PID=$!
  for _ in $(seq 100); do munge -S "$socket" -n > /dev/null 2>&1 && break; sleep 0.05; done
  if ! munge -S "$socket" -n > /dev/null 2>&1; then
    echo "munged does not start here: $(cat "$SLURM_DIR/log/munged.stdout")"
    return 77
  fi
  /usr/sbin/slurmctld -D -f "$SLURM_CONF" > "$SLURM_DIR/log/slurmctld.stdout" 2>&1 &
  SLURMCTLD_PID=$!
  /usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" > "$SLURM_DIR/log/slurmd.stdout" 2>&1 &
  SLURMD_PID=$!
  echo "$MUNGED_PID $SLURMCTLD_PID $SLURMD_PID" > "$SLURM_DIR/daemons.pid"
  for _ in $(seq 300); do [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break; sleep 0.1; done
  if [ "$(sinfo -h -o %T 2>/dev/null)" != idle ]; then
    echo "the node is not idle: $(sinfo 2>&1 | tail -1)"
    return 77
  fi
  echo "slurm up: munged $MUNGED_PID, slurmctld $SLURMCTLD_PID, slurmd $SLURMD_PID, port $port"
}

# Stops the daemons slurm_start started, by PID, and waits for them.
slurm_stop() {
  # jobs still running (a failed test) are cancelled first, so no slurmstepd outlives slurmd
  if [ -n "${SLURMCTLD_PID:-}" ] && squeue -h 2>/dev/null | grep -q .; then
    scancel --user="$(id -un)" 2>/dev/null
    for _ in $(seq 100); do squeue -h 2>/dev/null | grep -q . || break; sleep 0.1; done
  fi
  if [ -n "${SLURMD_PID:-}" ]; then kill -TERM "$SLURMD_PID" 2>/dev/null; wait "$SLURMD_PID"; fi
  if [ -n "${SLURMCTLD_PID:-}" ]; then
    kill -TERM "$SLURMCTLD_PID" 2>/dev/null
    wait "$SLURMCTLD_PID"
  fi
  if [ -n "${MUNGED_PID:-}" ]; then kill -TERM "$MUNGED_PID" 2>/dev/null; wait "$MUNGED_PID"; fi
  SLURMD_PID="" SLURMCTLD_PID="" MUNGED_PID=""
  return 0
}
