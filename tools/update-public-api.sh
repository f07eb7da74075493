#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and drops removed ones (RS0017). Review the diff before committing.
set -euo pipefail
proj=${1:?usage: tools/update-public-api.sh path/to/Project.csproj}
dir=$(dirname "$proj")
for _ in 1 2 3; do
  out=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  added=$(printf '%s\n' "$out" | grep -o "RS0016: Symbol '.*' is not part of the declared" | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared$/\1/" | sort -u || true)
  removed=$(printf '%s\n' "$out" | grep -o "RS0017: Symbol '.*' is part of the declared" | sed -E "s/^RS0017: Symbol '(.*)' is part of the declared$/\1/" | sort -u || true)
  [ -z "$added$removed" ] && break
  if [ -n "$removed" ]; then
    while IFS= read -r line; do grep -vxF -- "$line" "$dir/PublicAPI.Unshipped.txt" > "$dir/.api.tmp" || true; mv "$dir/.api.tmp" "$dir/PublicAPI.Unshipped.txt"; done <<< "$removed"
  fi
  [ -n "$added" ] && printf '%s\n' "$added" >> "$dir/PublicAPI.Unshipped.txt"
  { head -1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | sort -u; } > "$dir/.api.tmp" && mv "$dir/.api.tmp" "$dir/PublicAPI.Unshipped.txt"
done
