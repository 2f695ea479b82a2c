"""Settings read from the environment: one reading of a whole-number setting for all of them
(``BORDERMAP_MAX_INPUT_BYTES``, ``BORDERMAP_THREADS``); each caller words its own refusal."""

from __future__ import annotations

import os

__all__ = ["whole_number_setting"]


def whole_number_setting(name: str) -> int | None:
    """``$name`` as a positive whole number (``_`` may group digits: ``2_000_000``); None when
    unset or blank. Raises ``ValueError`` whose argument is the text as set (stripped, at most
    40 characters, for the refusal to quote) for anything else."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    digits = raw.replace("_", "")
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        raise ValueError(raw[:40])
    return int(digits)
