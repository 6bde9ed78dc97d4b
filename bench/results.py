"""Appending a run's block to its section of bench/RESULTS.md (shared by the benchmarks)."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def append_block(heading: str, intro: str, block: str, path: Path = RESULTS) -> None:
    """Add `block` at the end of the `heading` section (`## ...`), before any section that
    follows it; the section, with `intro` under its heading, is created at the end of the file
    the first time."""
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    if heading not in current:
        path.write_text(current.rstrip("\n") + f"\n\n{heading}\n\n{intro}\n\n" + block)
        return
    start = current.index(heading) + len(heading)
    nxt = re.search(r"^## ", current[start:], re.M)
    end = start + nxt.start() if nxt else len(current)
    section = current[:end].rstrip("\n") + "\n\n" + block
    path.write_text(section + ("\n" + current[end:] if nxt else ""))
