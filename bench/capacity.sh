#!/usr/bin/env bash
# Capacity of the z4j brain in one run (about 10-15 minutes on 2 cores): raw COPY ceiling, sustained
# end-to-end rate for batched and agent-shaped clients, cross-replica command/notice latency, idle
# memory per connection. Prints a table and writes docs/CAPACITY.md.
#
#   bench/capacity.sh            # builds the jars if missing, then measures
#   bench/capacity.sh --rebuild  # always rebuild first
#   bench/capacity.sh --keep     # keep the temp folder with every brain and loadgen log/report
#   bench/capacity.sh --only memory,storm   # only the agent-socket phases (memory per idle socket at
#                                # 1k/5k/10k, a 10k connect storm and a restart; about 6 minutes); they
#                                # replace their own section of docs/CAPACITY.md and leave the rest
#
# Everything runs on loopback: one embedded PostgreSQL 17, brains and load generators in their own JVMs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh

rebuild=0
pass=()
usage="usage: bench/capacity.sh [--rebuild] [--keep] [--only memory,storm]"
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild) rebuild=1 ;;
    --keep) pass+=(--keep) ;;
    --only)
      [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
      [[ "$2" =~ ^(memory|storm)(,(memory|storm))*$ ]] \
        || { echo "--only: a comma-separated list of memory, storm (was '$2')" >&2; exit 2; }
      pass+=(--only "$2"); shift ;;
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

exec java -cp "bench/target/classes:bench/target/capacity-lib/*" dev.z4j.brain.bench.capacity.Capacity \
  --root . --out docs/CAPACITY.md --command "bench/capacity.sh ${pass[*]}" "${pass[@]}"
