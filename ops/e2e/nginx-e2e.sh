#!/usr/bin/env bash
# End-to-end through nginx: TLS termination (throwaway certificate), WebSocket upgrade, session
# affinity on /ws/agent, two brain processes started with ./z4j-brain on one PostgreSQL (embedded,
# started by the check), agents over wss://, and commands issued on either replica reaching agents
# pinned to the other.
#
# Needs: nginx (apt-get install nginx-light), openssl, a JDK 21+. Works from a fresh clone (nothing
# needs to be installed in ~/.m2: the sibling modules are resolved from this checkout). Run from anywhere:
#   ops/e2e/nginx-e2e.sh
# The nginx config under test is the production example ops/deploy/nginx/z4j-brain.conf.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

step="selecting a JDK 21+"
work=""
finish() {
  local rc=$?
  [ -n "$work" ] && rm -rf "$work"
  if [ "$rc" -ne 0 ]; then
    echo "nginx e2e: FAILED while $step (exit $rc)" >&2
  fi
}
trap finish EXIT

source scripts/select-jdk.sh
command -v nginx >/dev/null || { step="looking for nginx"; echo "nginx not found: apt-get install nginx-light" >&2; exit 2; }
command -v openssl >/dev/null || { step="looking for openssl"; echo "openssl not found: apt-get install openssl" >&2; exit 2; }

work=$(mktemp -d /tmp/z4j-nginx-e2e.XXXXXX)
mkdir -p "$work/logs"   # nginx -p prefix expects it

step="making a throwaway TLS certificate with openssl"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/brain.key" -out "$work/brain.crt" >/dev/null 2>&1

# The check itself is test code (ops/src/test): compile ops and the modules it depends on in one
# reactor and print its test classpath. The reactor resolves the sibling modules to their
# target/classes folders, so this does not depend on anything installed in ~/.m2.
step="compiling ops (with -am) and resolving its test classpath"
if ! ./mvnw -B -q -pl ops -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >"$work/build.log" 2>&1; then
  grep -v -e '^WARNING: .*sun.misc.Unsafe' -e '^WARNING: Please consider reporting' "$work/build.log" | tail -40 >&2
  echo "./mvnw -pl ops -am test-compile dependency:build-classpath failed (output above)" >&2
  exit 1
fi

# The brains are started the way the README starts one: with the launcher (which builds the jar
# if it is missing or stale).
step="building the brain jar with ./z4j-brain"
./z4j-brain help >/dev/null

step="running the end-to-end check (dev.z4j.brain.ops.NginxE2e)"
java -Djava.util.logging.config.file=ops/src/test/resources/logging.properties \
  -cp "ops/target/test-classes:ops/target/classes:$(cat "$work/cp.txt")" \
  dev.z4j.brain.ops.NginxE2e ops/deploy/nginx/z4j-brain.conf "$work" "$work/brain.crt" "$root/z4j-brain"
