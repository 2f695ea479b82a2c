"""Shared fault injection for the tests of writers."""

from __future__ import annotations

from pathlib import Path


def appears_at_fsync(monkeypatch, path: Path, text: str) -> None:
    """Make ``text`` appear at ``path`` while a writer syncs its temp file: another program
    creating the output between bordermap's check and its rename."""
    import os

    from bordermap.io import files

    real_fsync = os.fsync

    def meanwhile(fd):
        if not path.exists():
            path.write_text(text)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", meanwhile)
