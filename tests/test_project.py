"""Projects: the file and its checks, several datasets as one, the CLI and the app on a project."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.cli import main
from bordermap.dataset import load_project_dataset
from bordermap.errors import DataFileError, UnreadableFileError
from bordermap.importers.run import import_file
from bordermap.project import load_project, load_project_schema
from bordermap.timeline import EventFilter

from projects import three_dataset_project  # noqa: E402  (tests/projects.py)
from fuzzing import examples  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"


def test_the_bundled_project_is_the_article():
    project = load_project(ROOT / "project.toml")
    assert [d.name for d in project.datasets] == ["article"]
    assert project.storyline == ROOT / "data" / "storylines" / "khorog-2012.json"
    ds = load_project_dataset(project)
    assert len(ds) == 36 and ds.table.dataset_names == ["article"]
    assert ds.article["title"].startswith("Clashes in Eastern Tajikistan")


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    return three_dataset_project(tmp_path_factory.mktemp("proj"), "Three datasets", acled_shape="square",
                                 header='credit = "Compiled for a test."\n[region]\n'
                                        'bbox = [55.0, 25.0, 85.0, 45.0]\nsides = ["TJK", "AFG"]')


def test_several_datasets_open_as_one_and_filter(three):
    ds = load_project_dataset(load_project(three))
    assert len(ds) == 36 + 6 + 8
    assert sorted(ds.table.dataset_names) == ["acled", "article", "ucdp"]
    t0 = ds.table.t0
    assert (t0[:-1] <= t0[1:]).all(), "one story order across datasets"
    for name, n in (("article", 36), ("acled", 6), ("ucdp", 8)):
        rows = EventFilter(datasets=frozenset({name})).rows(ds.table)
        assert len(rows) == n
        assert {ds.table.feature(int(r))["properties"]["dataset"] for r in rows} == {name}
    assert ds.info_of("acled")["name"] == "ACLED" and ds.info_of("article") is None
    both = EventFilter(datasets=frozenset({"acled", "ucdp"}), event_types=frozenset({"Battles"}))
    assert set(both.rows(ds.table)) == set(EventFilter(datasets=frozenset({"acled"}), event_types=frozenset({"Battles"})).rows(ds.table)) | set(EventFilter(datasets=frozenset({"ucdp"}), event_types=frozenset({"Battles"})).rows(ds.table))


def test_ids_must_be_unique_across_datasets(tmp_path):
    import_file("acled", IMPORTS / "acled_current.csv", tmp_path / "a.geojson")
    import_file("acled", IMPORTS / "acled_current.csv", tmp_path / "b.parquet")
    (tmp_path / "p.toml").write_text('title = "t"\n[[datasets]]\nname = "a"\npath = "a.geojson"\n'
                                     '[[datasets]]\nname = "b"\npath = "b.parquet"\n')
    with pytest.raises(DataFileError) as err:
        load_project_dataset(load_project(tmp_path / "p.toml"))
    assert "in the datasets a, b; ids must be unique" in str(err.value)


def test_project_problems_one_line_each(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('title = ""\ncolour = "red"\n[region]\nbbox = [80.0, 25.0, 55.0, 45.0]\nsides = ["TJK", "afg"]\n'
                 '[[datasets]]\nname = "a"\npath = "missing.geojson"\n[[datasets]]\nname = "a"\npath = "x.geojson"\n'
                 'shape = "star"\n')
    with pytest.raises(DataFileError) as err:
        load_project(p)
    lines = [str(x) for x in err.value.problems]
    fields = [x.field for x in err.value.problems]
    for f in ("title", "", "region.sides[1]", "datasets[1].shape", "datasets[1].name", "datasets[0].path", "region.bbox"):
        assert f in fields, (f, lines)
    assert any("unknown key(s) 'colour'" in line for line in lines)
    assert all("\n" not in line and line.startswith(str(p)) for line in lines)
    p.write_text("title = [unclosed")
    with pytest.raises(UnreadableFileError, match="not valid TOML"):
        load_project(p)


def test_every_project_key_is_documented():
    doc = (ROOT / "docs" / "projects.md").read_text("utf-8")
    schema = load_project_schema()

    def keys(node, prefix=""):
        for k, v in node.get("properties", {}).items():
            yield prefix + k
            if v.get("type") == "object":
                yield from keys(v, prefix + k + ".")
            if v.get("type") == "array" and isinstance(v.get("items"), dict) and v["items"].get("type") == "object":
                yield from keys(v["items"], prefix + k + "[].")

    for key in keys(schema):
        assert f"`{key.split('.')[-1].split('[]')[-1]}`" in doc, key


def test_cli_validate_and_export_a_project(three, tmp_path, capsys):
    assert main(["validate", str(three)]) == 0
    assert "valid (3 dataset(s))" in capsys.readouterr().out
    out = tmp_path / "e.geojson"
    assert main(["export", "geojson", "--project", str(three), "-o", str(out)]) == 0
    fc = json.loads(out.read_text())
    assert len(fc["features"]) == 50
    assert main(["export", "csv", "--project", str(three), "--events", "x.geojson", "-o", str(tmp_path / "x.csv")]) == 2
    assert "not both" in capsys.readouterr().err


def test_the_app_on_a_project(three, monkeypatch):
    monkeypatch.setenv("BORDERMAP_PROJECT", str(three))
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("Three datasets" in m.value for m in at.markdown)
    picker = next(w for w in at.multiselect if w.label == "Dataset")
    assert picker.options == ["The article", "ACLED", "UCDP GED"] or len(picker.options) == 3
    picker.select("acled").run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "of 50 events" in c.value)
    assert re.search(r"\*\*6 of 50 events\*\*", caption)
    credits = " ".join(c.value.replace("\\", "") for c in at.caption)  # in the About drawer
    assert "Compiled for a test" in credits and "Events from ACLED" in credits and "Cite: Sundberg" in credits


def test_each_dataset_draws_with_its_mark(three):
    from bordermap.export import export_bytes
    from bordermap.mapping.payload import decode_events, encode_events, inline_source_of
    from bordermap.mapping.style import MARKS, TYPE_SHAPES, event_styles

    ds = load_project_dataset(load_project(three))
    # acled's deprecated shape = "square" is read as the dot; the others take the first free marks
    assert ds.layer_specs == (("article", "article", "none"), ("ACLED", "acled", "dot"),
                              ("UCDP GED", "ucdp", "bar"))
    header, arrays = decode_events(encode_events(ds.table, {n: m for _, n, m in ds.layer_specs}))
    styles = header["styles"]
    names = ds.table.table["dataset"].to_pylist()
    types = ds.table.table["event_type"].to_pylist()
    marks = dict(article="none", acled="dot", ucdp="bar")
    for code, name, event_type in zip(arrays["style"], names, types):
        assert styles[int(code)]["mark"] == marks[name]
        assert styles[int(code)]["type"] == event_type
        assert styles[int(code)]["shape"] == TYPE_SHAPES[event_type]
    assert {s["mark"] for s in event_styles() if s} == set(MARKS)
    assert set(header["geometry"]["marks"]) == set(MARKS)
    page = export_bytes("html", ds).decode("utf-8")
    assert "Datasets (mark at the centre)" in page
    inline = inline_source_of(page)
    assert inline  # the export carries the marks in its own payload


def test_a_dataset_shape_is_deprecated_but_still_tells_datasets_apart(tmp_path, capsys):
    from bordermap.project import validate_project

    path = three_dataset_project(tmp_path, "t", acled_shape="triangle")
    text = path.read_text("utf-8").replace('name = "ucdp"\n', 'name = "ucdp"\nmark = "none"\nshape = "square"\n')
    path.write_text(text, "utf-8")
    project = load_project(path)  # loads: a deprecation is a warning
    assert project.dataset_marks == {"article": "dot", "acled": "bar", "ucdp": "none"}  # mark beats shape
    problems = validate_project(tomllib.loads(text), str(path), tmp_path)
    deprecations = [p for p in problems if p.field.endswith(".shape")]
    assert [p.field for p in deprecations] == ["datasets[1].shape", "datasets[2].shape"]
    assert all(p.severity == "warning" and "'shape' is deprecated" in p.message for p in deprecations)
    assert 'read as mark = "bar"' in deprecations[0].message and "'mark' beside it is used" in deprecations[1].message
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "field 'datasets[1].shape': warning: 'shape' is deprecated" in out and ": valid (3 dataset(s))" in out


# --- fuzz: any project file gives sentences, never a traceback ----------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bordermap.errors import BordermapError  # noqa: E402

_KEYS = ["title", "subtitle", "description", "credit", "layers", "links", "region", "datasets", "storylines",
         "name", "path", "shape", "visible", "bbox", "sides", "side_names", "center", "zoom", "x"]
_scalars = st.one_of(st.text(max_size=12), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                     st.booleans())
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)), max_leaves=12)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(v), repr(v))
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a TOML basic string for these characters
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(st.sampled_from(_KEYS), _values, max_size=6))
def test_any_project_document_gives_sentences(doc, tmp_path):
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items())
    p = tmp_path / "p.toml"
    p.write_text(text, "utf-8")
    try:
        project = load_project(p)
    except BordermapError as exc:
        for line in str(exc).splitlines():
            assert line.strip()
        return
    assert project.title and project.datasets


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_bytes_as_a_project_give_one_sentence(data, tmp_path):
    p = tmp_path / "p.toml"
    p.write_bytes(data)
    with pytest.raises(BordermapError) as err:
        load_project(p)
    assert "\n" not in str(err.value) or isinstance(err.value, DataFileError)


def test_the_projects_region_is_the_validators(tmp_path):
    import shutil

    from bordermap.dataset import load_dataset

    shutil.copy(IMPORTS / "acled_current.csv", tmp_path / "a.csv")
    import_file("acled", tmp_path / "a.csv", tmp_path / "a.geojson")
    # a box far from the border: every event is outside it, which is a warning, not an error
    (tmp_path / "p.toml").write_text(f'title = "Elsewhere"\nlayers = "{ROOT / "geo"}"\n[region]\n'
                                     'bbox = [0.0, 0.0, 10.0, 10.0]\nsides = ["TJK", "AFG"]\n'
                                     '[[datasets]]\nname = "a"\npath = "a.geojson"\n')
    ds = load_project_dataset(load_project(tmp_path / "p.toml"))
    assert len(ds) == 6 and len(ds.warnings) == 6
    assert all("outside the region (lon 0..10, lat 0..10)" in w for w in ds.warnings)
    plain = load_dataset(tmp_path / "a.geojson")  # the default box: no warning, and its own cache entry
    assert not any("outside the region" in w for w in plain.warnings)
    assert main(["validate", str(tmp_path / "p.toml")]) == 0
