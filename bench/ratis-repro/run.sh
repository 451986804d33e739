#!/usr/bin/env bash
# Cold starts of a plain 3-member Ratis group under CPU load; see README.md.
# Usage: bench/ratis-repro/run.sh [ratis-version] [rounds] [busy-threads] [min-ms] [max-ms] [limit-s] [start-gap-ms]
set -euo pipefail
cd "$(dirname "$0")"
version=${1:-3.2.2}
rounds=${2:-40}
busy=${3:-3}
min=${4:-30}
max=${5:-60}
limit=${6:-20}
gap=${7:-0}
build="$PWD/target-$version"
nice -n 19 mvn -B -q -ntp -Dratis.version="$version" -DbuildDirectory="$build" package dependency:build-classpath \
  -Dmdep.outputFile="$build/classpath.txt" >/dev/null
cp="$build/classes:$(cat "$build/classpath.txt")"
exec nice -n 19 java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=off -Dratis.version="$version" -cp "$cp" repro.Driver \
  "$rounds" "$busy" "$min" "$max" "$limit" "$gap"
