#!/usr/bin/env bash
# The README's newcomer path, run the way a newcomer runs it: ./z4j-brain with no JAVA_HOME and,
# when this machine has one, a java older than 21 first on PATH, on a Z4J_HOME that never existed.
#
#   1. ./z4j-brain agents create --project default --name w --count 3 --json | head -1
#      prints one JSON object with a token (the CLI works before the server ever ran)
#   2. ./z4j-brain serves: GET / is the home page, /health/ready is UP, an unknown /api path is JSON
#   3. the first admin is made with the printed setup token, and an operator session with curl and a
#      cookie jar mints and revokes an agent (ops/e2e/operator-flow.sh)
#   4. SIGTERM stops it gracefully
#
# Needs curl. Run from anywhere: ops/e2e/launcher-check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

step="setting up"
work=$(mktemp -d /tmp/z4j-launcher-check.XXXXXX)
brain_pid=""
finish() {
  local rc=$?
  if [ -n "$brain_pid" ] && kill -0 "$brain_pid" 2>/dev/null; then
    kill "$brain_pid" 2>/dev/null || true
    wait "$brain_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "launcher check: FAILED while $step (exit $rc)" >&2
    for f in "$work"/*.out "$work"/*.err; do
      [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; tail -20 "$f" >&2; }
    done
  fi
  rm -rf "$work"
}
trap finish EXIT

command -v curl >/dev/null || { step="looking for curl"; echo "curl not found: apt-get install curl" >&2; exit 2; }

# A newcomer's shell: no JAVA_HOME, and an old java first on PATH if there is one.
unset JAVA_HOME
for d in /usr/lib/jvm/*; do
  if [ -x "$d/bin/java" ]; then
    major=$("$d/bin/java" -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -1)
    if [ -n "$major" ] && [ "$major" -lt 21 ]; then
      export PATH="$d/bin:$PATH"
      break
    fi
  fi
done
echo "launcher check: java on PATH is $(java -version 2>&1 | head -1 || echo 'none')"
export Z4J_HOME="$work/home"

step="minting agents on a fresh Z4J_HOME (./z4j-brain agents create ... --json | head -1)"
./z4j-brain agents create --project default --name w --count 3 --json 2>"$work/cli.err" | head -1 >"$work/first.out"
token=""
if command -v jq >/dev/null; then
  token=$(jq -r .token <"$work/first.out")
else
  token=$(sed -nE 's/.*"token":"([^"]+)".*/\1/p' "$work/first.out")
fi
[ -n "$token" ] && [ "$token" != null ] || { echo "first line is not an agent with a token: $(cat "$work/first.out")" >&2; exit 1; }
echo "launcher check: agents create --json | head -1 -> token ${token:0:6}..."

step="starting ./z4j-brain on a free loopback port"
Z4J_BIND_HOST=127.0.0.1 Z4J_BIND_PORT=0 ./z4j-brain >"$work/serve.out" 2>"$work/serve.err" &
brain_pid=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -nE 's#.*listening on http://127\.0\.0\.1:([0-9]+).*#\1#p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$brain_pid" 2>/dev/null || { echo "./z4j-brain exited before listening" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "./z4j-brain did not report a port within 60 s" >&2; exit 1; }
grep -q '^  z4k_' "$work/serve.out" || { echo "first start did not print an admin key" >&2; exit 1; }

step="checking GET /, /health/ready and an unknown /api path"
curl -fsS "http://127.0.0.1:$port/" | grep -q 'src="/assets/z4j/' || { echo "GET / is not the dashboard" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/about" | grep -q '<h1>z4j brain</h1>' || { echo "GET /about is not the about page" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/health/ready" | grep -q '"status":"UP"' || { echo "/health/ready is not UP" >&2; exit 1; }
notfound=$(curl -sS -o "$work/404.out" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/api/v1/nope")
[ "$notfound" = "404 application/json" ] || { echo "unknown /api path answered '$notfound'" >&2; exit 1; }

step="an operator session with curl and a cookie jar (ops/e2e/operator-flow.sh)"
setup_token=$(sed -nE 's#.*/setup\?token=([A-Za-z0-9_-]+).*#\1#p' "$work/serve.out")
[ -n "$setup_token" ] || { echo "first start did not print a setup link" >&2; exit 1; }
ops/e2e/operator-flow.sh "http://localhost:$port" setup "$setup_token" >"$work/operator.out" 2>&1
tail -1 "$work/operator.out"

step="stopping the brain with SIGTERM"
kill -TERM "$brain_pid"
rc=0
wait "$brain_pid" || rc=$?
brain_pid=""
# 143 = 128 + SIGTERM: how a JVM reports a signal-initiated (graceful, hooks run) shutdown
[ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || { echo "./z4j-brain exited with $rc after SIGTERM" >&2; exit 1; }
grep -q '^z4j brain stopped' "$work/serve.out" || { echo "no 'z4j brain stopped' after SIGTERM" >&2; exit 1; }
echo "launcher check: OK (./z4j-brain on :$port with $(cd "$root" && Z4J_QUIET_JDK=1 bash -c 'source scripts/select-jdk.sh && echo "$JAVA_HOME"'))"
