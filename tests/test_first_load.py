"""A large dataset's first load in a child process (bordermap.first_load): the same table as a
load in this process, progress reported, the file's problems raised here, and a fallback when
the child cannot finish."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bordermap.dataset import is_cached, load_project_dataset
from bordermap.errors import DataFileError
from bordermap.first_load import load_project_dataset_isolated
from bordermap.project import project_for_events
from bordermap.synthetic import synthetic_collection

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _events(tmp_path: Path, n: int = 400) -> Path:
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(synthetic_collection(n, seed=21)))
    return path


def test_the_child_loads_and_caches_and_this_process_maps_the_same_table(tmp_path, cache):
    path = _events(tmp_path)
    project = project_for_events(path, ROOT / "geo")
    assert not is_cached(path, project.layers, project.region)
    seen = []
    ds = load_project_dataset_isolated(project, progress=lambda f, m: seen.append((f, m)), min_bytes=0)
    assert is_cached(path, project.layers, project.region)
    assert any("Checking" in m for _, m in seen), seen  # the child's own progress, relayed
    messages = [m for _, m in seen]
    # The child read and cached the file; this process only opened the cache afterwards.
    assert messages.index("Caching the table") < messages.index("Loaded from the cache")
    here = load_project_dataset(project, use_cache=False)
    assert ds.table.table.equals(here.table.table)
    assert list(ds.table.source_index) == list(here.table.source_index)


def test_small_or_cached_files_are_not_sent_to_a_child(tmp_path, cache, monkeypatch):
    import bordermap.first_load as fl

    path = _events(tmp_path, 20)
    project = project_for_events(path, ROOT / "geo")
    monkeypatch.setattr(fl, "_load_in_child", lambda *a: pytest.fail("a child for a small file"))
    assert len(load_project_dataset_isolated(project)) == 20


def test_the_files_problems_come_back_as_here(tmp_path, cache):
    path = _events(tmp_path, 30)
    fc = json.loads(path.read_text())
    fc["features"][3]["properties"]["date_start"] = "2012-02-30"
    path.write_text(json.dumps(fc))
    project = project_for_events(path, ROOT / "geo")
    with pytest.raises(DataFileError) as here:
        load_project_dataset(project, use_cache=False)
    with pytest.raises(DataFileError) as there:
        load_project_dataset_isolated(project, min_bytes=0)
    assert [str(p) for p in there.value.problems] == [str(p) for p in here.value.problems]
    assert "2012-02-30" in str(there.value.problems[0])


def test_a_child_that_dies_falls_back_to_loading_here(tmp_path, cache, monkeypatch):
    path = _events(tmp_path, 50)
    project = project_for_events(path, ROOT / "geo")
    # The child's interpreter is killed as it starts (a memory limit it runs into, say).
    monkeypatch.setattr("sys.executable", str(_dying_python(tmp_path)))
    assert len(load_project_dataset_isolated(project, min_bytes=0)) == 50
    assert is_cached(path, project.layers, project.region)  # cached by the load here instead


def _dying_python(tmp_path: Path) -> Path:
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\nkill -9 $$\n")
    script.chmod(0o755)
    return script


def test_the_child_runs_whatever_the_main_module_is(tmp_path):
    # Under Streamlit the main module is the app's script; the child must not run it again.
    import subprocess
    import sys

    path = _events(tmp_path, 30)
    main = tmp_path / "app_like.py"
    main.write_text(
        "import os, sys\n"
        "if os.environ.get('RAN_MAIN'): sys.exit('the main module ran again')\n"
        "os.environ['RAN_MAIN'] = '1'\n"
        "from bordermap.first_load import load_project_dataset_isolated\n"
        "from bordermap.project import project_for_events\n"
        "seen = []\n"
        f"ds = load_project_dataset_isolated(project_for_events({str(path)!r}, {str(ROOT / 'geo')!r}), min_bytes=0,\n"
        "                                    progress=lambda f, m: seen.append(m))\n"
        "print(len(ds), 'Loaded from the cache' in seen)\n")
    run = subprocess.run([sys.executable, str(main)], capture_output=True, text=True,
                         env={**os.environ, "BORDERMAP_CACHE": str(tmp_path / "cache")})
    # 30 events, opened here from the cache the child wrote (a child that failed would leave the
    # load to this process, which reads the file itself).
    assert run.returncode == 0 and run.stdout.strip() == "30 True", (run.stdout, run.stderr[-2000:])
