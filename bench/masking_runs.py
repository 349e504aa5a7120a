"""Masking time on long runs of one kind of character (docs/privacy.md, "Long runs"):

    .venv/bin/python bench/masking_runs.py [length ...]

A text of the given length (20,000 characters unless told) made of one run of newlines,
of spaces, of ideographic spaces, of tabs, of digits, of Latin letters, of Chinese numerals,
of letters and dots, between a salutation with a name and a closing, masked once with
``scan_text`` (the page memo is bypassed) and once as rich text with ``mask_html``
(paragraphs of 20 characters) and, for comparison, ordinary prose of the same length.
Prints the CPU time of each: on a shared machine that says more than the wall time.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact.core.privacy import mask_html, scan_text  # noqa: E402

RUNS = {
    "newlines": "\n",
    "spaces": " ",
    "ideographic spaces": "\u3000",
    "tabs": "\t",
    "CR LF": "\r\n",
    "digits": "1",
    "full-width digits": "１",
    "Latin letters": "a",
    "letters and digits": "A1",
    "letters and dots": "a.",
    "digits and dashes": "1-",
    "Chinese numerals": "一",
    "prose": "我住在深圳市南山区科技园路，想咨询一下社保的事情。",
}


def text_of(piece: str, length: int) -> str:
    return "王小明您好，" + piece * (length // len(piece)) + "谢谢。张三 13812345678"


def cpu(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def main(lengths: list[int]) -> None:
    for length in lengths:
        for label, piece in RUNS.items():
            text = text_of(piece, length)
            plain = cpu(scan_text, text, ("王小明",))
            html = "".join(f"<p>{text[i:i + 20]}</p>" for i in range(0, len(text), 20))
            rich = cpu(mask_html, html, ("王小明",))
            print(f"{length:>7} {label:<20} scan_text {plain:7.3f} s CPU   mask_html {rich:7.3f} s CPU", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000])
