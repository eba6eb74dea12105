#!/usr/bin/env bash
# An operator's session with nothing but curl and a cookie jar, against a running brain:
#   setup/complete with the one-time token the first start printed (or login with EMAIL/PASSWORD),
#   auth/me, projects, mint an agent, see it listed, revoke it, logout; every write carries the
#   X-CSRF-Token header copied from the CSRF cookie, as the dashboard does.
#
#   ops/e2e/operator-flow.sh BASE_URL setup TOKEN
#   ops/e2e/operator-flow.sh BASE_URL login EMAIL PASSWORD
#
# BASE_URL must be http://localhost:PORT (browsers and curl send Secure cookies to localhost only).
set -euo pipefail
base=$1; mode=$2
jar=$(mktemp /tmp/z4j-operator-jar.XXXXXX)
trap 'rm -f "$jar"' EXIT

fail() { echo "operator flow: $*" >&2; exit 1; }
csrf() { awk '$6 ~ /z4j_csrf$/ {print $7}' "$jar" | tail -1; }
# call METHOD PATH [BODY] -> prints "STATUS BODY"
call() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -b "$jar" -c "$jar" -X "$method" -o /dev/stdout -w ' %{http_code}')
  [ "$method" != GET ] && args+=(-H "X-CSRF-Token: $(csrf)")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  curl "${args[@]}" "$base$path"
}
expect() { # expect STATUS "OUTPUT"
  local want=$1 got=${2##* }
  [ "$got" = "$want" ] || fail "expected HTTP $want, got $got: ${2% *}"
}

if [ "$mode" = setup ]; then
  out=$(call POST /api/v1/setup/complete "{\"token\":\"$3\",\"email\":\"ops@example.com\",\"password\":\"Flow-Passw0rd!\"}")
else
  out=$(call POST /api/v1/auth/login "{\"email\":\"$3\",\"password\":\"$4\"}")
fi
expect 200 "$out"
[ -n "$(csrf)" ] || fail "no CSRF cookie after signing in"

out=$(call GET /api/v1/auth/me); expect 200 "$out"
echo "$out" | grep -q '"memberships":\[{"project_id"' || fail "auth/me has no membership: $out"
out=$(call GET /api/v1/projects); expect 200 "$out"
echo "$out" | grep -q '"slug":"default"' || fail "projects does not list default: $out"

out=$(call POST /api/v1/projects/default/agents '{"name":"curl-agent"}'); expect 201 "$out"
agent=$(echo "$out" | sed -nE 's/.*"agent":\{"id":"([0-9a-f-]{36})".*/\1/p')
[ -n "$agent" ] || fail "mint answer has no agent.id: $out"
echo "$out" | grep -q '"token":"' || fail "mint answer has no token"
out=$(call GET /api/v1/projects/default/agents); expect 200 "$out"
echo "$out" | grep -q "\"id\":\"$agent\"" || fail "minted agent not listed: $out"

out=$(call DELETE "/api/v1/projects/default/agents/$agent"); expect 204 "$out"
out=$(call GET /api/v1/projects/default/agents); expect 200 "$out"
echo "$out" | grep -q "$agent" && fail "revoked agent still listed: $out"

out=$(call POST /api/v1/auth/logout); expect 204 "$out"
out=$(call GET /api/v1/auth/me); expect 401 "$out"
echo "operator flow: OK (setup/login, me, projects, mint, list, revoke, logout with a cookie jar)"
