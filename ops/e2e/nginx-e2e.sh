#!/usr/bin/env bash
# End-to-end through nginx: TLS termination (throwaway certificate), WebSocket upgrade, session
# affinity on /ws/agent, two brain processes on one PostgreSQL (embedded, started by the check),
# agents over wss://, and commands issued on either replica reaching agents pinned to the other.
#
# Needs: nginx (apt-get install nginx-light), openssl, a JDK 21+. Run from anywhere:
#   ops/e2e/nginx-e2e.sh
# The nginx config under test is the production example ops/deploy/nginx/z4j-brain.conf.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/select-jdk.sh
command -v nginx >/dev/null || { echo "nginx not found: apt-get install nginx-light" >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl not found: apt-get install openssl" >&2; exit 2; }

work=$(mktemp -d /tmp/z4j-nginx-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"   # nginx -p prefix expects it

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/brain.key" -out "$work/brain.crt" >/dev/null 2>&1

if [ ! -f ops/target/test-classes/dev/z4j/brain/ops/NginxE2e.class ]; then
  ./mvnw -B -q -DskipTests install
fi
./mvnw -B -q -pl ops dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -Djava.util.logging.config.file=ops/src/test/resources/logging.properties \
  -cp "ops/target/test-classes:ops/target/classes:$(cat "$work/cp.txt")" \
  dev.z4j.brain.ops.NginxE2e ops/deploy/nginx/z4j-brain.conf "$work" "$work/brain.crt"
