"""Shared by the benchmark scripts: what machine ran them, and rewriting one README section."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        chromium = "chromium not found"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"Measured {when} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"{chromium}.")


def write_section(readme: Path, heading: str, body: str) -> None:
    """Replace (or append) the '## heading' section of a Markdown file, atomically."""
    text = readme.read_text("utf-8") if readme.exists() else "# Benchmarks\n"
    block = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(block + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    tmp = readme.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(readme)
