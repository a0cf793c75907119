"""Generated image files for the upload fuzz test and benchmark: GIF, PNG, WebP and JPEG made with Pillow,
in many modes, sizes, palettes, frame counts and delays, some truncated or with bytes changed, and GIFs
written by hand where Pillow would refuse to write what an attacker can (delays at their maximum, many
identical frames).

``variants(count, seed)`` yields ``(label, bytes)``; the same seed gives the same files.
"""

import io
import random
import struct

from PIL import Image

FORMATS = ["GIF", "PNG", "WEBP", "JPEG"]
_MODES = {
    "GIF": ["P", "L", "RGB", "RGBA", "1"],
    "PNG": ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"],
    "WEBP": ["RGB", "RGBA", "L", "P"],
    "JPEG": ["RGB", "L", "CMYK"],
}
_DELAYS = [0, 1, 10, 20, 100, 1000, 65_535, 100_000, 655_350]


def hand_made_gif(frames=2, delay_cs=65535, size=(1, 1), colours=2):
    """A GIF of ``frames`` identical frames of one colour, each shown ``delay_cs`` hundredths of a second:
    85 bytes with the defaults, the file that crashed uploads in issue 13."""
    bits = max(1, (colours - 1).bit_length())
    table = bytes(range(3 * 2**bits))[: 3 * 2**bits]
    width, height = size
    out = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | (bits - 1), 0, 0) + table
    out += b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    frame = b"!\xf9\x04\x00" + struct.pack("<H", delay_cs) + b"\x00\x00"
    frame += b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + _lzw_one_colour(width * height)
    return out + frame * frames + b";"


def _lzw_one_colour(count):
    """LZW data (minimum code size 2) for ``count`` pixels of colour 0: a clear code, then each pixel as a
    literal, with a clear code again before the table grows past 3-bit codes."""
    codes, bits, written = [4], [3], 0
    while written < count:
        run = min(2, count - written)  # two literals keep the table below 8 entries, so codes stay 3 bits
        codes += [0] * run
        bits += [3] * run
        written += run
        if written < count:
            codes.append(4)
            bits.append(3)
    codes.append(5)
    bits.append(3)
    stream, value, filled = bytearray(), 0, 0
    for code, width in zip(codes, bits, strict=True):
        value |= code << filled
        filled += width
        while filled >= 8:
            stream.append(value & 0xFF)
            value >>= 8
            filled -= 8
    if filled:
        stream.append(value)
    blocks = b"".join(bytes([len(chunk)]) + chunk for chunk in _chunks(bytes(stream), 255))
    return b"\x02" + blocks + b"\x00"


def _chunks(data, size):
    return [data[i : i + size] for i in range(0, len(data), size)]


def _frame(rng, mode, size, index):
    colour = tuple(rng.randrange(256) for _ in range(4))
    image = Image.new("RGBA", size, colour)
    if rng.random() < 0.7:  # something that moves, so that frames differ
        x, y = (index * 3) % max(1, size[0]), (index * 2) % max(1, size[1])
        image.paste((255 - colour[0], colour[1], 0, 255), (x, y, min(size[0], x + 4), min(size[1], y + 4)))
    if mode == "P":
        return image.convert("RGB").quantize(colors=rng.choice([2, 16, 256]))
    if mode == "I;16":
        return image.convert("L").convert("I;16")
    return image.convert(mode)


def _encode(rng, format_, large):
    mode = rng.choice(_MODES[format_])
    side = rng.choice([1, 2, 7, 16, 64, 150, 320, 640, *([1200, 2600] if large else [])])
    size = (max(1, int(side * rng.uniform(0.3, 1.7))), max(1, int(side * rng.uniform(0.3, 1.7))))
    animated = format_ != "JPEG" and mode != "I;16" and rng.random() < 0.55
    count = 1
    if animated:
        count = rng.choice([2, 3, 7, 20, 60, 150, 350])
        # Many frames only when they are small: the point is the count, not the time making the file.
        while count * size[0] * size[1] > (6_000_000 if large else 250_000):
            size = (max(1, size[0] // 2), max(1, size[1] // 2))
    identical = animated and rng.random() < 0.3
    frames = [_frame(rng, mode, size, 0 if identical else index) for index in range(count)]
    options = {}
    if animated:
        options = {"save_all": True, "append_images": frames[1:]}
        options["duration"] = [rng.choice(_DELAYS) for _ in frames]
        if rng.random() < 0.5:
            options["loop"] = rng.choice([0, 1, 65535])
    if format_ == "GIF" and mode == "P" and rng.random() < 0.3:
        options["transparency"] = 0
    if format_ == "JPEG":
        options["quality"] = rng.choice([5, 50, 95])
        options["progressive"] = rng.random() < 0.5
    buffer = io.BytesIO()
    frames[0].save(buffer, format_, **options)
    label = f"{format_} {mode} {size[0]}x{size[1]} {count} frame(s)" + (" identical" if identical else "")
    return label, buffer.getvalue()


def _damage(rng, label, data):
    roll = rng.random()
    if roll < 0.12 and len(data) > 8:
        keep = rng.randrange(1, len(data))
        return f"{label}, cut at {keep} of {len(data)} bytes", data[:keep]
    if roll < 0.22 and len(data) > 16:
        changed = bytearray(data)
        for _ in range(rng.choice([1, 3, 20])):
            changed[rng.randrange(8, len(changed))] = rng.randrange(256)
        return f"{label}, bytes changed", bytes(changed)
    return label, data


def variants(count, seed=13, large=False):
    """Yield ``count`` generated ``(label, bytes)`` image files; about one in ten written by hand. ``large``
    adds pictures up to 4400 pixels wide and animations of up to 6 million pixels (slow to make)."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        if rng.random() < 0.1:
            frames = rng.choice([1, 2, 7, 40, 400])
            delay = rng.choice([0, 10_000, 65535])
            side = rng.choice([1, 3, 50])
            label = f"hand-made GIF {side}x{side}, {frames} identical frame(s) at {delay} cs"
            label, data = _damage(rng, label, hand_made_gif(frames, delay, (side, side)))
        else:
            format_ = rng.choice(FORMATS)
            try:
                label, data = _encode(rng, format_, large)
            except (OSError, ValueError, OverflowError):
                continue  # a combination Pillow will not write: it is nobody's upload either
            label, data = _damage(rng, label, data)
        made += 1
        yield label, data
