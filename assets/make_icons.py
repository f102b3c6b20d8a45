"""Draws Davet's icons (a calendar page with a ring binder in Davet blue) as PNGs, standard
library only, so the assets can be rebuilt anywhere: `python3 assets/make_icons.py`."""
import struct
import zlib
from pathlib import Path

BLUE = (0, 94, 184, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
ACCENT = (255, 184, 28, 255)


def pixel(x: float, y: float) -> tuple:
    """Colour at (x, y) in a unit square."""
    r = 0.18
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    if 0.2 < x < 0.8 and 0.3 < y < 0.8:
        # The calendar page with one highlighted day.
        if 0.55 < x < 0.7 and 0.6 < y < 0.72:
            return ACCENT
        if y < 0.42:
            return (200, 225, 250, 255)
        return WHITE
    if any(abs(x - rx) < 0.04 for rx in (0.35, 0.65)) and 0.18 < y < 0.36:
        return WHITE
    return BLUE


def outline(x: float, y: float) -> tuple:
    """The outline icon of the unified manifest: white on transparent, the page and its rings."""
    shade = pixel(x, y)
    return WHITE if shade not in (CLEAR, BLUE) else CLEAR


def png(size: int, shape=pixel) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            # 4x supersampling for smooth edges.
            samples = [shape((i + (a + 0.5) / 4) / size, (j + (b + 0.5) / 4) / size) for a in range(4) for b in range(4)]
            row.extend(round(sum(s[c] for s in samples) / 16) for c in range(4))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    here = Path(__file__).parent
    for size in (16, 32, 64, 80, 128):
        (here / f"icon-{size}.png").write_bytes(png(size))
    # The unified manifest's two: a 192-pixel colour icon and a 32-pixel white outline.
    (here / "color-192.png").write_bytes(png(192))
    (here / "outline-32.png").write_bytes(png(32, outline))
