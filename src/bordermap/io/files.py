"""Reading JSON with useful errors and firm limits, and writing files atomically.

Reading (:func:`read_json`) refuses what is not a regular file (a folder, a named pipe, a device)
without opening it for long, refuses a file over :func:`max_input_bytes` before reading it, and
words every parser failure — bad syntax, nesting deeper than :data:`MAX_DEPTH`, an integer too
long to convert, a lone UTF-16 surrogate — as one sentence naming the file, line and column.

Writing (:func:`write_bytes_atomic`) goes through a temp file ``.NAME.XXXXXXXX.tmp`` in the same
folder, fsynced, then put in place in one step: ``os.link`` (fails if the name exists, so a file
that appears meanwhile is never replaced) or, with ``force``, ``os.replace``. SIGTERM, SIGHUP and
SIGINT during the write remove the temp file. The limits and the fault behaviour are documented in
``docs/limits.md``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import stat
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import orjson

from bordermap.core.settings import whole_number_setting
from bordermap.errors import BordermapError, UnreadableFileError, UnwritableFileError, WriteInterrupted
from bordermap.textsafe import terminal_safe

__all__ = ["read_json", "read_bytes", "check_json_depth", "write_bytes_atomic", "write_text_atomic", "write_json_atomic", "check_destination",
           "max_input_bytes", "FileExistsRefusal", "MAX_INPUT_BYTES_ENV", "DEFAULT_MAX_INPUT_BYTES", "MAX_DEPTH"]

#: Environment variable that overrides :data:`DEFAULT_MAX_INPUT_BYTES` (a whole number of bytes).
MAX_INPUT_BYTES_ENV = "BORDERMAP_MAX_INPUT_BYTES"
#: The largest input file read: 2 GiB.
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3
#: The deepest nesting of arrays and objects read (an events file needs 8 for a MultiPolygon).
MAX_DEPTH = 64

_CHUNK = 1 << 20  # bytes per os.write: small enough that a signal is handled promptly
_NAME_KEEP = 200  # characters of the name kept in the temp name, so it stays under NAME_MAX
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK,
                            errno.ENOSYS})
_GUARDED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


class FileExistsRefusal(BordermapError):
    """An output file exists and the caller did not ask to overwrite it."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{terminal_safe(path)}: already exists; not overwriting it (use --force to replace it)")


# --- reading -------------------------------------------------------------------------------------


def max_input_bytes(path: str | os.PathLike = "") -> int:
    """The largest input read: ``$BORDERMAP_MAX_INPUT_BYTES`` if set, else 2 GiB.

    Raises :class:`UnreadableFileError` (naming ``path``) if the variable is not a positive
    whole number.
    """
    try:
        limit = whole_number_setting(MAX_INPUT_BYTES_ENV)
    except ValueError as exc:
        raise UnreadableFileError(str(path), f"not read: {MAX_INPUT_BYTES_ENV}={exc.args[0]!r} is not a "
                                             "positive whole number of bytes") from None
    return DEFAULT_MAX_INPUT_BYTES if limit is None else limit


def read_json(path: str | os.PathLike, *, check_depth: bool = True, fast: bool = False) -> Any:
    """Read a JSON file within bordermap's input limits.

    Parameters
    ----------
    path
        A regular file of UTF-8 JSON (a byte-order mark is allowed).

    Returns
    -------
    Any
        The parsed value.

    Raises
    ------
    UnreadableFileError
        With one sentence naming the file (and the line and column where there is one) if the
        file is missing, not a regular file, larger than :func:`max_input_bytes`, not UTF-8, not
        JSON, nested deeper than :data:`MAX_DEPTH`, or holds an integer too long to convert or a
        lone UTF-16 surrogate escape.

    ``check_depth=False`` leaves the :data:`MAX_DEPTH` walk (about 1.4 s over 100k events) to
    the caller, for a reader whose schema bounds the depth anyway: it calls
    :func:`check_json_depth` before anything that recurses over a value the schema rejected.

    ``fast=True`` parses with orjson (about 40% quicker over a large file) and falls back to
    the exact reader for anything orjson refuses, so every refusal is worded as above; the one
    difference is that an integer beyond 64 bits comes back as a float. Use it where a value
    the data model rejects makes the caller read the file again exactly to word the problem
    (an events file: :func:`bordermap.dataset.load_dataset`).
    """
    p = Path(path)
    raw = _read_regular_file(p, max_input_bytes(p))
    if fast:
        try:
            obj = orjson.loads(raw)  # strict RFC 8259: no BOM, NaN, lone surrogate or bad UTF-8
        except orjson.JSONDecodeError:
            pass  # the exact reader below says what is wrong, with its line and column
        else:
            if check_depth and _deeper_than(obj, MAX_DEPTH):
                raise _too_deep(p, raw.decode("utf-8", errors="replace"))
            return obj
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UnreadableFileError(str(p), f"is not UTF-8 text (byte {exc.start}, line {line})") from None
    return _parse_json(p, text, check_depth)


def check_json_depth(path: str | os.PathLike, obj: Any) -> None:
    """Raise the :func:`read_json` error for ``obj`` (read from ``path``) if it nests deeper
    than :data:`MAX_DEPTH` (the file is re-read only then, to say where)."""
    if _deeper_than(obj, MAX_DEPTH):
        p = Path(path)
        raise _too_deep(p, p.read_bytes().decode("utf-8-sig", errors="replace"))


def _kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, expected a JSON file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file; expected a JSON file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file; expected a JSON file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file; expected a JSON file"
    return "is not a regular file; expected a JSON file"


def _open_error(p: Path, exc: OSError) -> UnreadableFileError:
    if isinstance(exc, FileNotFoundError):
        return UnreadableFileError(str(p), "file not found")
    if isinstance(exc, NotADirectoryError):
        return UnreadableFileError(str(p), "file not found (a folder in its path is a file)")
    if isinstance(exc, PermissionError):
        return UnreadableFileError(str(p), "cannot be read (permission denied)")
    return UnreadableFileError(str(p), f"cannot be read ({exc.strerror or exc})")


def _too_big(p: Path, size: int, limit: int, *, growing: bool = False) -> UnreadableFileError:
    size_words = f"grew past {limit:,} bytes while read" if growing else f"is {size:,} bytes"
    return UnreadableFileError(str(p), f"{size_words}; the most bordermap reads is {limit:,} bytes "
                                       f"(set {MAX_INPUT_BYTES_ENV} to change it)")


def read_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (what :func:`read_json` reads
    with, for inputs that are not JSON); :class:`UnreadableFileError` otherwise."""
    return _read_regular_file(Path(path), limit)


def _read_regular_file(p: Path, limit: int) -> bytes:
    """The bytes of ``p``, which must be a regular file of at most ``limit`` bytes.

    The kind is checked with ``stat`` before opening (opening a FIFO would block, reading
    ``/dev/zero`` would never end) and again on the open descriptor, in case the name was
    swapped in between; ``O_NONBLOCK`` keeps even that open from waiting for a FIFO's writer.
    """
    try:
        before = os.stat(p)
    except OSError as exc:
        raise _open_error(p, exc) from None
    if (kind := _kind_problem(before.st_mode)) is not None:
        raise UnreadableFileError(str(p), kind)
    if before.st_size > limit:
        raise _too_big(p, before.st_size, limit)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(p, exc) from None
    try:
        opened = os.fstat(fd)
        if (kind := _kind_problem(opened.st_mode)) is not None:
            raise UnreadableFileError(str(p), kind)
        return _read_at_most(p, fd, limit, opened.st_size)
    except OSError as exc:
        raise _open_error(p, exc) from None
    finally:
        os.close(fd)


def _read_at_most(p: Path, fd: int, limit: int, size_hint: int) -> bytes:
    """Read to the end, but never more than ``limit`` bytes (the file may grow while read)."""
    chunks: list[bytes] = []
    total = 0
    want = min(size_hint + 1, limit + 1)
    while chunk := os.read(fd, max(1, min(want, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_big(p, total, limit, growing=True)
        want = _CHUNK
    return b"".join(chunks)


# A JSON string, skipped whole so brackets and digits inside it are not counted.
_STRING = r'"(?:[^"\\]++|\\.)*+"'
_BRACKETS = re.compile(rf"{_STRING}|[\[\]{{}}]")
_NUMBER = re.compile(rf"{_STRING}|-?(\d+)(\.\d+)?([eE][-+]?\d+)?")
# Escaped backslashes are matched first, so ``\\ud800`` (a backslash, then text) is not an escape.
_SURROGATE_ESCAPE = re.compile(r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                               r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _line_col(text: str, offset: int) -> str:
    """``line L, column C`` (1-based, as json reports them) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def _parse_json(p: Path, text: str, check_depth: bool = True) -> Any:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            str(p), f"is not valid JSON: {exc.msg.removesuffix(' at')} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:  # the C parser gives up near Python's recursion limit (~1000 levels)
        raise _too_deep(p, text) from None
    except ValueError as exc:  # an integer longer than sys.get_int_max_str_digits()
        raise _long_integer(p, text, exc) from None
    if check_depth and _deeper_than(obj, MAX_DEPTH):
        raise _too_deep(p, text)
    if _MAYBE_SURROGATE.search(text):
        _check_surrogates(p, text)
    return obj


def _deeper_than(obj: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (iterative: no recursion)."""
    level = [obj] if isinstance(obj, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, (dict, list))]
    return False


def _too_deep(p: Path, text: str) -> UnreadableFileError:
    depth = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return UnreadableFileError(str(p), f"is nested more than {MAX_DEPTH} levels deep "
                                                   f"({_line_col(text, m.start())}); the most bordermap reads "
                                                   f"is {MAX_DEPTH} levels of arrays and objects")
        elif ch in "]}":
            depth -= 1
    return UnreadableFileError(str(p), f"is nested more than {MAX_DEPTH} levels deep; the most bordermap reads "
                                       f"is {MAX_DEPTH} levels of arrays and objects")


def _long_integer(p: Path, text: str, exc: ValueError) -> UnreadableFileError:
    limit = sys.get_int_max_str_digits()
    if "integer string conversion" not in str(exc):
        return UnreadableFileError(str(p), f"is not valid JSON ({exc})")
    for m in _NUMBER.finditer(text):
        # Digits in a string, and numbers with a fraction or an exponent (floats), are not integers.
        if m.group(1) is None or m.group(2) or m.group(3):
            continue
        digits = len(m.group(1))
        if digits > limit:
            return UnreadableFileError(str(p), f"has an integer of {digits:,} digits ({_line_col(text, m.start())}); "
                                               f"the most bordermap reads is {limit:,} digits")
    return UnreadableFileError(str(p), f"has an integer of more than {limit:,} digits; "
                                       f"the most bordermap reads is {limit:,} digits")


def _check_surrogates(p: Path, text: str) -> None:
    """Refuse a ``\\uD800``-style escape that is half of a UTF-16 pair: it is no character, and
    no writer (UTF-8 HTML, CSV, KML, GeoJSON) nor a terminal can show it (RFC 7493 §2.1)."""
    for m in _SURROGATE_ESCAPE.finditer(text):
        if len(m.group()) == 6:
            raise UnreadableFileError(str(p), f"is not valid JSON text: the escape {m.group()} "
                                              f"({_line_col(text, m.start())}) is half of a UTF-16 surrogate "
                                              "pair, not a character")


# --- writing -------------------------------------------------------------------------------------


def check_destination(path: str | os.PathLike, *, force: bool = False) -> Path:
    """Check that ``path`` can be written as a new file (or replaced, with ``force``).

    Cheap, and done again by :func:`write_bytes_atomic`; call it before slow work so that a
    mistyped path is reported before, not after, the work. A missing folder is not an error:
    the writer creates it.

    Raises
    ------
    FileExistsRefusal
        ``path`` exists and ``force`` is false.
    UnwritableFileError
        ``path`` is a folder, or a file stands where its folder (or one above) should be.
    """
    p = Path(path)
    blocker = _file_in_the_way(p.parent)
    if blocker is not None:
        raise UnwritableFileError(str(p), f"its folder {blocker} is a file, not a folder")
    if p.is_dir():
        raise UnwritableFileError(str(p), "it is a folder; give a file name")
    if not force and (p.exists() or p.is_symlink()):
        raise FileExistsRefusal(p)
    return p


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing one of ``folder`` and its parents, if that is not a folder."""
    try:
        for candidate in (folder, *folder.parents):
            if candidate.exists():
                return None if candidate.is_dir() else candidate
    except OSError:  # an unreadable parent: let the write itself say what fails
        return None
    return None


def _make_folder(p: Path) -> None:
    """Create the folder of ``p`` (and its parents) if missing."""
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file appeared in the way meanwhile
        raise UnwritableFileError(str(p), f"its folder {_file_in_the_way(p.parent) or p.parent} "
                                          "is a file, not a folder") from None
    except OSError as exc:
        raise UnwritableFileError(str(p), f"cannot create its folder {p.parent} "
                                          f"({_reason(exc, p.parent.parent)}); nothing was written") from None


def write_bytes_atomic(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` in one step: all of it or nothing.

    The bytes go to a temp file ``.NAME.XXXXXXXX.tmp`` in the same folder, are fsynced, and the
    temp file is then linked to ``path`` (which fails if ``path`` exists, however late it
    appeared) or, with ``force``, renamed over it. A new file gets the mode ``open()`` would give
    it; a replaced file keeps its mode. On SIGTERM, SIGHUP or SIGINT (in the main thread) the temp
    file is removed and :class:`WriteInterrupted` raised; a signal that comes while the file is
    being put in place waits until it is.

    Parameters
    ----------
    path
        The file to write; missing folders above it are created.
    data
        The whole content.
    force
        Replace ``path`` if it exists.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    FileExistsRefusal
        ``path`` exists (or appeared during the write) and ``force`` is false.
    UnwritableFileError
        A file stands where the folder should be, the folder cannot be created or is
        read-only, the disk is full, ...; nothing was written and no temp file is left.
    WriteInterrupted
        A signal stopped the write; nothing was written and no temp file is left.
    """
    p = check_destination(path, force=force)
    _make_folder(p)
    mode = p.stat().st_mode & 0o777 if force and p.exists() else 0o666 & ~_umask()
    tmp: str | None = None
    with _SignalGuard(p) as guard:
        try:
            with guard.holding_signals():  # a signal here would lose the temp file's name
                fd, tmp = tempfile.mkstemp(prefix=f".{p.name[:_NAME_KEEP]}.", suffix=".tmp", dir=p.parent)
            guard.raise_if_pending()
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            # mkstemp makes the file private (0600); give it the mode a plain open() would, or
            # keep the mode of the file being replaced.
            os.chmod(tmp, mode)
            with guard.holding_signals():
                _put_in_place(tmp, p, force)
        except OSError as exc:
            _remove(tmp)
            raise _write_error(p, exc) from None
        except BaseException:
            _remove(tmp)
            raise
    _fsync_folder(p.parent)
    return p


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _put_in_place(tmp: str, p: Path, force: bool) -> None:
    """Move the finished temp file to ``p``: replace with ``force``, else create-or-fail."""
    if force:
        os.replace(tmp, p)
        return
    try:
        os.link(tmp, p)
    except FileExistsError:
        raise FileExistsRefusal(p) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        _reserve_then_replace(tmp, p)
        return
    _remove(tmp)


def _reserve_then_replace(tmp: str, p: Path) -> None:
    """For file systems without hard links (FAT, some network shares): claim the name with
    ``O_EXCL`` (fails if it exists), then rename over our own empty placeholder."""
    try:
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise FileExistsRefusal(p) from None
    try:
        os.replace(tmp, p)
    except BaseException:
        _remove(str(p))  # our placeholder, not someone's file
        raise


def _remove(tmp: str | None) -> None:
    """Remove a temp file if there is one; a failure here must not hide the error being raised."""
    if tmp is None:
        return
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make the new name durable too; best effort (some file systems cannot fsync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_error(p: Path, exc: OSError) -> UnwritableFileError:
    """The sentence for an OSError while writing ``p``."""
    return UnwritableFileError(str(p), f"{_reason(exc, p.parent)}; nothing was written")


def _reason(exc: OSError, folder: Path) -> str:
    """What an OSError means for a file being created in ``folder``, in words."""
    reasons = {
        errno.ENOSPC: "no space left on the device (the disk is full)",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: f"no permission to create files in {folder}",
        errno.EPERM: f"no permission to create files in {folder}",
        errno.EROFS: f"{folder} is on a read-only file system",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.EFBIG: "the file is larger than the file system allows",
        errno.EISDIR: "it is a folder; give a file name",
        errno.ENOENT: f"its folder {folder} disappeared",
        errno.ENOTDIR: f"its folder {_file_in_the_way(folder) or folder} is a file, not a folder",
        errno.EIO: "input/output error on the device",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))


class _SignalGuard:
    """For the duration of a write (main thread only, where Python runs signal handlers):
    SIGTERM, SIGHUP and SIGINT raise :class:`WriteInterrupted`, so the writer's ``except``
    removes its temp file; by default SIGTERM and SIGHUP would end the process on the spot.

    Only default dispositions are taken over; an application's own handler is left alone (it
    decides, and a handler that raises still reaches the writer's ``except``). A second signal
    while the first is being handled, or one that comes while the file is put in place, waits;
    it is delivered to the previous handler when the guard ends, after the file is complete.
    """

    def __init__(self, path: Path):
        self._path = path
        self._previous: dict[int, Any] = {}
        self._holding = False
        self._pending: int | None = None

    def __enter__(self) -> _SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in _GUARDED_SIGNALS:
                current = signal.getsignal(sig)
                if current in (signal.SIG_DFL, signal.default_int_handler):
                    self._previous[sig] = current
                    signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self._holding or self._pending is not None:
            self._pending = self._pending or signum
            return
        self._pending = 0  # not None: later signals wait while this one unwinds the write
        raise WriteInterrupted(str(self._path), signum, signal.Signals(signum).name)

    def raise_if_pending(self) -> None:
        """Raise :class:`WriteInterrupted` now for a signal that waited."""
        if self._pending:
            signum, self._pending = self._pending, 0
            raise WriteInterrupted(str(self._path), signum, signal.Signals(signum).name)

    @contextmanager
    def holding_signals(self) -> Iterator[None]:
        """Signals wait while the body runs (putting the file in place is not interrupted)."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def __exit__(self, *exc_info: Any) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        if self._pending:  # a signal that waited: now the previous handler has it
            signal.raise_signal(self._pending)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path: str | os.PathLike, text: str, *, force: bool = False) -> Path:
    """:func:`write_bytes_atomic` of ``text`` as UTF-8."""
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)


def write_json_atomic(path: str | os.PathLike, obj: Any, *, force: bool = False, indent: int | None = 1) -> Path:
    """:func:`write_bytes_atomic` of ``obj`` as UTF-8 JSON with a final newline."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"
    return write_text_atomic(path, text, force=force)
