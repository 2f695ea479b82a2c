from pathlib import Path

import pytest

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

    return load_storyline(ROOT / DEFAULT_STORYLINE, [f["properties"]["id"] for f in ds.events])
