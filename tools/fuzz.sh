#!/usr/bin/env bash
# Long FCS reader fuzz session: the FcsFuzzTests harness, Release build, many mutants.
#   tools/fuzz.sh [mutants] [first-mutant] [seed]
# Failing mutants (one per distinct crash/hang/over-allocation) and summary.txt/progress.txt go to
# artifacts/fuzz-long (override with HIAIM_FUZZ_OUT). Replay one: HIAIM_FUZZ_START=i HIAIM_FUZZ_ITERATIONS=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export HIAIM_FUZZ_ITERATIONS=${1:-300000}
export HIAIM_FUZZ_START=${2:-1500}   # 0..1499 is what CI runs
export HIAIM_FUZZ_SEED=${3:-20260127}
export HIAIM_FUZZ_OUT=${HIAIM_FUZZ_OUT:-$root/artifacts/fuzz-long}
mkdir -p "$HIAIM_FUZZ_OUT"
dotnet build -c Release "$root/tests/HiAim.Cytometry.Tests" -v q
dotnet "$root/artifacts/bin/HiAim.Cytometry.Tests/release/HiAim.Cytometry.Tests.dll" -class HiAim.Cytometry.Tests.FcsFuzzTests -method '*Mutants*'
