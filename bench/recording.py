"""What the benchmarks share when they record a run in bench/RESULTS.md: the machine, the commit,
and appending the block to its section."""

from __future__ import annotations

import contextlib
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
REPO = RESULTS.parent.parent


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


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    return {"cores": str(os.cpu_count()), "cpu": cpu, "memory": mem,
            "kernel": platform.release(), "python": platform.python_version(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}


def git_commit() -> str:
    """The checked-out commit, read from .git without running git."""
    git = REPO / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            path = git / ref
            if path.exists():
                return path.read_text().strip()[:12]
            for line in (git / "packed-refs").read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0][:12]
        return head[:12]
    except OSError:
        return "unknown"
