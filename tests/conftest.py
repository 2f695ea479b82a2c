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



#: Set to 1 to skip the team-store tests where PostgreSQL cannot be started (never in CI).
SKIP_STORE_ENV = "BORDERMAP_SKIP_STORE_TESTS"


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL with PostGIS for the session (tests/pg_server.py). If it cannot start,
    every store test fails, loudly, unless BORDERMAP_SKIP_STORE_TESTS=1 asks for a skip."""
    from pg_server import PgServer, PgUnavailable

    try:
        server = PgServer()
        server.start()
    except PgUnavailable as exc:
        if os.environ.get(SKIP_STORE_ENV) == "1":
            pytest.skip(f"PostgreSQL not available ({exc}); skipped because {SKIP_STORE_ENV}=1")
        pytest.fail(f"PostgreSQL could not be started for the store tests: {exc} "
                    f"(set {SKIP_STORE_ENV}=1 to skip them instead)", pytrace=False)
    try:
        # Templates each test's database is copied from: PostGIS alone, and PostGIS with the
        # store's schema (made here by `db init`'s code, so always today's migrations).
        server.create_database("tmpl_postgis")
        from bordermap.store import connect, init_schema

        with connect(server.create_database("tmpl_store", template="tmpl_postgis")) as conn:
            init_schema(conn)
    except BaseException:
        server.destroy()
        raise
    yield server
    server.destroy()


def _database_name(request) -> str:
    import re

    return "t_" + re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40] + f"_{os.getpid()}_{id(request) % 100_000}"


@pytest.fixture
def store_url(pg_server, request):
    """An empty database with PostGIS (not initialised), its own for each test."""
    return pg_server.create_database(_database_name(request), template="tmpl_postgis")


@pytest.fixture
def store(pg_server, request):
    """A database initialised as a team store (`bordermap db init`), its own for each test."""
    return pg_server.create_database(_database_name(request), template="tmpl_store")
