"""Typed problems and errors; turned into sentences at the edges (CLI, UI)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "BordermapError", "DataFileError", "UnreadableFileError"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one field of one feature of one file.

    ``feature_index`` is 0-based (as in the file's ``features`` array); ``None`` means the
    problem concerns the file as a whole.
    """

    file: str
    feature_index: int | None
    feature_id: str | None
    field: str
    message: str
    severity: str = "error"  # "error" makes a file invalid; "warning" is reported only
    item: str = "feature"  # what feature_index counts ("feature" in events, "step" in storylines)

    def __str__(self) -> str:
        if self.feature_index is None:
            where = self.file
        else:
            fid = f" (id {self.feature_id!r})" if self.feature_id else ""
            where = f"{self.file}: {self.item} {self.feature_index}{fid}"
        field = f" field '{self.field}'" if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}:{field}: {tag}{self.message}" if field else f"{where}: {tag}{self.message}"


class BordermapError(Exception):
    """Base class for errors a user can cause; ``str()`` is a sentence fit to print."""


class UnreadableFileError(BordermapError):
    """A file is missing, unreadable or not JSON (exit code 2 in the CLI)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class DataFileError(BordermapError):
    """A file was read but breaks the rules; carries every problem found (exit code 1)."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
