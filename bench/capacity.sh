#!/usr/bin/env bash
# Capacity of the z4j brain in one run (about 32 minutes on 2 cores, 25 with --no-veth): raw COPY
# ceiling, sustained end-to-end rate for batched and agent-shaped clients, cross-replica
# command/notice latency, capacity for agents that read their acks only when a write blocks
# (asyncio-agent), memory per idle agent socket and a connect storm. Prints a table and writes
# docs/CAPACITY.md.
# Exits 1 if a ladder found no passing step.
#
#   bench/capacity.sh            # builds the jars if missing, then measures
#   bench/capacity.sh --rebuild  # always rebuild first
#   bench/capacity.sh --keep     # keep the temp folder with every brain and loadgen log/report
#   bench/capacity.sh --no-veth  # skip the asyncio-agent ladders over a 1500-MTU veth link
#   bench/capacity.sh --only memory,storm   # only the agent-socket phases (memory per idle socket at
#                                # 1k/5k/10k and after 190 s idle, on the HTTP port and on the agent port,
#                                # a 10k connect storm and a restart; about 10 minutes); they
#                                # replace their own section of docs/CAPACITY.md and leave the rest
#   bench/capacity.sh --only reads [--tasks 5000000] [--events 20000000] [--readers 8] [--read-seconds 60]
#                                [--ingest-rate N] [--read-rate 40]
#                                # operator reads over a seeded history (tasks and events over 30 days of
#                                # partitions, generated inside PostgreSQL), 8 concurrent HTTP readers on every
#                                # list/filter/detail/timeline/stats/home read, alone and with a loadgen ingesting
#                                # at half the batched capacity a ladder finds on that brain and history (or at
#                                # --ingest-rate N; 0 = only alone), the readers under ingest preceded by the same
#                                # requests paced at --read-rate a second under ingest (open loop; 0 = none);
#                                # replaces its own section of docs/CAPACITY.md.
#                                # The full size takes about 17 minutes on 2 shared cores, 10 of them seeding.
#   bench/capacity.sh --only replica [--tasks 500000] [--events 2000000] [--read-seconds 60] [--ingest-rate 2000]
#                                [--read-rate 40]
#                                # the read replica (Z4J_DATABASE_READ_URL): a primary and a streaming standby,
#                                # a seeded history, the reads above paced at --read-rate under ingest, on a brain
#                                # without the read URL, with it, and with it while the standby is stopped mid-read;
#                                # CPU of each server, who answered, fallbacks; replaces its own section.
#   bench/capacity.sh --only latency [--ingest-rate 4500] [--writers 1,2] [--rounds 2]
#                                # the cross-replica command and notice latency probes alone (section 3 of the
#                                # full run), on a fresh pair of brains per writers setting (Z4J_INGEST_WRITERS)
#                                # and round, settings alternated, background ingest at one fixed rate; about
#                                # 80 s a pair; replaces its own section.
#
# Everything runs on this machine: one embedded PostgreSQL 17, brains and load generators in their own
# JVMs, on loopback. As root, the asyncio-agent ladders also run over a veth pair with MTU 1500 whose
# far end sits in a network namespace created for it (only lo and that end, no default route); the
# pair and the namespace are removed when the run ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh

rebuild=0
veth=1
pass=()
usage="usage: bench/capacity.sh [--rebuild] [--keep] [--no-veth] [--only memory,storm | --only reads [--tasks N] [--events N] [--readers N] [--read-seconds N] [--ingest-rate N] [--read-rate N] | --only replica [--tasks N] [--events N] [--read-seconds N] [--ingest-rate N] [--read-rate N] | --only latency [--ingest-rate N] [--writers 1,2] [--rounds N]]"
reads=0
replica=0
latency=0
command="bench/capacity.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild) rebuild=1 ;;
    --keep) pass+=(--keep) ;;
    --no-veth) veth=0 ;;
    --only)
      [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
      [[ "$2" =~ ^(memory|storm)(,(memory|storm))*$ || "$2" == reads || "$2" == replica || "$2" == latency ]] \
        || { echo "--only: a comma-separated list of memory, storm; or reads; or replica; or latency (was '$2')" >&2; exit 2; }
      [ "$2" = reads ] && reads=1
      [ "$2" = replica ] && replica=1
      [ "$2" = latency ] && latency=1
      pass+=(--only "$2"); shift ;;
    --tasks|--events|--readers|--read-seconds|--ingest-rate|--read-rate|--rounds)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || { echo "$1: a whole number (was '${2:-}')" >&2; exit 2; }
      pass+=("$1" "$2"); shift ;;
    --writers)
      [ $# -ge 2 ] && [[ "$2" =~ ^[1-8](,[1-8])*$ ]] || { echo "$1: a comma-separated list of 1 to 8 (was '${2:-}')" >&2; exit 2; }
      pass+=("$1" "$2"); shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done

if [ "$rebuild" = 1 ] || [ ! -f ops/target/z4j-brain.jar ] || [ ! -f loadgen/target/z4j-loadgen.jar ] \
   || [ ! -d bench/target/capacity-lib ] || [ ! -d bench/target/classes/dev/z4j/brain/bench/capacity ]; then
  # package, not install: the reactor resolves the sibling modules itself, so this works from a
  # fresh clone and leaves ~/.m2 alone
  echo "capacity: building the brain, loadgen and bench jars (./mvnw -B -q -DskipTests package) ..." >&2
  ./mvnw -B -q -DskipTests package \
    || { echo "capacity: the build failed (./mvnw -B -DskipTests package); nothing was measured" >&2; exit 1; }
fi

if [ "$reads" = 0 ] && [ "$replica" = 0 ] && [ "$latency" = 0 ] && printf '%s\n' "${pass[@]}" | grep -qxE -- '--(tasks|events|readers|read-seconds|ingest-rate|read-rate)'; then
  echo "--tasks, --events, --readers, --read-seconds, --ingest-rate, --read-rate: only with --only reads or replica (--ingest-rate also with latency)" >&2; exit 2
fi
if [ "$latency" = 1 ] && printf '%s\n' "${pass[@]}" | grep -qxE -- '--(tasks|events|readers|read-seconds|read-rate)'; then
  echo "--only latency takes --ingest-rate, --writers and --rounds only" >&2; exit 2
fi
if [ "$latency" = 0 ] && printf '%s\n' "${pass[@]}" | grep -qxE -- '--(writers|rounds)'; then
  echo "--writers, --rounds: only with --only latency" >&2; exit 2
fi
if [ "$replica" = 1 ] && printf '%s\n' "${pass[@]}" | grep -qx -- '--readers'; then
  echo "--readers: only with --only reads (the replica rounds are paced, see --read-rate)" >&2; exit 2
fi
[ "$reads" = 1 ] || [ "$replica" = 1 ] || [ "$latency" = 1 ] && veth=0 # these phases run on loopback only

if [ "$veth" = 1 ]; then
  # One name per run (this shell's pid), so runs by different people never share a link. The Java side
  # removes it itself; this trap is the last resort if the JVM dies without running its hooks.
  link="z4jc$$"
  pass+=(--veth-name "$link")
  trap 'ip link del "${link}h" 2>/dev/null || true; ip netns del "$link" 2>/dev/null || true' EXIT
fi

java -cp "bench/target/classes:bench/target/capacity-lib/*" dev.z4j.brain.bench.capacity.Capacity \
  --root . --out docs/CAPACITY.md --command "$command" "${pass[@]}"
