"""The demo articles' covers: a gradient behind a short conversation drawn as speech bubbles, painted with
Pillow from each article's colours, so the demo ships no image files."""

import random
from io import BytesIO

from PIL import Image, ImageColor, ImageDraw, ImageFilter

COVER_SIZE = (1600, 900)
WHITE = (255, 255, 255)


def render_cover(colours, *, seed):
    """A 1600x900 JPEG: a diagonal gradient behind a short conversation drawn as speech bubbles.

    `colours` are the gradient's two ends and the colour of the author's bubble; `seed` varies the layout.
    """
    start, end, accent = (ImageColor.getrgb(colour) for colour in colours)
    width, height = COVER_SIZE
    rng = random.Random(seed)
    diagonal = Image.blend(Image.linear_gradient("L"), Image.linear_gradient("L").rotate(90), 0.5)
    image = Image.composite(
        Image.new("RGBA", COVER_SIZE, end), Image.new("RGBA", COVER_SIZE, start), diagonal.resize(COVER_SIZE)
    )

    circles = Image.new("RGBA", COVER_SIZE)
    draw = ImageDraw.Draw(circles)
    for _ in range(4):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(120, 340)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 24))
    image.alpha_composite(circles)

    # A reader speaks, the author answers, the reader is typing again.
    shift = rng.randint(-90, 90)
    left, right = 330 + shift, 1270 + shift
    bubbles = [
        ("left", (left, 150, left + rng.randint(520, 640), 330), WHITE, rng.randint(2, 3)),
        ("right", (right - rng.randint(480, 600), 390, right, 570), accent, 2),
        ("left", (left, 630, left + 250, 770), WHITE, 0),
    ]
    shadow = Image.new("RGBA", COVER_SIZE)
    for side, (x0, y0, x1, y1), _fill, _lines in bubbles:
        _draw_bubble(ImageDraw.Draw(shadow), side, (x0 + 10, y0 + 16, x1 + 10, y1 + 16), (0, 0, 0, 70))
    image.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(14)))

    marks = Image.new("RGBA", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    marks_draw = ImageDraw.Draw(marks)
    for side, box, fill, lines in bubbles:
        _draw_bubble(draw, side, box, fill)
        x0, y0, x1, y1 = box
        # Lines of "text": tinted on a pale bubble, white on a dark one.
        ink = (*start, 90) if sum(fill) > 3 * 160 else (*WHITE, 170)
        first_line = y0 + (y1 - y0 - (lines * 42 - 24)) // 2
        for index in range(lines):
            top = first_line + index * 42
            length = (x1 - x0 - 100) * (rng.uniform(0.5, 0.8) if index == lines - 1 else 1)
            marks_draw.rounded_rectangle((x0 + 50, top, x0 + 50 + length, top + 18), radius=9, fill=ink)
        if not lines:
            cy = (y0 + y1) // 2
            for index in range(3):
                cx = x0 + 80 + index * 45
                marks_draw.ellipse((cx - 14, cy - 14, cx + 14, cy + 14), fill=(*start, 160))
    image.alpha_composite(marks)

    buffer = BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _draw_bubble(draw, side, box, fill):
    """A rounded rectangle with a tail under its left or right corner."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=44, fill=fill)
    if side == "left":
        draw.polygon([(x0 + 40, y1 - 30), (x0 + 130, y1 - 30), (x0 + 20, y1 + 50)], fill=fill)
    else:
        draw.polygon([(x1 - 40, y1 - 30), (x1 - 130, y1 - 30), (x1 - 20, y1 + 50)], fill=fill)
