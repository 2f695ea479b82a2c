"""A project of three datasets for the tests: the bundled article, an ACLED import and a UCDP
import of the fixtures (tests/data/import/)."""

from __future__ import annotations

from pathlib import Path

from bordermap.importers.run import import_file

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"


def three_dataset_project(folder: Path, title: str, *, header: str = "", article_title: str | None = None,
                          acled_shape: str | None = None) -> Path:
    """Import the fixtures into ``folder`` and write its ``project.toml``; ``header`` adds
    top-level lines and tables before the datasets."""
    import_file("acled", IMPORTS / "acled_current.csv", folder / "acled.parquet")
    import_file("ucdp", IMPORTS / "ged231.csv", folder / "ucdp.geojson")
    article = f'title = "{article_title}"\n' if article_title else ""
    shape = f'shape = "{acled_shape}"\n' if acled_shape else ""
    (folder / "project.toml").write_text(
        f'title = "{title}"\nlayers = "{ROOT / "geo"}"\n{header}\n'
        f'[[datasets]]\nname = "article"\n{article}path = "{ROOT / "data" / "events.geojson"}"\n'
        f'[[datasets]]\nname = "acled"\ntitle = "ACLED"\npath = "acled.parquet"\n{shape}'
        f'[[datasets]]\nname = "ucdp"\ntitle = "UCDP GED"\npath = "ucdp.geojson"\n', "utf-8")
    return folder / "project.toml"
