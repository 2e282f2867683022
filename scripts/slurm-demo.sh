#!/usr/bin/env bash
# A real single-node Slurm, started here from the distribution's packages, runs sceau as a job
# array over a generated dataset (issue 15; spec/sharding.md, "Running under Slurm").
#
# Steps: install slurm-wlm and munge if missing -> start munged, slurmctld and slurmd privately
# under one temporary folder -> generate a dataset -> keygen -> a job array of
# `sceau scan DATA --shard auto -o parts/part-%a.json` -> `sceau sign DATA --parts …` -> an
# unsharded `sceau sign DATA` -> the two records must have the same subjects -> a second array
# hashes verification parts -> `sceau verify --parts …` passes -> one file is changed -> a third
# array, and `sceau verify` with and without parts fails naming that file -> stop the daemons.
#
# Usage: scripts/slurm-demo.sh [OPTIONS]
#   --selftest         check the scheduler alone: the same array runs a stand-in command that
#                      writes its task id, task count and host to a file; every task must run
#                      exactly once. sceau is neither built nor run.
#   --bench            a multi-GB dataset of a few large files; the array (scan + merge/sign)
#                      against one unsharded `sceau scan` and `sceau sign`, alternating, then a
#                      table of medians. Implies --release unless SCEAU is set.
#   --files N          small files in the dataset (default 20000), in nested folders, plus a
#                      tiny model (config.json, model.safetensors, README.md)
#   --file-size BYTES  size of each small file (default 512)
#   --tasks N          array tasks (default 4)
#   --cpus-per-task N  CPUs per task (default 1); sceau runs with --threads N
#   --rounds N         --bench rounds (default 3)
#   --bench-files N    --bench: number of large files (default 4)
#   --bench-size BYTES --bench: total bytes (default 4294967296, 4 GiB)
#   --release          build and use target/release/sceau (default target/debug/sceau)
#   --timeout SECONDS  longest wait for one array (default 900)
#   --keep             keep the work folder (printed) instead of removing it
# Environment:
#   SCEAU   the sceau binary to run (default: built here with cargo)
# Needs: root (the daemons, and apt-get when the packages are missing), Debian or Ubuntu,
# python3. Writes only under one `mktemp -d /tmp/sceau-slurm.XXXXXX` folder (removed at exit,
# unless --keep) and, when installing, the packages. Stops exactly the daemons it started (by
# their saved pid) on exit, on error and on INT/TERM. Exit 0 when every check passed, 1 when a
# check failed, 2 on a usage or setup error.
# shellcheck disable=SC2317  # functions run from traps and through "$@" are reachable
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

MODE=demo
FILES=20000
FILE_SIZE=512
TASKS=4
CPT=1
ROUNDS=3
BENCH_FILES=4
BENCH_SIZE=$((4 << 30))
RELEASE=0
TIMEOUT=900
KEEP=0

usage() { sed -n '2,/^# shellcheck/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "slurm-demo: $*" >&2; exit 2; }
num() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive integer, not '$2'"; }

while [ $# -gt 0 ]; do
  case $1 in
    --selftest) MODE=selftest ;;
    --bench) MODE=bench ;;
    --files) num "$1" "${2-}"; FILES=$2; shift ;;
    --file-size) [[ ${2-} =~ ^[0-9]+$ ]] || die "--file-size wants a number of bytes"; FILE_SIZE=$2; shift ;;
    --tasks) num "$1" "${2-}"; TASKS=$2; shift ;;
    --cpus-per-task) num "$1" "${2-}"; CPT=$2; shift ;;
    --rounds) num "$1" "${2-}"; ROUNDS=$2; shift ;;
    --bench-files) num "$1" "${2-}"; BENCH_FILES=$2; shift ;;
    --bench-size) num "$1" "${2-}"; BENCH_SIZE=$2; shift ;;
    --release) RELEASE=1 ;;
    --timeout) num "$1" "${2-}"; TIMEOUT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

[ "$(uname -s)" = Linux ] || die "Linux only"
[ "$(id -u)" = 0 ] || die "run as root: slurmd runs jobs as their user and the packages may need installing"
command -v python3 >/dev/null || die "python3 is required"

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "== $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Packages. Installing munge starts a system munged unless policy-rc.d forbids it: when the
# image has none, one that answers 101 ("action forbidden") is in place for the install only.
# ---------------------------------------------------------------------------------------------
POLICY_RC_MADE=0
need=()
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
  command -v "$c" >/dev/null || need+=("$c")
done
packages=(slurm-wlm munge)
if [ "$MODE" = bench ] && ! command -v openssl >/dev/null; then
  need+=(openssl)
  packages+=(openssl)
fi
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${need[*]}; install ${packages[*]}"
  say "installing ${packages[*]} (missing: ${need[*]})"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_MADE=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  t=$(now)
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${packages[@]}") >/dev/null
  if [ "$POLICY_RC_MADE" = 1 ]; then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_MADE=0
    trap - EXIT
  fi
  say "installed in $(since "$t") s"
fi

# ---------------------------------------------------------------------------------------------
# The sceau binary.
# ---------------------------------------------------------------------------------------------
[ "$MODE" = bench ] && [ -z "${SCEAU-}" ] && RELEASE=1
if [ "$MODE" != selftest ]; then
  if [ -z "${SCEAU-}" ]; then
    if [ "$RELEASE" = 1 ]; then
      say "building sceau (release)"
      cargo build -q --release -p sceau
      SCEAU=$REPO/target/release/sceau
    else
      say "building sceau (debug)"
      cargo build -q -p sceau
      SCEAU=$REPO/target/debug/sceau
    fi
  fi
  [ -x "$SCEAU" ] || die "SCEAU=$SCEAU is not an executable"
  SCEAU=$(realpath "$SCEAU")
fi

# ---------------------------------------------------------------------------------------------
# The work folder, and stopping what was started. Every daemon runs in the foreground as a
# child of this script: its pid stays ours (unreaped) until we wait for it, so the pid that is
# signalled is the daemon's and no other process's.
# ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/sceau-slurm.XXXXXX)
mkdir -p "$WORK"/{munge,slurm/state,slurm/spool,logs/tasks,out}
# munged refuses a socket folder that others cannot traverse, up to the root: /tmp is 1777,
# and these two are made traversable but not listable.
chmod 0711 "$WORK" "$WORK/munge"
export SLURM_CONF=$WORK/slurm/slurm.conf

PIDS=()   # daemons, in start order
NAMES=()
JOBS=()   # submitted job ids
FAILED=0

stop_daemons() {
  local i pid
  if [ ${#JOBS[@]} -gt 0 ] && [ ${#PIDS[@]} -gt 1 ]; then
    # Running tasks belong to slurmstepd processes that outlive slurmd: cancel them through
    # Slurm first, then give slurmd a moment to reap them.
    scancel "${JOBS[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      # A stopped child is a zombie until waited for: reap it to see it gone.
      if [ "$(ps -o stat= -p "$pid" 2>/dev/null)" = Z ]; then break; fi
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z ]; then
      echo "slurm-demo: ${NAMES[i]} (pid $pid) ignored SIGTERM for 10 s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

print_tails() {
  # The daemons' own logs; a daemon's standard error (.out) only when its log is empty (it
  # stopped before opening it), since otherwise it repeats the log.
  local f log
  for f in "$WORK"/logs/*.log "$WORK"/logs/*.out; do
    if [ ! -f "$f" ] || [ ! -s "$f" ]; then continue; fi
    log=${f%.out}.log
    if [ "$f" != "$log" ] && [ -s "$log" ]; then continue; fi
    echo "---- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
}

# A long step runs as a background child that this script waits for, so that INT or TERM is
# handled at once (bash runs traps only between foreground commands); the trap ends it.
CHILD=
child() {
  local rc=0
  # <&0: keep standard input (a here-document); an asynchronous command gets /dev/null.
  "$@" <&0 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=
  return "$rc"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ "$POLICY_RC_MADE" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ -n "$CHILD" ]; then
    kill -TERM "$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  # Logs help when something failed, not when the run was interrupted.
  if [ "$rc" != 0 ] && [ "$rc" != 130 ] && [ "$rc" != 143 ]; then
    print_tails
  fi
  stop_daemons
  if [ "$KEEP" = 1 ] || [ ! -d "$WORK" ]; then
    [ -d "$WORK" ] && echo "slurm-demo: work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# munge and Slurm, private to $WORK.
# ---------------------------------------------------------------------------------------------
start_daemon() { # start_daemon NAME LOG COMMAND... (foreground mode, backgrounded here)
  local name=$1 log=$2
  shift 2
  "$@" >>"$log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

say "starting munged, slurmctld and slurmd under $WORK"
T_START=$(now)
MUNGE_SOCKET=$WORK/munge/munge.socket.2
mungekey --create --keyfile="$WORK/munge/munge.key"
chmod 0600 "$WORK/munge/munge.key"
start_daemon munged "$WORK/logs/munged.out" munged --foreground \
  --socket="$MUNGE_SOCKET" --key-file="$WORK/munge/munge.key" \
  --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
  --log-file="$WORK/logs/munged.log"
for _ in $(seq 100); do
  [ -S "$MUNGE_SOCKET" ] && break
  kill -0 "${PIDS[0]}" 2>/dev/null || die "munged stopped (its log follows)"
  sleep 0.05
done
[ -S "$MUNGE_SOCKET" ] || die "munged did not open $MUNGE_SOCKET within 5 s"

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/^MemAvailable:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT=$(free_port); done
[ "$CPT" -le "$CPUS" ] || die "--cpus-per-task $CPT is more than this machine's $CPUS CPUs"

cat >"$SLURM_CONF" <<EOF
# One node on localhost, for scripts/slurm-demo.sh; everything lives under $WORK.
ClusterName=sceau-demo
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/slurm/state
SlurmdSpoolDir=$WORK/slurm/spool
SlurmctldPidFile=$WORK/slurm/slurmctld.pid
SlurmdPidFile=$WORK/slurm/slurmd.pid
SlurmctldLogFile=$WORK/logs/slurmctld.log
SlurmdLogFile=$WORK/logs/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=$((TIMEOUT + 600))
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

start_daemon slurmctld "$WORK/logs/slurmctld.out" slurmctld -D -f "$SLURM_CONF"
for _ in $(seq 200); do
  scontrol ping 2>/dev/null | grep -q 'is UP' && break
  kill -0 "${PIDS[1]}" 2>/dev/null || die "slurmctld stopped (its log follows)"
  sleep 0.05
done
scontrol ping 2>/dev/null | grep -q 'is UP' || die "slurmctld did not answer within 10 s"
start_daemon slurmd "$WORK/logs/slurmd.out" slurmd -D -N "$HOST" -f "$SLURM_CONF"
state=
for _ in $(seq 300); do
  state=$(sinfo -h -N -n "$HOST" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  kill -0 "${PIDS[2]}" 2>/dev/null || die "slurmd stopped (its log follows)"
  sleep 0.05
done
[ "$state" = idle ] || die "node $HOST is '${state:-unknown}', not idle, after 15 s"
T_UP=$(since "$T_START")
say "Slurm up in $T_UP s: node $HOST, $CPUS CPUs, ports $CTLD_PORT/$SLURMD_PORT"

# ---------------------------------------------------------------------------------------------
# Job arrays. One batch script for every array: it runs its arguments with `%a` replaced by
# the task id, as sbatch does in --output names.
# ---------------------------------------------------------------------------------------------
cat >"$WORK/array-job.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
args=("${@//"%a"/$SLURM_ARRAY_TASK_ID}")
exec "${args[@]}"
EOF
chmod 755 "$WORK/array-job.sh"

# run_array LABEL COMMAND...: submits COMMAND as a TASKS-task array (ids 1..TASKS) and waits
# for it; sets ARRAY_SECONDS (submission to the last task's end). Fails unless every task
# completed with exit code 0.
ARRAY_SECONDS=
run_array() {
  local label=$1 t id out states bad
  shift
  t=$(now)
  id=$(sbatch --parsable --array="1-$TASKS" --cpus-per-task="$CPT" --job-name="sceau-$label" \
    --output="$WORK/logs/tasks/$label-%a.out" --chdir="$WORK" "$WORK/array-job.sh" "$@")
  id=${id%%;*}
  JOBS+=("$id")
  # No accounting here (sacct is unavailable): squeue shows the array until its last task
  # ends, and the controller keeps finished tasks for MinJobAge (set above the timeout), so
  # scontrol then gives every task's state and exit code.
  while [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ]; do
    if [ "$(since "$t" | cut -d. -f1)" -ge "$TIMEOUT" ]; then
      echo "slurm-demo: array $label (job $id) still running after $TIMEOUT s" >&2
      return 1
    fi
    sleep 0.1
  done
  ARRAY_SECONDS=$(since "$t")
  out=$(scontrol -o show job "$id") || { echo "slurm-demo: scontrol lost job $id" >&2; return 1; }
  states=$(grep -c 'JobState=COMPLETED .*ExitCode=0:0' <<<"$out" || true)
  if [ "$states" != "$TASKS" ]; then
    bad=$(grep -v 'JobState=COMPLETED .*ExitCode=0:0' <<<"$out" | tr ' ' '\n' |
      sed -n 's/^ArrayTaskId=/task /p; s/^JobState=/ /p; s/^ExitCode=/ exit /p' | tr -d '\n' |
      sed 's/task /; task /g; s/^; //' || true)
    echo "slurm-demo: array $label (job $id): $states of $TASKS tasks completed with exit 0 ($bad)" >&2
    for f in "$WORK"/logs/tasks/"$label"-*.out; do
      echo "---- $f" >&2
      tail -n 10 "$f" >&2
    done
    return 1
  fi
}

check() { # check DESCRIPTION COMMAND...: records a failed check, keeps going
  local what=$1
  shift
  if child "$@"; then
    echo "ok    $what"
  else
    echo "FAIL  $what"
    FAILED=1
  fi
}

# ---------------------------------------------------------------------------------------------
# --selftest: the scheduler alone.
# ---------------------------------------------------------------------------------------------
if [ "$MODE" = selftest ]; then
  cat >"$WORK/stand-in.sh" <<'EOF'
#!/usr/bin/env bash
# Stand-in for `sceau scan --shard auto`: what a task sees of its array.
printf '%s %s %s %s %s %s\n' "$SLURM_ARRAY_JOB_ID" "$SLURM_ARRAY_TASK_ID" \
  "$SLURM_ARRAY_TASK_MIN" "$SLURM_ARRAY_TASK_MAX" "$SLURM_ARRAY_TASK_COUNT" "$(hostname -s)" >>"$1"
EOF
  chmod 755 "$WORK/stand-in.sh"
  # Two arrays, as the demo runs several: the first after start-up also waits for the
  # controller's first scheduling pass (about 3 s after slurmctld starts, measured).
  times=()
  for round in 1 2; do
    mkdir -p "$WORK/out/selftest-$round"
    run_array "selftest-$round" "$WORK/stand-in.sh" "$WORK/out/selftest-$round/task-%a.txt"
    times+=("$ARRAY_SECONDS")
    say "array $round of $TASKS tasks done in $ARRAY_SECONDS s"
    # Each task appends one line to its own file: N files of one line each, the shard index
    # (id - min) covering 0..N-1 once, the count N everywhere, one array job, this host.
    check "array $round ran $TASKS tasks, each exactly once, and each saw its id, min and count" \
      python3 - "$WORK/out/selftest-$round" "$TASKS" "$HOST" <<'PY'
import os, sys
folder, n, host = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(os.listdir(folder))
lines = [l.split() for f in files for l in open(os.path.join(folder, f))]
errors = []
if len(files) != n or len(lines) != n:
    errors.append(f"{len(files)} files and {len(lines)} lines for {n} tasks")
shards = sorted(int(task) - int(lo) for _, task, lo, _, _, _ in lines)
if shards != list(range(n)):
    errors.append(f"shard indexes {shards}, expected 0..{n - 1} once each")
if {l[4] for l in lines} != {str(n)}:
    errors.append(f"SLURM_ARRAY_TASK_COUNT {sorted({l[4] for l in lines})}, expected {n}")
if len({l[0] for l in lines}) != 1:
    errors.append("tasks of more than one array job")
if {l[5] for l in lines} != {host}:
    errors.append(f"hosts {sorted({l[5] for l in lines})}, expected {host}")
for f in files:
    task = f.removeprefix("task-").removesuffix(".txt")
    if [l.split()[1] for l in open(os.path.join(folder, f))] != [task]:
        errors.append(f"{f} not written by task {task} alone")
for e in errors:
    print("  " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
  done
  echo
  echo "| step | seconds |"
  echo "|---|---|"
  echo "| munged + slurmctld + slurmd up, node idle | $T_UP |"
  echo "| first $TASKS-task array (submit to last task done) | ${times[0]} |"
  echo "| second $TASKS-task array | ${times[1]} |"
  if [ "$FAILED" = 0 ]; then echo "selftest: PASS"; else echo "selftest: FAIL"; fi
  exit "$FAILED"
fi

# ---------------------------------------------------------------------------------------------
# The dataset.
# ---------------------------------------------------------------------------------------------
DATA=$WORK/data
mkdir -p "$DATA"
t=$(now)
if [ "$MODE" = bench ]; then
  avail=$(df -B1 --output=avail "$WORK" | tail -n 1)
  [ "$avail" -gt $((BENCH_SIZE + (2 << 30))) ] ||
    die "--bench-size $BENCH_SIZE needs that much free space plus 2 GiB under /tmp ($avail free)"
  say "generating $BENCH_FILES large files, $BENCH_SIZE bytes in all"
  each=$((BENCH_SIZE / BENCH_FILES))
  mkdir -p "$DATA/shards"
  big() { # big FILE BYTES SEED: incompressible bytes at GB/s, an AES-CTR keystream
    # (openssl dies of SIGPIPE when head has had enough: not an error).
    { openssl enc -aes-128-ctr -nosalt -pass "pass:sceau-slurm-$3" -pbkdf2 </dev/zero 2>/dev/null || true; } |
      head -c "$2" >"$1"
    [ "$(stat -c %s "$1")" = "$2" ] || die "could not write $2 bytes to $1"
  }
  for ((i = 1; i <= BENCH_FILES; i++)); do
    child big "$DATA/shards/shard-$(printf %05d "$i")-of-$(printf %05d "$BENCH_FILES").bin" "$each" "$i"
  done
else
  say "generating $FILES files of $FILE_SIZE bytes and a tiny model"
fi
child python3 - "$DATA" "$MODE" "$FILES" "$FILE_SIZE" <<'PY'
import json, os, random, struct, sys
root, mode, files, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def write(rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
write("config.json", json.dumps({"architectures": ["DemoModel"], "hidden_size": 8,
                                 "num_hidden_layers": 1, "vocab_size": 16}, indent=2).encode())
write("README.md", b"---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n"
      b"# sceau Slurm demo\n\nA tiny model and a generated dataset, hashed by a job array.\n")
if mode != "bench":
    # safetensors: an 8-byte little-endian header length, the JSON header, the tensor bytes.
    data = struct.pack("<16f", *[i / 16 for i in range(16)])
    header = json.dumps({"weight": {"dtype": "F32", "shape": [2, 8],
                                    "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    write("model.safetensors", struct.pack("<Q", len(header)) + header + data)
    # 100 files per folder, 10 folders per group: dataset/g000/d00/000000.bin ...
    for i in range(files):
        write(f"dataset/g{i // 1000:03d}/d{i // 100 % 10:02d}/{i:06d}.bin",
              random.Random(i).randbytes(size))
PY
T_GEN=$(since "$t")
say "dataset in $T_GEN s: $(find "$DATA" -type f | wc -l) files, $(du -sh "$DATA" | cut -f1)"

cd "$WORK"
"$SCEAU" keygen -o "$WORK/demo" --no-passphrase >/dev/null
KEY=$WORK/demo.key
PUB=$WORK/demo.pub
RELEASE_ARGS=(--name sceau-slurm-demo --version 1.0.0)

# part_args DIR: the --parts arguments for the part files of DIR (one --parts per file, which
# a clap Vec<PathBuf> takes whether it reads one or several values per flag).
part_args() {
  local f
  PARTS=()
  for f in "$1"/part-*.json; do PARTS+=(--parts "$f"); done
}

# scan_array LABEL: the scan job array, parts in $WORK/LABEL/part-K.json.
scan_array() {
  mkdir -p "$WORK/$1"
  rm -f "$WORK/$1"/part-*.json
  run_array "$1" "$SCEAU" scan "$DATA" --shard auto --threads "$CPT" -q \
    -o "$WORK/$1/part-%a.json"
}

# same_subjects A B: both records' in-toto subjects (name and digests) equal, and, when
# `sceau inspect --json` lists artifacts, the same paths and SHA-256 digests.
same_subjects() {
  python3 - "$1" "$2" "$SCEAU" <<'PY'
import base64, json, subprocess, sys
a, b, sceau = sys.argv[1:4]
def subjects(path):
    envelope = json.load(open(path))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    return sorted((s["name"], sorted(s["digest"].items())) for s in statement["subject"])
def artifacts(path):
    out = subprocess.run([sceau, "inspect", path, "--json"], check=True, capture_output=True)
    return sorted((x["path"], x["sha256"]) for x in json.loads(out.stdout).get("artifacts", []))
sa, sb = subjects(a), subjects(b)
aa, ab = artifacts(a), artifacts(b)
print(f"  sharded: {len(sa)} subjects, {len(aa)} artifacts; unsharded: {len(sb)} subjects, {len(ab)} artifacts")
ok = sa == sb and aa == ab and len(sa) > 0
if not ok:
    for name, x, y in (("subjects", sa, sb), ("artifacts", aa, ab)):
        for e in sorted(set(map(str, x)) ^ set(map(str, y)))[:10]:
            print(f"  {name} differ: {e}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# expect_fail_naming PATH COMMAND...: COMMAND exits 1 and its output names PATH.
expect_fail_naming() {
  local rel=$1 rc=0 out
  shift
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" = 1 ] && grep -qF "$rel" <<<"$out"; then
    return 0
  fi
  echo "  exit $rc (expected 1); output:" >&2
  head -n 20 <<<"$out" | sed 's/^/  | /' >&2
  return 1
}

# ---------------------------------------------------------------------------------------------
# --bench: the array against one process, alternating.
# ---------------------------------------------------------------------------------------------
if [ "$MODE" = bench ]; then
  say "warming the page cache"
  child cat "$DATA"/shards/* >/dev/null
  : >"$WORK/bench.tsv"
  printf 'round\tarray scan\tsign --parts\tone scan\tone sign\n' >&2
  for ((r = 1; r <= ROUNDS; r++)); do
    scan_array "parts-$r"
    a_scan=$ARRAY_SECONDS
    part_args "$WORK/parts-$r"
    t=$(now)
    child "$SCEAU" sign "$DATA" "${PARTS[@]}" --key "$KEY" -o "$WORK/sharded-$r.sceau.json" \
      "${RELEASE_ARGS[@]}" -q >/dev/null
    a_sign=$(since "$t")
    t=$(now)
    child "$SCEAU" scan "$DATA" -q >/dev/null
    u_scan=$(since "$t")
    t=$(now)
    child "$SCEAU" sign "$DATA" --key "$KEY" -o "$WORK/unsharded-$r.sceau.json" "${RELEASE_ARGS[@]}" -q >/dev/null
    u_sign=$(since "$t")
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$a_scan" "$a_sign" "$u_scan" "$u_sign" | tee -a "$WORK/bench.tsv" >&2
    check "round $r: same subjects sharded and unsharded" \
      same_subjects "$WORK/sharded-$r.sceau.json" "$WORK/unsharded-$r.sceau.json"
  done
  python3 - "$WORK/bench.tsv" "$TASKS" "$CPT" "$BENCH_FILES" "$BENCH_SIZE" "$T_UP" <<'PY'
import statistics, sys
path, tasks, cpt, files, size, up = sys.argv[1:7]
rows = [list(map(float, l.split("\t")[1:])) for l in open(path) if l.strip()]
med = [statistics.median(c) for c in zip(*rows)]
gib = int(size) / 2**30
print(f"\n{files} large files, {gib:.2f} GiB in all (plus config.json and README.md), page cache "
      f"warm; {len(rows)} rounds alternating, medians; Slurm up in {up} s (not counted)\n")
print("| run | seconds | GiB/s |")
print("|---|---|---|")
for name, s in ((f"{tasks}-task array of `scan --shard auto` ({cpt} CPU each), submit to last task done", med[0]),
                ("then `sign --parts` (merge + sign)", med[1]),
                ("array end to end", med[0] + med[1]),
                ("one `sceau scan`", med[2]),
                ("one `sceau sign`", med[3])):
    rate = "" if name.startswith("then") else f"{gib / s:.2f}"
    print(f"| {name} | {s:.2f} | {rate} |")
PY
  if [ "$FAILED" = 0 ]; then echo "bench: PASS"; else echo "bench: FAIL"; fi
  exit "$FAILED"
fi

# ---------------------------------------------------------------------------------------------
# The demo.
# ---------------------------------------------------------------------------------------------
scan_array parts
T_SCAN=$ARRAY_SECONDS
say "scan array done in $T_SCAN s"
part_args "$WORK/parts"
t=$(now)
child "$SCEAU" sign "$DATA" "${PARTS[@]}" --key "$KEY" -o "$WORK/sharded.sceau.json" "${RELEASE_ARGS[@]}" -q
T_MERGE=$(since "$t")
t=$(now)
child "$SCEAU" sign "$DATA" --key "$KEY" -o "$WORK/unsharded.sceau.json" "${RELEASE_ARGS[@]}" -q
T_SIGN=$(since "$t")
check "sharded and unsharded records have the same subjects" \
  same_subjects "$WORK/sharded.sceau.json" "$WORK/unsharded.sceau.json"

scan_array vparts
T_VSCAN=$ARRAY_SECONDS
part_args "$WORK/vparts"
t=$(now)
check "sceau verify --parts (a second array's parts) passes" \
  "$SCEAU" verify "$DATA" --record "$WORK/sharded.sceau.json" --key "$PUB" "${PARTS[@]}" -q
T_VERIFY=$(since "$t")
check "sceau verify (unsharded) passes" \
  "$SCEAU" verify "$DATA" --record "$WORK/sharded.sceau.json" --key "$PUB" -q

# One changed file: the middle one of the dataset (or the model's config.json).
REL=$(cd "$DATA" && find . -type f -name '*.bin' | sort | sed -n "$(((FILES + 1) / 2))p")
REL=${REL#./}
REL=${REL:-config.json}
printf 'x' >>"$DATA/$REL"
say "changed $REL"
scan_array vparts-changed
part_args "$WORK/vparts-changed"
check "sceau verify --parts fails (exit 1) naming $REL" \
  expect_fail_naming "$REL" "$SCEAU" verify "$DATA" --record "$WORK/sharded.sceau.json" \
  --key "$PUB" "${PARTS[@]}" -q
check "sceau verify (unsharded) fails (exit 1) naming $REL" \
  expect_fail_naming "$REL" "$SCEAU" verify "$DATA" --record "$WORK/sharded.sceau.json" \
  --key "$PUB" -q

echo
echo "dataset: $(find "$DATA" -type f | wc -l) files ($FILES x $FILE_SIZE bytes + a tiny model); $TASKS tasks, $CPT CPU each; sceau $SCEAU"
echo "| step | seconds |"
echo "|---|---|"
echo "| munged + slurmctld + slurmd up, node idle | $T_UP |"
echo "| dataset generated | $T_GEN |"
echo "| scan array ($TASKS tasks, submit to last task done) | $T_SCAN |"
echo "| sign --parts (merge + sign) | $T_MERGE |"
echo "| unsharded sign | $T_SIGN |"
echo "| verification array | $T_VSCAN |"
echo "| verify --parts | $T_VERIFY |"
if [ "$FAILED" = 0 ]; then echo "demo: PASS"; else echo "demo: FAIL"; fi
exit "$FAILED"
