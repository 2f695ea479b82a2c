import os
import tempfile
from pathlib import Path

import pytest

# Every test run (and every app server or CLI it starts) uses a cache of its own, so a test
# never sees a table cached by another run or by the developer's app.
os.environ.setdefault("BORDERMAP_CACHE", tempfile.mkdtemp(prefix="bordermap-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def ds():
    """The bundled dataset with the reference layers, loaded once (tests may shadow this)."""
    from bordermap.dataset import load_dataset

    return load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")


@pytest.fixture(scope="session")
def story(ds):
    """The default storyline, validated against the bundled events."""
    from bordermap.storyline import DEFAULT_STORYLINE, load_storyline

    return load_storyline(ROOT / DEFAULT_STORYLINE, list(ds.table.ids))

