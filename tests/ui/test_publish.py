"""bordermap.ui.publish: the map's data files, and old ones removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bordermap.ui.publish import KEEP_PUBLISHED, STALE_SECONDS, prune_published


def _folder(data: Path, name: str, used: float, done: bool = True) -> Path:
    folder = data / name
    folder.mkdir(parents=True)
    (folder / "events.bin.gz").write_bytes(b"x")
    if done:
        (folder / ".complete").write_text("")
        os.utime(folder / ".complete", (used, used))
    os.utime(folder, (used, used))
    return folder


def test_old_published_datasets_beyond_the_newest_are_removed(tmp_path):
    now = time.time()
    day = STALE_SECONDS
    recent = [_folder(tmp_path, f"recent{i}", now - 60 * i) for i in range(KEEP_PUBLISHED)]
    old = [_folder(tmp_path, f"old{i}", now - 2 * day - i) for i in range(3)]
    yesterday_but_not_a_day = _folder(tmp_path, "hours", now - day / 2)  # beyond the newest, used today
    unfinished_old = _folder(tmp_path, "unfinished", now - 3 * day, done=False)
    unfinished_now = _folder(tmp_path, "writing", now, done=False)  # another server writing it
    (tmp_path / "abc.json.gz").write_bytes(b"layer")  # the layers' files are left alone

    removed = prune_published(tmp_path, now=now)

    assert sorted(removed) == sorted(old + [unfinished_old])
    assert all(p.exists() for p in recent + [yesterday_but_not_a_day, unfinished_now])
    assert not any(p.exists() for p in old + [unfinished_old])
    assert (tmp_path / "abc.json.gz").exists()


def test_few_published_datasets_are_all_kept_however_old(tmp_path):
    now = time.time()
    kept = [_folder(tmp_path, f"d{i}", now - 10 * STALE_SECONDS) for i in range(KEEP_PUBLISHED)]
    assert prune_published(tmp_path, now=now) == []
    assert all(p.exists() for p in kept)
    assert prune_published(tmp_path / "missing", now=now) == []
