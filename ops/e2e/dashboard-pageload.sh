#!/usr/bin/env bash
# Dashboard page load times against a big SQLite database, in headless chromium (Navigation Timing).
# Usage: ops/e2e/dashboard-pageload.sh [tasks]   (default 1000000; needs chromium + chromium-driver)
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks="${1:-1000000}"
scripts/with-jdk ./mvnw -B -q -pl ops -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="ops/target/test-classes:ops/target/classes:$(cat ops/target/test-classpath.txt)"
exec scripts/with-jdk java -Xmx1g -cp "$cp" dev.z4j.brain.ops.DashboardPageLoadBench "$tasks"
