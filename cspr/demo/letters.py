"""The demo partnership's letterhead: an invented address, a sign-off line and a small logo drawn here in code."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.kernel.acting import Acting
from cspr.letters.services import letterhead_logo_set, letterhead_set
from cspr.partnerships.models import Partnership

NORTHVALE_ADDRESS = "Imaginary House\n1 Example Row\nNorthvale NV0 0ZZ"
NORTHVALE_SIGN_OFF = "Bea Unwin, Partnership Business Manager"
LOGO_SIZE = 96
TEAL = (0, 112, 120)
WHITE = (255, 255, 255)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def demo_logo_png(size: int = LOGO_SIZE) -> bytes:
    """A made-up logo as a PNG: a white ring on a teal square (8-bit RGB, no other library needed)."""
    centre = (size - 1) / 2
    outer, inner = size * 0.38, size * 0.26
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # no filter
        for x in range(size):
            distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            row.extend(WHITE if inner <= distance <= outer else TEAL)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def seed_demo_letterhead(*, acting: Acting, partnership: Partnership) -> None:
    letterhead_set(acting=acting, partnership=partnership, address=NORTHVALE_ADDRESS, sign_off=NORTHVALE_SIGN_OFF)
    logo = SimpleUploadedFile("northvale-logo.png", demo_logo_png(), content_type="image/png")
    letterhead_logo_set(acting=acting, partnership=partnership, upload=logo)
