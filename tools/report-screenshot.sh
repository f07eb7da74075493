#!/usr/bin/env bash
# Renders a static HTML report (CohortReport / `hiaim report DIR`) in headless Chromium and checks the result:
# every local image the page references exists, Chromium logs no failed resource load, and the screenshot is
# not blank. Skips (exit 0, with a message) when Chromium is not installed: on Debian `apt-get install chromium`.
# Usage: tools/report-screenshot.sh REPORT_DIR [OUT.png]     (REPORT_DIR holds index.html)
set -euo pipefail
dir=${1:?usage: tools/report-screenshot.sh REPORT_DIR [OUT.png]}
out=${2:-$dir/screenshot.png}
index="$(cd "$dir" && pwd)/index.html"
[ -f "$index" ] || { echo "report-screenshot: no index.html in $dir" >&2; exit 1; }

# Offline: no remote URLs, and every src= is a file in the report folder.
if grep -Eq '(src|href)="(https?:)?//' "$index"; then
  echo "report-screenshot: index.html references a remote resource" >&2; exit 1
fi
missing=0
while IFS= read -r src; do
  path=$(printf '%s' "$src" | sed 's/%20/ /g')
  [ -f "$dir/$path" ] || { echo "report-screenshot: missing image $src" >&2; missing=1; }
done < <(grep -o 'src="[^"]*"' "$index" | sed -E 's/^src="(.*)"$/\1/')
[ "$missing" -eq 0 ] || exit 1

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "report-screenshot: SKIPPED: chromium is not installed (Debian: apt-get install -y chromium); the offline checks passed"
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1400,2400 \
  --screenshot="$out" "file://$index" 2> "$log" || { cat "$log" >&2; exit 1; }
if grep -Eq 'Failed to load resource|net::ERR_' "$log"; then
  grep -E 'Failed to load resource|net::ERR_' "$log" >&2
  echo "report-screenshot: a resource failed to load" >&2; exit 1
fi
[ -s "$out" ] || { echo "report-screenshot: no screenshot written" >&2; exit 1; }

# Non-blank: decode the PNG (stdlib only) and count distinct colours and non-white pixels.
python3 - "$out" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w, h, ct = 8, b'', 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b'IHDR': w, h, depth, ct = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT': idat += body
bpp = {2: 3, 6: 4}[ct]
raw, stride, prev, colours, ink = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set(), 0
for y in range(h):
    f, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = row[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: row[i] = (row[i] + a) & 255
        elif f == 2: row[i] = (row[i] + b) & 255
        elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = row
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = bytes(row[x * bpp:x * bpp + 3]); colours.add(px); ink += min(px) < 235
samples = ((h + 3) // 4) * ((w + 3) // 4)
print(f"report-screenshot: {sys.argv[1]}: {w}x{h}, {len(colours)} colours, {100 * ink / samples:.1f} % non-white (sampled)")
sys.exit(0 if len(colours) > 50 and ink / samples > 0.02 else 1)
PY
