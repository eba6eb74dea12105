#!/usr/bin/env bash
# Sourced by .ci/run and the e2e scripts: exports JAVA_HOME (and PATH) for a JDK 21 or newer,
# or exits with a clear message. Looks at $JAVA_HOME first, then every JDK under /usr/lib/jvm.

java_major() { "$1/bin/java" -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -1; }

select_jdk() {
  local candidates=() d m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      m=$(java_major "$d")
      if [ -n "$m" ] && [ "$m" -ge 21 ]; then echo "$d"; return 0; fi
    fi
  done
  return 1
}

if ! JAVA_HOME=$(select_jdk); then
  echo "ERROR: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
echo "Using JDK at $JAVA_HOME ($(java_major "$JAVA_HOME"))"
