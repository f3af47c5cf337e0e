"""Draw the Mayus icon: a blue rounded square with "a → A" (lowercase becomes uppercase).

Run it only when the design changes:  .venv/bin/python tools/make_icon.py  (Pillow comes with the dev extra).
The PNGs and the .ico it writes are committed, so neither the app nor its users need Pillow.

The letters are drawn from plain shapes, not from a font, so the result is the same on every machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parent.parent / "gui" / "assets"
PNG_SIZES = (256, 128, 64, 48, 32)  # as gui/icon.py PNG_SIZES (tests/gui/test_icon.py checks each is there)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
DESIGN = 256  # every coordinate below is in a 256 x 256 design grid
SUPERSAMPLE = 4  # drawn 4x larger, then scaled down: smooth edges without antialiased drawing primitives

TOP_COLOUR = (59, 130, 246)  # blue
BOTTOM_COLOUR = (29, 78, 216)  # deeper blue
LETTER_COLOUR = (255, 255, 255, 255)
ARROW_COLOUR = (251, 191, 36, 255)  # amber: the change itself stands out
BASELINE = 192  # the letters sit centred: the capital is 128 high

Point = tuple[float, float]


def _scaled(points: list[Point]) -> list[Point]:
    return [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in points]


def _box(left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
    s = SUPERSAMPLE
    return (left * s, top * s, right * s, bottom * s)


def _background(size: int) -> Image.Image:
    """A vertical gradient clipped to a rounded square."""
    gradient = Image.new("RGBA", (size, size))
    draw = ImageDraw.Draw(gradient)
    for y in range(size):
        t = y / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(TOP_COLOUR, BOTTOM_COLOUR, strict=True))
        draw.line([(0, y), (size, y)], fill=(*colour, 255))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle(_box(8, 8, 248, 248), radius=52 * SUPERSAMPLE, fill=255)
    clipped = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    clipped.paste(gradient, (0, 0), mask)
    return clipped


def _small_a(mask: ImageDraw.ImageDraw) -> None:
    """A geometric single-storey "a": a ring with a stem on its right."""
    top, left, right, stem = BASELINE - 66, 22, 88, 17
    mask.ellipse(_box(left, top, right, BASELINE), fill=255)
    mask.ellipse(_box(left + stem, top + stem, right - stem, BASELINE - stem), fill=0)
    mask.rectangle(_box(right - stem, top, right, BASELINE), fill=255)


def _capital_a(mask: ImageDraw.ImageDraw) -> None:
    """A bold "A": two slanted legs joined by a flat apex and a crossbar."""
    left, right, top, apex_half, leg = 132.0, 236.0, BASELINE - 128.0, 14.0, 28.0
    middle = (left + right) / 2
    slope = (middle - apex_half - left) / (BASELINE - top)  # x moved per unit of height along a leg

    def inner_left(y: float) -> float:
        return left + leg + slope * (BASELINE - y)

    def inner_right(y: float) -> float:
        return right - leg - slope * (BASELINE - y)

    bar_top, bar_bottom = BASELINE - 50.0, BASELINE - 28.0
    outline = [
        (left, BASELINE),
        (middle - apex_half, top),
        (middle + apex_half, top),
        (right, BASELINE),
        (right - leg, BASELINE),
        (inner_right(bar_bottom), bar_bottom),
        (inner_left(bar_bottom), bar_bottom),
        (left + leg, BASELINE),
    ]
    apex_y = BASELINE - (right - left - 2 * leg) / (2 * slope)  # where the two inner edges meet
    counter = [(middle, apex_y), (inner_right(bar_top), bar_top), (inner_left(bar_top), bar_top)]
    mask.polygon(_scaled(outline), fill=255)
    mask.polygon(_scaled(counter), fill=0)


def _arrow(draw: ImageDraw.ImageDraw) -> None:
    """A short bold arrow between the two letters, at the height of the small letter's middle."""
    y, shaft, start, tip = BASELINE - 33.0, 8.0, 94.0, 129.0
    head_back, head_half = 111.0, 19.0
    draw.rectangle(_box(start, y - shaft, head_back + 1, y + shaft), fill=ARROW_COLOUR)
    draw.polygon(_scaled([(head_back, y - head_half), (tip, y), (head_back, y + head_half)]), fill=ARROW_COLOUR)


def draw_icon() -> Image.Image:
    """The icon at DESIGN x DESIGN pixels."""
    size = DESIGN * SUPERSAMPLE
    icon = _background(size)
    letters = Image.new("L", (size, size), 0)
    letter_mask = ImageDraw.Draw(letters)
    _small_a(letter_mask)
    _capital_a(letter_mask)
    icon.paste(Image.new("RGBA", (size, size), LETTER_COLOUR), (0, 0), letters)
    _arrow(ImageDraw.Draw(icon))
    return icon.resize((DESIGN, DESIGN), Image.Resampling.LANCZOS)


def main() -> int:
    ASSETS.mkdir(parents=True, exist_ok=True)
    icon = draw_icon()
    for size in PNG_SIZES:
        path = ASSETS / f"mayus-{size}.png"
        icon.resize((size, size), Image.Resampling.LANCZOS).save(path, optimize=True)
        print(f"wrote {path.relative_to(ASSETS.parent.parent)}")
    ico = ASSETS / "mayus.ico"
    icon.save(ico, sizes=[(size, size) for size in ICO_SIZES])
    print(f"wrote {ico.relative_to(ASSETS.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
