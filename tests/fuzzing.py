"""How hard the fuzz suites try. ``BORDERMAP_FUZZ_SCALE`` (default 1) multiplies every suite's
number of examples: ``make test`` keeps them to a few minutes in all; ``make fuzz`` runs them 25
times longer (an hour or so on two cores) to look for the next defect."""

import os

try:
    SCALE = max(0.1, float(os.environ.get("BORDERMAP_FUZZ_SCALE", "1") or "1"))
except ValueError:
    SCALE = 1.0


def examples(n: int) -> int:
    """``n`` examples at scale 1."""
    return max(1, round(n * SCALE))
