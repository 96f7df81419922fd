"""Named screenshots for docs/screens/ (`make screenshots` sets SCREENSHOTS_DIR), and the phone
check every portal page passes: at 375 px nothing scrolls sideways."""

import os
from pathlib import Path

from PIL import Image

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def screenshots_dir():
    value = os.environ.get("SCREENSHOTS_DIR")
    return Path(value) if value else None


def save_screen(page, name, full_page=True):
    """Saves <SCREENSHOTS_DIR>/<name>.png when screenshots are asked for; nothing otherwise."""
    folder = screenshots_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    # 256 colours without dithering: a third of the size for flat UI, and the diffs stay small.
    image = (
        Image.open(path).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    )
    image.save(path, optimize=True)
    return path


def horizontal_overflow(page):
    """How far the page is wider than the viewport, and the widest elements sticking out."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'absolute')
            .slice(0, 5)
            .map((e) => {
              const classes = typeof e.className === 'string' ? e.className.trim().replace(/\\s+/g, '.') : '';
              const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (classes ? '.' + classes : '');
              return name + ' ' + Math.round(e.getBoundingClientRect().right);
            });
          return {overflow: document.documentElement.scrollWidth - width, wide};
        }"""
    )
