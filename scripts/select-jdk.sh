#!/usr/bin/env bash
# The one place that picks the JDK, sourced by ./z4j-brain, scripts/with-jdk (the README's test
# command) and the e2e and bench scripts. Exports JAVA_HOME (and puts it first on PATH) for a JDK 21
# or newer, or fails with the same message as the build (return 1 when sourced, which stops a
# `set -e` script). Looks at $JAVA_HOME, the `java` on PATH, /usr/lib/jvm/*, macOS and SDKMAN
# installs, in that order, and takes the first JDK (java + javac) that is 21+.
# Messages go to stderr: the launcher's stdout belongs to the brain (`--json | head -1 | jq`).

java_major() { "$1/bin/java" -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -1; }

select_jdk() {
  local candidates=() d m on_path
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if on_path=$(command -v java 2>/dev/null); then
    on_path=$(readlink -f "$on_path" 2>/dev/null || echo "$on_path")
    candidates+=("$(dirname "$(dirname "$on_path")")")
  fi
  for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      m=$(java_major "$d")
      if [ -n "$m" ] && [ "$m" -ge 21 ]; then echo "$d"; return 0; fi
    fi
  done
  return 1
}

if ! JAVA_HOME=$(select_jdk); then
  echo "z4j brain needs JDK 21 or newer (virtual threads). Set JAVA_HOME to a JDK 21+, e.g. /usr/lib/jvm/temurin-25-jdk-amd64." >&2
  echo "(looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*; install one with e.g. apt-get install openjdk-21-jdk-headless)" >&2
  # sourced from an interactive shell: fail the command, do not close the shell; run as a script: exit
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
[ -n "${Z4J_QUIET_JDK:-}" ] || echo "Using JDK at $JAVA_HOME ($(java_major "$JAVA_HOME"))" >&2
