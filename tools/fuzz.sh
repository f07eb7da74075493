#!/usr/bin/env bash
# Two kinds of fuzz session (see tests/HiAim.Cytometry.Fuzz/README.md):
#
#   tools/fuzz.sh fcs|gatingml [executions] [out-dir]
#     Coverage-guided: afl-fuzz (Debian's afl++) over the SharpFuzz harness tests/HiAim.Cytometry.Fuzz, with
#     HiAim.Cytometry.dll instrumented by the sharpfuzz tool (SharpFuzz.CommandLine, installed under artifacts/tools).
#     Runs until about `executions` inputs (default 1000000) have been tried, on one core, niced. Seeds are read in
#     place from ../shared/data (FCS corpus files up to 100 KB, every Gating-ML 2.0 compliance document) plus small
#     files the harness writes. Output (queue, crashes/, hangs/, fuzzer_stats) goes to artifacts/fuzz/<target>
#     (override with the out-dir argument). Replay a finding:
#       dotnet artifacts/bin/HiAim.Cytometry.Fuzz/release/HiAim.Cytometry.Fuzz.dll <target> artifacts/fuzz/<target>/default/crashes/id*
#     (the uninstrumented build: the instrumented copy in <out-dir>/bin runs only under afl-fuzz)
#
#   tools/fuzz.sh [mutants] [first-mutant] [seed]
#     Long FCS reader mutation session: the FcsFuzzTests harness, Release build, many mutants.
#     Failing mutants (one per distinct crash/hang/over-allocation) and summary.txt/progress.txt go to
#     artifacts/fuzz-long (override with HIAIM_FUZZ_OUT). Replay one: HIAIM_FUZZ_START=i HIAIM_FUZZ_ITERATIONS=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

case "${1:-}" in
fcs | gatingml)
  target=$1
  executions=${2:-1000000}
  out=${3:-$root/artifacts/fuzz/$target}
  shared=${HIAIM_SHARED:-$root/../shared}
  command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install -y afl++" >&2; exit 1; }
  [ -d "$shared/data" ] || { echo "no seeds: $shared/data is missing" >&2; exit 1; }
  tools="$root/artifacts/tools"
  [ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools"

  # Build, then instrument a private copy of the output (sharpfuzz rewrites the assembly in place, once).
  dotnet build -c Release "$root/tests/HiAim.Cytometry.Fuzz" -v q
  mkdir -p "$out"
  rm -rf "$out/bin" "$out/seeds"
  cp -r "$root/artifacts/bin/HiAim.Cytometry.Fuzz/release" "$out/bin"
  "$tools/sharpfuzz" "$out/bin/HiAim.Cytometry.dll"

  # Seeds: the shared files in place, by hard link where the file system allows (afl-fuzz skips symlinks),
  # else by a copy under artifacts/ (never into the repository).
  mkdir -p "$out/seeds"
  link() { ln "$1" "$out/seeds/$2" 2>/dev/null || cp "$1" "$out/seeds/$2"; }
  i=0
  if [ "$target" = fcs ]; then
    while IFS= read -r f; do link "$f" "corpus-$((i++)).fcs"; done < <(find "$shared/data/fcs" "$shared/data/gatingml2" "$shared/data/probes" -name '*.fcs' -size -100k | sort)
    dotnet "$root/artifacts/bin/HiAim.Cytometry.Fuzz/release/HiAim.Cytometry.Fuzz.dll" seeds "$out/seeds"
  else
    while IFS= read -r f; do link "$f" "gml-$((i++)).xml"; done < <(find "$shared/data/gatingml2" "$shared/data/probes" \( -name "*.xml" ! -name "D4_*" \) -size -100k | sort)
  fi
  echo "seeds: $(ls "$out/seeds" | wc -l) in $out/seeds"

  # Resume an earlier session in the same out-dir (-i -) when it has a queue.
  input="$out/seeds"
  [ -d "$out/default/queue" ] && input=-
  # A fixed -t: with an automatic one (tens of ms) a busy machine makes an input "time out", afl-fuzz kills the
  # process, and SharpFuzz's in-process fork server goes with it. AFL_DEBUG_CHILD keeps the harness's stderr in the
  # log, so a .NET fatal error (stack overflow, fail-fast) that stops afl-fuzz is there to read.
  export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_CRASHES=1 AFL_DEBUG_CHILD=1
  # Tokens of the format (FCS keywords, Gating-ML element and attribute names) for afl-fuzz to splice in.
  dict=()
  [ "${HIAIM_FUZZ_NO_DICT:-}" = 1 ] || dict=(-x "$root/tests/HiAim.Cytometry.Fuzz/dictionaries/$target.dict")
  exec nice -n 10 afl-fuzz -i "$input" -o "$out" -E "$executions" -t "${HIAIM_FUZZ_TIMEOUT_MS:-5000}" -m none "${dict[@]}" \
    -- dotnet "$out/bin/HiAim.Cytometry.Fuzz.dll" "$target"
  ;;
esac

export HIAIM_FUZZ_ITERATIONS=${1:-300000}
export HIAIM_FUZZ_START=${2:-1500}   # 0..1499 is what CI runs
export HIAIM_FUZZ_SEED=${3:-20260127}
export HIAIM_FUZZ_OUT=${HIAIM_FUZZ_OUT:-$root/artifacts/fuzz-long}
mkdir -p "$HIAIM_FUZZ_OUT"
dotnet build -c Release "$root/tests/HiAim.Cytometry.Tests" -v q
dotnet "$root/artifacts/bin/HiAim.Cytometry.Tests/release/HiAim.Cytometry.Tests.dll" -class HiAim.Cytometry.Tests.FcsFuzzTests -method '*Mutants*'
