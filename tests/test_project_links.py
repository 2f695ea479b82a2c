"""Links in a project: every dataset pair linked, decisions saved to the links file and applied,
surviving a re-import; the CLI's CSV and the panel's section."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.cli import main
from bordermap.dataset import load_project_dataset
from bordermap.importers.run import import_file
from bordermap.links import decide
from bordermap.links.project import load_decisions, project_links, save_decision
from bordermap.project import load_project

from projects import three_dataset_project  # noqa: E402  (tests/projects.py)

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"
EVENT = "2010-afghan-operation-imam-sahib"


@pytest.fixture()
def project(tmp_path) -> Path:
    return three_dataset_project(tmp_path, "Linked", header='links = "links.json"', article_title="The article")


def _links_of(project: Path, event: str):
    ds = load_project_dataset(load_project(project), use_cache=False)
    return [link for group in project_links(ds).of_event(event) for link in group]


def test_decisions_are_saved_applied_and_survive_a_reimport(project):
    links = _links_of(project, EVENT)
    assert links and all(link.status == "proposed" for link in links)
    first = links[0]
    save_decision(project.parent / "links.json", decide(first, "confirmed", "tester", note="same operation"))
    saved, problems = load_decisions(project.parent / "links.json")
    assert problems == [] and [d.status for d in saved] == ["confirmed"]
    again = {(x.a_id, x.b_id): x for x in _links_of(project, EVENT)}
    assert again[(first.a_id, first.b_id)].status == "confirmed"
    assert again[(first.a_id, first.b_id)].decided_by == "tester"
    # a newer import of the same records: the decision still applies (ids are the datasets' own)
    import_file("ucdp", IMPORTS / "ged231.csv", project.parent / "ucdp.geojson", update=True)
    assert {(x.a_id, x.b_id): x.status for x in _links_of(project, EVENT)}[(first.a_id, first.b_id)] == "confirmed"
    # changing one's mind replaces the decision; a rejected link is not proposed again
    save_decision(project.parent / "links.json", decide(first, "rejected", "tester"))
    assert len(load_decisions(project.parent / "links.json")[0]) == 1
    assert (first.a_id, first.b_id) not in {(x.a_id, x.b_id) for x in _links_of(project, EVENT)}


def test_cli_writes_the_links_as_csv(project, tmp_path, capsys):
    out = tmp_path / "links.csv"
    assert main(["links", "--project", str(project), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert rows and {r["a_dataset"] for r in rows} <= {"The article", "ACLED"}
    assert any(r["a_id"] == EVENT for r in rows)
    assert "links between 3 datasets" in capsys.readouterr().out
    assert main(["links", "--project", str(project), "-o", str(out)]) == 1  # exists: not replaced
    assert main(["links", "--project", str(ROOT / "project.toml"), "-o", str(tmp_path / "x.csv")]) == 2


def test_the_panel_shows_links_and_saves_a_decision(project, monkeypatch):
    monkeypatch.setenv("BORDERMAP_PROJECT", str(project))
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    monkeypatch.setenv("BORDERMAP_USER", "panel-tester")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["event"] = EVENT
    at.run()
    assert not at.exception
    assert any("The same event in other datasets?" in m.value for m in at.markdown)
    assert any("UCDP GED: 18 (low 17, high 18)" in m.value.replace("\\", "") for m in at.markdown)
    next(b for b in at.button if b.label == "Same event").click().run()
    assert not at.exception
    saved = json.loads((project.parent / "links.json").read_text())
    assert saved[0]["status"] == "confirmed" and saved[0]["by"] == "panel-tester" and saved[0]["a_id"] == EVENT


def test_the_panel_names_every_events_dataset(project):
    from bordermap.panel import render_panel

    ds = load_project_dataset(load_project(project), use_cache=False)
    titles = {n: t for t, n, _ in ds.layer_specs}
    for name in ("article", "acled"):
        row = int(next(r for r in range(len(ds)) if ds.table.feature(r)["properties"]["dataset"] == name))
        f = ds.table.feature(row)
        html = render_panel(f, ds.article, dataset=ds.info_of(name), dataset_title=titles[name])
        assert "<h4>Dataset</h4>" in html and titles[name] in html
