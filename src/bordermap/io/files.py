"""Reading JSON with useful errors, and writing files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bordermap.errors import BordermapError, UnreadableFileError

__all__ = ["read_json", "write_bytes_atomic", "write_text_atomic", "write_json_atomic", "FileExistsRefusal"]


class FileExistsRefusal(BordermapError):
    """An output file exists and the caller did not ask to overwrite it."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path}: already exists; not overwriting it (use --force to replace it)")


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file; raise :class:`UnreadableFileError` with the parser's line and column."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(str(p), "file not found") from None
    except IsADirectoryError:
        raise UnreadableFileError(str(p), "is a directory, expected a JSON file") from None
    except OSError as exc:
        raise UnreadableFileError(str(p), f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(str(p), f"is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            str(p), f"is not valid JSON: {exc.msg.removesuffix(' at')} (line {exc.lineno}, column {exc.colno})"
        ) from None


def write_bytes_atomic(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder and a rename.

    A reader never sees a partial file, and an existing file is kept unless ``force``.
    """
    p = Path(path)
    if p.exists() and not force:
        raise FileExistsRefusal(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would, or keep
        # the mode of the file being replaced.
        mode = p.stat().st_mode & 0o777 if p.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return p


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path: str | os.PathLike, text: str, *, force: bool = False) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)


def write_json_atomic(path: str | os.PathLike, obj: Any, *, force: bool = False, indent: int | None = 1) -> Path:
    text = json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"
    return write_text_atomic(path, text, force=force)
