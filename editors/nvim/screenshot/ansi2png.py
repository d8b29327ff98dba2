#!/usr/bin/env python3
"""Renders a terminal capture (tmux capture-pane -e -p) to a PNG.

Understands the SGR sequences tmux emits: reset, bold, italic, underline,
reverse, the 16 basic colours, 256-colour and 24-bit colours. Needs Pillow
(Debian: python3-pil) and a monospace font (Debian: fonts-dejavu-core).

usage: ansi2png.py CAPTURE.ansi OUT.png [COLUMNS ROWS]
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_SIZE = 15
DEFAULT_FG = (0xD0, 0xD0, 0xD0)
DEFAULT_BG = (0x1C, 0x1C, 0x1C)

# xterm's basic 16 colours.
BASIC = [
    (0x00, 0x00, 0x00), (0xCD, 0x31, 0x31), (0x0D, 0xBC, 0x79), (0xE5, 0xE5, 0x10),
    (0x24, 0x72, 0xC8), (0xBC, 0x3F, 0xBC), (0x11, 0xA8, 0xCD), (0xE5, 0xE5, 0xE5),
    (0x66, 0x66, 0x66), (0xF1, 0x4C, 0x4C), (0x23, 0xD1, 0x8B), (0xF5, 0xF5, 0x43),
    (0x3B, 0x8E, 0xEA), (0xD6, 0x70, 0xD6), (0x29, 0xB8, 0xDB), (0xFF, 0xFF, 0xFF),
]


def color256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.italic = False
        self.underline = False
        self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASIC[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASIC[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASIC[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASIC[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    rgb = color256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    rgb = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    rgb = None
                if c == 38:
                    self.fg = rgb
                else:
                    self.bg = rgb
            i += 1


SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|.)")


def parse(text):
    """Returns rows of (char, Style) cells."""
    rows = []
    style = Style()
    for line in text.split("\n"):
        cells = []
        pos = 0
        while pos < len(line):
            m = SGR.match(line, pos)
            if m:
                style.apply(m.group(1))
                pos = m.end()
                continue
            m = OTHER_ESC.match(line, pos)
            if m:
                pos = m.end()
                continue
            cells.append((line[pos], style.copy()))
            pos += 1
        rows.append(cells)
    return rows


def render(rows, out, cols, nrows):
    fonts = {
        (False, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", FONT_SIZE),
        (True, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", FONT_SIZE),
        (False, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Oblique.ttf", FONT_SIZE),
        (True, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-BoldOblique.ttf", FONT_SIZE),
    }
    base = fonts[(False, False)]
    cw = round(base.getlength("M"))
    ascent, descent = base.getmetrics()
    ch = ascent + descent + 2
    pad = 8
    img = Image.new("RGB", (cols * cw + 2 * pad, nrows * ch + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    for y, cells in enumerate(rows[:nrows]):
        for x, (char, st) in enumerate(cells[:cols]):
            fg = st.fg or DEFAULT_FG
            bg = st.bg or DEFAULT_BG
            if st.reverse:
                fg, bg = bg, fg
            left, top = pad + x * cw, pad + y * ch
            if bg != DEFAULT_BG:
                draw.rectangle([left, top, left + cw - 1, top + ch - 1], fill=bg)
            if char != " ":
                draw.text((left, top + 1), char, font=fonts[(st.bold, st.italic)], fill=fg)
            if st.underline:
                draw.line([left, top + ch - 2, left + cw - 1, top + ch - 2], fill=fg)
    img.save(out, optimize=True)


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        rows = parse(f.read().rstrip("\n"))
    cols = int(sys.argv[3]) if len(sys.argv) == 5 else max(len(r) for r in rows)
    nrows = int(sys.argv[4]) if len(sys.argv) == 5 else len(rows)
    render(rows, sys.argv[2], cols, nrows)


if __name__ == "__main__":
    main()
