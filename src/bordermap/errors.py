"""Typed problems and errors; turned into sentences at the edges (CLI, UI).

Every sentence here that echoes data (a file name, an id, a field, a value) escapes it with
:func:`bordermap.textsafe.terminal_safe`, so a message is always one printable line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bordermap.textsafe import ID_LIMIT, VALUE_LIMIT, terminal_safe

__all__ = ["Problem", "BordermapError", "DataFileError", "UnreadableFileError", "UnwritableFileError",
           "WriteInterrupted", "unique_problems"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one field of one feature of one file.

    ``feature_index`` is 0-based (as in the file's ``features`` array); ``None`` means the
    problem concerns the file as a whole. The fields hold the data as found; ``str()`` is the
    line to print, with control characters escaped and a long id, field or message cut.
    """

    file: str
    feature_index: int | None
    feature_id: str | None
    field: str
    message: str
    severity: str = "error"  # "error" makes a file invalid; "warning" is reported only
    item: str = "feature"  # what feature_index counts ("feature" in events, "step" in storylines)

    def __str__(self) -> str:
        where = terminal_safe(self.file)
        if self.feature_index is not None:
            fid = f" (id '{terminal_safe(self.feature_id, ID_LIMIT)}')" if self.feature_id else ""
            where = f"{where}: {self.item} {self.feature_index}{fid}"
        tag = "warning: " if self.severity == "warning" else ""
        message = terminal_safe(self.message, VALUE_LIMIT)
        if not self.field:
            return f"{where}: {tag}{message}"
        return f"{where}: field '{terminal_safe(self.field, ID_LIMIT)}': {tag}{message}"


def unique_problems(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` without repeats, in the order first found (two rules may find one fault)."""
    return list(dict.fromkeys(problems))


class BordermapError(Exception):
    """Base class for errors a user can cause; ``str()`` is a sentence fit to print.

    Picklable whatever a subclass's ``__init__`` takes (an error crosses from a child process:
    :mod:`bordermap.first_load`): rebuilt from its message and attributes, not re-initialised."""

    def __reduce__(self):
        return _rebuild_error, (type(self), self.args, dict(self.__dict__))


class SettingError(BordermapError):
    """A setting (an environment variable) holds a value bordermap cannot use."""


class UnreadableFileError(BordermapError):
    """A file is missing, unreadable or not JSON (exit code 2 in the CLI).

    ``path`` and ``reason`` are kept as given; ``str()`` escapes them.
    """

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{terminal_safe(path)}: {terminal_safe(reason)}")


class UnwritableFileError(BordermapError):
    """An output file cannot be written (missing or read-only folder, full disk...); nothing was.

    ``str()`` is ``cannot write PATH: REASON``.
    """

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {terminal_safe(path)}: {terminal_safe(reason)}")


class WriteInterrupted(BordermapError):
    """A signal (SIGTERM, SIGHUP, SIGINT) stopped a write; its temp file was removed.

    ``signum`` is the signal's number; the CLI exits with ``128 + signum``, as a shell does.
    """

    def __init__(self, path: str, signum: int, signame: str):
        self.path = path
        self.signum = signum
        super().__init__(f"{terminal_safe(path)}: not written: interrupted by {signame}; "
                         "an earlier file of that name is unchanged")


class DataFileError(BordermapError):
    """A file was read but breaks the rules; carries every problem found, once each (exit code 1)."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = unique_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _rebuild_error(cls: type, args: tuple, state: dict) -> BordermapError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc
