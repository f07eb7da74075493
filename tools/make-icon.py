#!/usr/bin/env python3
"""Draws assets/icon.png (128x128 RGBA), the package icon: a flow cytometry dot plot with two
populations on a dark tile and a gate drawn round one of them. Standard library only, seeded, so
the same bytes come out every run. Run: python3 tools/make-icon.py"""
import math
import os
import random
import struct
import zlib

N = 128
SS = 4  # supersampling per axis, for smooth edges
rng = random.Random(7)
px = [[(0.0, 0.0, 0.0, 0.0)] * N for _ in range(N)]


def blend(x, y, rgb, a):
    if not (0 <= x < N and 0 <= y < N) or a <= 0:
        return
    r, g, b, da = px[y][x]
    out_a = a + da * (1 - a)
    if out_a == 0:
        return
    mix = lambda c, d: (c * a + d * da * (1 - a)) / out_a
    px[y][x] = (mix(rgb[0], r), mix(rgb[1], g), mix(rgb[2], b), out_a)


def coverage(x, y, inside):
    """Fraction of the pixel's SS x SS sub-samples for which inside(u, v) holds."""
    hits = sum(inside(x + (i + 0.5) / SS, y + (j + 0.5) / SS) for i in range(SS) for j in range(SS))
    return hits / (SS * SS)


def rounded_tile(u, v, r=22.0):
    cx = min(max(u, r), N - r)
    cy = min(max(v, r), N - r)
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r


# Tile: deep blue, a touch lighter at the top.
for y in range(N):
    for x in range(N):
        c = coverage(x, y, rounded_tile)
        t = y / N
        blend(x, y, (20 + 10 * (1 - t), 36 + 16 * (1 - t), 74 + 24 * (1 - t)), c)

# Axes.
for y in range(N):
    for x in range(N):
        c = coverage(x, y, lambda u, v: (20 <= u <= 23 and 18 <= v <= 110) or (20 <= u <= 110 and 107 <= v <= 110))
        blend(x, y, (170, 190, 220), 0.8 * c)


def dot(cx, cy, rad, rgb, alpha):
    for y in range(int(cy - rad) - 1, int(cy + rad) + 2):
        for x in range(int(cx - rad) - 1, int(cx + rad) + 2):
            blend(x, y, rgb, alpha * coverage(x, y, lambda u, v: (u - cx) ** 2 + (v - cy) ** 2 <= rad * rad))


def population(cx, cy, sx, sy, rho, n, rgb):
    for _ in range(n):
        a, b = rng.gauss(0, 1), rng.gauss(0, 1)
        x = cx + sx * a
        y = cy + sy * (rho * a + math.sqrt(1 - rho * rho) * b)
        if 26 <= x <= 108 and 18 <= y <= 104:
            dot(x, y, 1.6, rgb, 0.85)


population(46, 80, 8, 7, -0.3, 170, (120, 200, 255))   # negatives, cyan
population(82, 42, 9, 8, -0.5, 190, (255, 170, 60))    # positives, amber

# Gate: an ellipse outline round the positive population.
def gate(u, v):
    du, dv = u - 82, v - 42
    ang = math.radians(-35)
    p = du * math.cos(ang) - dv * math.sin(ang)
    q = du * math.sin(ang) + dv * math.cos(ang)
    d = math.sqrt((p / 24) ** 2 + (q / 17) ** 2)
    return abs(d - 1) * 20 <= 1.4


for y in range(10, 80):
    for x in range(48, 118):
        blend(x, y, (255, 255, 255), 0.95 * coverage(x, y, gate))


def png(path):
    raw = bytearray()
    for row in px:
        raw.append(0)
        for r, g, b, a in row:
            raw += bytes((round(min(r, 255)), round(min(g, 255)), round(min(b, 255)), round(255 * min(a, 1))))
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(raw), 9)))
        f.write(chunk(b"IEND", b""))


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "icon.png")
png(out)
print(f"wrote {os.path.normpath(out)}")
