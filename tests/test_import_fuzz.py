"""Fuzz and fault cases for ``bordermap import acled|ucdp`` (issue 14): any text in any cell, any
bytes as the file, hostile data on the terminal, and the file-system faults. Whatever the input,
the import writes a valid events file or raises a :class:`BordermapError` whose problems name the
file and the record's line, and writes nothing; never another exception, never a traceback.

Inputs are synthetic rows (:mod:`bordermap.synthetic_exports`) with a few cells changed, written
as CSV or as API JSON in a temp folder; nothing here is committed data. The tests named after a
defect pin the input that found it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import signal
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from write_faults import signal_during_write

from bordermap.cli import main
from bordermap.dataset import validate_path
from bordermap.errors import BordermapError, DataFileError
from bordermap.importers.run import NoRecordsError, UpdateRefusal, import_file
from bordermap.importers.source import WrongFileError
from bordermap.io import files
from bordermap.io.acled import ACLED_COLUMNS
from bordermap.synthetic_exports import UCDP_COLUMNS, acled_rows, ucdp_rows
from bordermap.textsafe import terminal_safe
from fuzzing import examples

HEADERS = {"acled": list(ACLED_COLUMNS), "ucdp": list(UCDP_COLUMNS)}
FORGED = "x\n/tmp/events.geojson: valid\x1b[2J\x1b[H"

# --- inputs ----------------------------------------------------------------------------------------


def rows(kind: str, n: int = 3) -> list[dict[str, str]]:
    """``n`` valid records, without line breaks in their cells, so record ``i`` starts on line
    ``i + 2`` of the CSV (a changed cell may add line breaks, after its record's first line)."""
    made = acled_rows(n) if kind == "acled" else ucdp_rows(n)
    return [{k: v.replace("\n", " ") for k, v in r.items()} for r in made]


def csv_bytes(kind: str, records: list[dict[str, str]], *, delimiter: str = ",", header: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    # CRLF as Excel writes it: the writer then quotes a cell holding a CR as well as one holding a LF
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    header = header or HEADERS[kind]
    w.writerow(header)
    for r in records:
        w.writerow([r.get(c, "") for c in header])
    return out.getvalue().encode("utf-8")


def json_bytes(kind: str, records: list) -> bytes:
    doc = {"status": 200, "data": records} if kind == "acled" else {"Result": records}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def export(folder: Path, kind: str, records: list, fmt: str = "csv", name: str | None = None) -> Path:
    path = folder / (name or f"export.{fmt}")
    path.write_bytes(csv_bytes(kind, records) if fmt == "csv" else json_bytes(kind, records))
    return path


def errors_of(path: Path) -> list:
    return [p for p in validate_path(path) if p.severity == "error"]


def event_count(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.read_metadata(path).num_rows
    return len(json.loads(path.read_text("utf-8"))["features"])


def no_raw_controls(text: str) -> bool:
    """No escape, NUL, CR, C1 control, bidi override or line separator reached the terminal: every
    line is as :func:`terminal_safe` leaves it."""
    return all(terminal_safe(line) == line for line in text.split("\n"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert no_raw_controls(out) and no_raw_controls(err), (out, err)
    return code, out, err


@contextlib.contextmanager
def within(seconds: float):
    """Fail, instead of hanging, when the body takes longer than ``seconds`` (a FIFO opened for
    reading blocks until someone writes to it)."""
    def too_slow(signum, frame):
        raise TimeoutError(f"took more than {seconds} s: something blocked")

    old = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --- 1. any text in any cell ------------------------------------------------------------------------

SPECIAL = ["", " ", "\x00", "\r", "\n", "a\r\nb", "\x1b[2J", "\u202e", "\u2028", "\ufeff", "\t", '"', "'", ",", ";",
           " ; ", "1e309", "-1e309", "NaN", "nan", "inf", "-0", " 12 ", "+1", "+3.0", "1_000", "٣", "١٢", "²",
           "１", "0x10", "1.5", "3.00", "37,5", "-90", "180.0000001", ".5", "5.", "1E2", "1e-400",
           "99999999999999999999", "9" * 5000, "2012-13-01", "0000-01-01", "0001-01-01", "0001-01-02",
           "9999-12-31", "9999-12-30", "31 Feb 2012", "29 Feb 2012", "2012-07-24T25:00", "2012-07-24 00:00:00.000",
           "24 July 2012", "1 January 0001", "é", "---", "AFG1;", "Battles", "Civilians", "Afghanistan", "4", "²4",
           "Government of Tajikistan", "State forces", "0\x1f0", "x" * 3000, FORGED]
CONTROL = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Zs", "Nd", "No"))
cell_text = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=20),
                      st.text(alphabet=st.one_of(CONTROL, st.sampled_from("0123456789.,-+eE :;\"")), max_size=12))


def check_import(kind: str, fmt: str, changes: dict[str, str], suffix: str, skip_invalid: bool) -> None:
    """Import 3 records, the second with ``changes``: a valid output of every record (or, with
    ``skip_invalid``, of the valid ones), or problems naming the second record and no output."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records = rows(kind)
        records[1].update(changes)
        src = export(folder, kind, records, fmt)
        out = folder / f"events{suffix}"
        try:
            report = import_file(kind, src, out, skip_invalid=skip_invalid)
        except DataFileError as err:
            assert not out.exists(), "nothing is written when a record is invalid"
            assert err.problems
            where = 3 if fmt == "csv" else 2  # the changed record's first line, or its number
            for p in err.problems:
                assert p.file == str(src) and p.feature_index == where, str(p)
                assert p.item == ("line" if fmt == "csv" else "record")
                assert "\n" not in str(p)
            return
        assert out.exists()
        assert errors_of(out) == [], "the output never holds an event the validator rejects"
        assert event_count(out) == report.written == 3 - report.skipped
        if report.skipped:
            assert skip_invalid and {p.feature_index for p in report.skipped_problems} == {3 if fmt == "csv" else 2}


@settings(max_examples=examples(150), deadline=None)
@given(kind=st.sampled_from(["acled", "ucdp"]), fmt=st.sampled_from(["csv", "json"]), data=st.data(),
       suffix=st.sampled_from([".geojson", ".parquet"]), skip=st.booleans())
def test_any_text_in_any_cell(kind, fmt, data, suffix, skip):
    changes = data.draw(st.dictionaries(st.sampled_from(HEADERS[kind]), cell_text, min_size=1, max_size=3),
                        label="changes")
    check_import(kind, fmt, changes, suffix, skip)


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
@pytest.mark.parametrize("value", ["+1", "²", "٣", "1_000", "NaN", "inf", "1e309", "-0", " 12 ", "3.00", "0001-01-02",
                                   "9999-12-30", "9999-12-31", "0000-01-01", "é", "١٢", "x" * 90, "\x00", "9" * 5000,
                                   "0\x1f0"])
def test_the_cells_that_found_defects(kind, value):
    """The values that once crashed an importer or slipped an invalid event into its output,
    in the numeric, date and id columns of both datasets."""
    columns = {"acled": ["event_id_cnty", "event_date", "year", "time_precision", "iso", "latitude", "geo_precision",
                         "fatalities", "timestamp", "inter1"],
               "ucdp": ["id", "date_start", "date_end", "date_prec", "country_id", "latitude", "where_prec", "best",
                        "low", "deaths_a", "event_clarity"]}[kind]
    ways = [("csv", ".geojson", False), ("csv", ".parquet", True), ("json", ".geojson", True)]
    for i, column in enumerate(columns):  # each column in one of the ways, each way in a third of the columns
        fmt, suffix, skip = ways[i % 3]
        check_import(kind, fmt, {column: value}, suffix, skip)


def test_ucdp_country_unknown_and_a_superscript_gw_number(tmp_path):
    records = rows("ucdp")
    records[1].update(country="Nowhere", country_id="²")  # '²'.isdigit(), and int('²') raises
    with pytest.raises(DataFileError, match=r"line 3 \(id '500001'\): field 'country': 'Nowhere' is not a country"):
        import_file("ucdp", export(tmp_path, "ucdp", records), tmp_path / "e.geojson")


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_both_importers_read_numbers_alike(tmp_path, kind):
    """ASCII digits only (Python's float would take '٣٧' and '1_0'), and a decimal comma, as a
    spreadsheet in a European locale saves it, in both."""
    cases = (("37,25", 37.25), ("+37.25", 37.25), ("٣٧", None), ("1_0", None), ("NaN", None), ("inf", None),
             ("3,7,1", None), (",5", None))
    for i, (value, expected) in enumerate(cases):
        records = rows(kind)
        records[1]["latitude"] = value
        out = tmp_path / f"e{i}.geojson"
        if expected is None:
            with pytest.raises(DataFileError, match=r"line 3 .*field 'latitude': '.*' is not a number"):
                import_file(kind, export(tmp_path, kind, records), out)
            continue
        import_file(kind, export(tmp_path, kind, records), out)
        lats = sorted(f["geometry"]["coordinates"][1] for f in json.loads(out.read_text())["features"])
        assert expected in lats, (value, lats)


@pytest.mark.parametrize("kind, column, value, words", [
    ("acled", "event_id_cnty", "é", r"'é' is not an ACLED event id: it has no ASCII letter or digit"),
    ("acled", "event_id_cnty", "\u202e", r"is not an ACLED event id"),
    ("acled", "event_id_cnty", "A" * 90, r"is 90 characters long, too long for an ACLED event id"),
    ("ucdp", "id", "١٢", r"is not a UCDP event id: it has no ASCII letter or digit"),
    ("ucdp", "id", "1" * 90, r"is 90 characters long, too long for a UCDP event id"),
    ("acled", "event_date", "0001-01-02", r"with time_precision 2: the period around it goes beyond the years 1 to 9999"),
    ("ucdp", "date_start", "9999-12-31", r"with date_prec 3: the period around it goes beyond the years 1 to 9999"),
    ("acled", "notes", "cut\x00off", r"field 'notes': holds a NUL character"),
    ("ucdp", "side_b", "cut\x00off", r"field 'side_b': holds a NUL character"),
])
def test_cells_the_model_cannot_hold_are_problems_of_their_line(tmp_path, kind, column, value, words):
    """An id that makes no model id (or too long a one), a period beyond the calendar, a NUL: each
    was written into an output the validator refused, or raised OverflowError."""
    records = rows(kind)
    records[1][column] = value
    if column == "event_date":
        records[1]["time_precision"] = "2"
    if column == "date_start":
        records[1].update(date_end=value, date_prec="3")
    for skip in (False, True):
        out = tmp_path / f"e{skip}.geojson"
        if not skip:
            with pytest.raises(DataFileError, match=rf"in\.csv: line 3 .*{words}"):
                import_file(kind, export(tmp_path, kind, records, name="in.csv"), out)
            assert not out.exists()
        else:  # the good records are written; the bad one is not, so the output is valid
            report = import_file(kind, export(tmp_path, kind, records, name="in.csv"), out, skip_invalid=True)
            assert (report.written, report.skipped) == (2, 1) and errors_of(out) == []


def test_a_plus_sign_is_a_whole_number_in_acled(tmp_path):
    """Arrow's cast refused '+1' after the pattern had let it through: ArrowInvalid, a traceback."""
    records = rows("acled")
    records[1].update(fatalities="+4", time_precision="+1", geo_precision="+2")
    out = tmp_path / "e.geojson"
    import_file("acled", export(tmp_path, "acled", records), out)
    props = json.loads(out.read_text())["features"]
    event = next(f["properties"] for f in props if f["properties"]["original"]["fatalities"] == "+4")
    assert event["fatalities"][0]["total"] == 4 and event["geo_precision"] == 2


def test_a_nul_is_a_problem_wherever_it_is(tmp_path):
    """A NUL in the first 4 kB made the whole file 'binary'; after it, it went into the events."""
    for position in (1, 150):
        records = rows("acled", 200)
        records[position]["actor1"] = "Synthetic\x00force"
        with pytest.raises(DataFileError) as err:
            import_file("acled", export(tmp_path, "acled", records), tmp_path / "e.geojson")
        (problem,) = err.value.problems
        assert (problem.feature_index, problem.field) == (position + 2, "actor1")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00" * 100 + b"event_id_cnty\x00\x00\x01")
    with pytest.raises(WrongFileError, match="binary file"):
        import_file("acled", junk, tmp_path / "e.geojson")


@pytest.mark.parametrize("kind, column", [("acled", "notes"), ("ucdp", "source_headline")])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_cell_over_the_limit_is_a_problem_of_its_record(tmp_path, kind, column, fmt):
    """ACLED's Arrow reader took a 2 MB cell that the line scan (Python's csv, 1 MiB a cell) then
    refused: with any other problem in the file, csv.Error escaped as a traceback. UCDP refused
    the same cell: now both do, in CSV and in JSON."""
    records = rows(kind)
    records[1][column] = "y" * (2 << 20)
    records[2]["latitude"] = "north"
    with pytest.raises(DataFileError) as err:
        import_file(kind, export(tmp_path, kind, records, fmt), tmp_path / "e.geojson")
    where = (3, 4) if fmt == "csv" else (2, 3)
    assert [p.feature_index for p in err.value.problems] == list(where)
    assert "longer than 1,048,576 characters, the most a cell can hold" in str(err.value.problems[0])


# --- 2. any bytes as the file ------------------------------------------------------------------------

HEADER_LINE = {k: (",".join(h) + "\r\n").encode() for k, h in HEADERS.items()}
JSON_STARTS = [b"", b"[", b'{"data": [', b'{"Result": [{', b'{"status": 200, "data": [{"event_id_cnty": ']


@settings(max_examples=examples(200), deadline=None)
@given(kind=st.sampled_from(["acled", "ucdp"]), start=st.sampled_from(["none", "header", "header+record", "json"]),
       body=st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(
           [b"\x00", b"\n", b"\r", b'"', b",", b";", b"\t", b"{", b"}", b"[", b"]", b":", b"\xef\xbb\xbf", b"\xff",
            b"\xe9", b"\xc3", b" ", b"a", b"1", b"-", b".", b"\\", b"\\ud800", b"null"]), max_size=120).map(b"".join)),
       json_start=st.sampled_from(JSON_STARTS), name=st.sampled_from(["in.csv", "in.json"]),
       suffix=st.sampled_from([".geojson", ".parquet"]))
def test_any_bytes(kind, start, body, json_start, name, suffix):
    head = {"none": b"", "header": HEADER_LINE[kind], "json": json_start,
            "header+record": csv_bytes(kind, rows(kind, 1))}[start]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / name, Path(tmp) / f"events{suffix}"
        src.write_bytes(head + body)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            try:
                import_file(kind, src, out)
            except BordermapError as err:
                assert not out.exists(), "nothing is written"
                assert str(err) and "Traceback" not in str(err)
                for p in getattr(err, "problems", []):
                    assert p.file == str(src) and p.feature_index is not None and p.feature_index >= 1
            else:
                assert errors_of(out) == []
        assert stderr.getvalue() == "", "nothing on stderr (an 'Exception ignored in' from a callback)"
        assert sorted(p.name for p in Path(tmp).iterdir()) in ([name], sorted([name, out.name]))


def test_a_byte_that_is_not_utf8_late_in_the_file(tmp_path, capsys):
    """Arrow met the byte inside its invalid-row callback: 'Exception ignored in ... Traceback' on
    stderr, then a message without the line."""
    src = tmp_path / "latin1.csv"
    src.write_bytes(csv_bytes("acled", rows("acled", 300)) + "Imäm".encode("cp1252"))
    code, out, err = run(capsys, "import", "acled", str(src), "-o", str(tmp_path / "e.geojson"))
    assert code == 2 and out == ""
    assert err == (f"error: {src}: line 302: byte 0xe4 is not UTF-8; save the file as UTF-8 (in Excel: "
                   "'CSV UTF-8')\n")


# --- 3. hostile data on the terminal ---------------------------------------------------------------


@pytest.mark.parametrize("kind, column", [("acled", "event_date"), ("acled", "event_type"), ("acled", "latitude"),
                                          ("acled", "country"), ("acled", "inter2"), ("acled", "sub_event_type"),
                                          ("ucdp", "id"), ("ucdp", "best"), ("ucdp", "country"), ("ucdp", "date_end")])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_hostile_cells_are_escaped_on_the_terminal(tmp_path, capsys, kind, column, fmt):
    records = rows(kind)
    records[1][column] = FORGED
    records[2][column] = "\u202eexe.txt\x9b31m"
    if column == "country":  # else the country comes from ACLED's iso or UCDP's country_id
        for r in records[1:]:
            r["iso" if kind == "acled" else "country_id"] = ""
    src = export(tmp_path, kind, records, fmt)
    code, out, err = run(capsys, "import", kind, str(src), "-o", str(tmp_path / "e.geojson"))
    assert code == 1 and out == "" and not (tmp_path / "e.geojson").exists()
    lines = err.splitlines()
    assert lines[-1] == f"error: {src}: {len(lines) - 1} problem(s); nothing was written"
    assert all(line.startswith(f"{src}: ") for line in lines[:-1])
    assert any("\\x1b[2J" in line or "\\n" in line for line in lines) and any("\\u202e" in line for line in lines)
    code, out, err = run(capsys, "import", kind, str(src), "-o", str(tmp_path / "e.geojson"), "--skip-invalid")
    assert code == 0 and out.endswith("; 2 invalid records skipped\n")


def test_hostile_names_headers_and_json_keys(tmp_path, capsys):
    weird = tmp_path / "x\x1b[2J\n\u202e.csv"
    weird.write_bytes(csv_bytes("acled", rows("acled")))
    code, out, err = run(capsys, "import", "acled", str(weird), "-o", str(tmp_path / "e\x1b[1m.geojson"))
    assert code == 0 and "\\x1b[1m" in out
    dup = tmp_path / "dup.csv"
    forged = FORGED.replace("\n", " ")
    dup.write_bytes(csv_bytes("acled", rows("acled"), header=HEADERS["acled"] + [forged, forged.upper()]))
    code, _, err = run(capsys, "import", "acled", str(dup), "-o", str(tmp_path / "d.geojson"))
    assert code == 2 and err.count("\n") == 1 and "appears twice in the header (columns 32 and 33)" in err
    assert "'x /tmp/events.geojson: valid\\x1b[2j\\x1b[h'" in err
    for kind in ("acled", "ucdp"):  # a header cell with a line break
        broken = tmp_path / f"broken-{kind}.csv"
        broken.write_bytes(csv_bytes(kind, rows(kind), header=HEADERS[kind][:-1] + [FORGED]))
        code, _, err = run(capsys, "import", kind, str(broken), "-o", str(tmp_path / "d.geojson"))
        assert (code, err) == (2, f"error: {broken}: line 1: column {len(HEADERS[kind])} of the header, "
                                  "'x\\n/tmp/events.geojson: valid\\x1b[2J\\x1b[H', holds a line break; a "
                                  "column name is one line: fix the header\n")
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({FORGED: 1, "\u202eatad": []}))
    code, _, err = run(capsys, "import", "acled", str(keys), "-o", str(tmp_path / "k.geojson"))
    assert code == 2 and "JSON that is not an export" in err and err.count("\n") == 1
    with pytest.raises(WrongFileError) as exc:
        import_file("acled", keys, tmp_path / "k.geojson")
    assert no_raw_controls(str(exc.value)), "the library's sentence is safe too, not only the CLI's line"


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["acled", "ucdp"]), column=st.data(), value=cell_text, fmt=st.sampled_from(["csv", "json"]))
def test_the_cli_prints_one_safe_line_per_problem(capsys, kind, column, value, fmt):
    name = column.draw(st.sampled_from(HEADERS[kind]), label="column")
    with tempfile.TemporaryDirectory() as tmp:
        records = rows(kind)
        records[1][name] = value
        src = export(Path(tmp), kind, records, fmt)
        code, out, err = run(capsys, "import", kind, str(src), "-o", str(Path(tmp) / "e.geojson"))
        assert code in (0, 1)
        if code == 1:
            lines = err.splitlines()
            assert lines[-1].startswith(f"error: {src}: ") and lines[-1].endswith("; nothing was written")
            assert all(line.startswith(f"{src}: {'line 3' if fmt == 'csv' else 'record 2'}") for line in lines[:-1])


# --- 4. faults -------------------------------------------------------------------------------------


@pytest.fixture
def acled_csv(tmp_path) -> Path:
    return export(tmp_path, "acled", rows("acled"), name="acled.csv")


def test_output_whose_folder_is_a_file(tmp_path, capsys, acled_csv):
    (tmp_path / "afile").write_text("keep")
    out = tmp_path / "afile" / "e.geojson"
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out))
    assert (code, err) == (2, f"error: cannot write {out}: its folder {tmp_path / 'afile'} is a file, not a folder\n")
    assert (tmp_path / "afile").read_text() == "keep"


@pytest.mark.parametrize("update", [False, True])
def test_output_that_is_a_folder(tmp_path, capsys, acled_csv, update):
    out = tmp_path / "events.geojson"
    out.mkdir()
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out), *(["--update"] if update else []))
    assert code == 2 and "is a folder; give a file name" in err and list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_folder(tmp_path, capsys, acled_csv):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(folder / "e.geojson"))
    assert code == 2 and f"no permission to create files in {folder}; nothing was written" in err
    assert list(folder.iterdir()) == []


def test_a_folder_that_refuses_the_temp_file(tmp_path, capsys, acled_csv, monkeypatch):
    """What a read-only folder does to a user who is not root (the test above, when run as root)."""
    import errno

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    out = tmp_path / "ro" / "e.parquet"
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out))
    assert (code, err) == (2, f"error: cannot write {out}: no permission to create files in {out.parent}; "
                              "nothing was written\n")
    assert not out.exists()


def test_a_fifo_or_a_device_is_never_opened(tmp_path, capsys, acled_csv):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    out = tmp_path / "e.geojson"
    with within(20):
        for path in (fifo, "/dev/zero"):
            code, _, err = run(capsys, "import", "acled", str(path), "-o", str(out))
            assert (code, err) == (2, f"error: {path}: is not a regular file (a named pipe or a device); save the "
                                      "export to a file first\n")
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".parquet", ".geojson"])
def test_update_over_a_fifo_or_a_device(tmp_path, capsys, acled_csv, suffix):
    """Parquet's reader opened a FIFO given as OUTPUT with --update and blocked for ever."""
    fifo = tmp_path / f"events{suffix}"
    os.mkfifo(fifo)
    device = tmp_path / f"zero{suffix}"
    device.symlink_to("/dev/zero")
    with within(20):
        for out in (fifo, device):
            code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out), "--update")
            assert (code, err) == (2, f"error: cannot write {out}: it is not a regular file (a named pipe or a "
                                      "device), so it cannot be updated; nothing was written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["acled.csv", fifo.name, device.name])


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_an_input_without_read_permission(tmp_path, capsys, kind, monkeypatch):
    """``stat`` passes and ``open`` fails (a file of mode 000, for anyone but root): PermissionError
    escaped as a traceback."""
    src = export(tmp_path, kind, rows(kind), name="locked.csv")
    real_open = open

    def locked(file, *args, **kwargs):
        if str(file) == str(src):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    from bordermap.importers import source
    monkeypatch.setattr(source, "open", locked, raising=False)
    code, _, err = run(capsys, "import", kind, str(src), "-o", str(tmp_path / "e.geojson"))
    assert (code, err) == (2, f"error: {src}: cannot be read (Permission denied)\n")
    assert not (tmp_path / "e.geojson").exists()


def test_the_size_limit(tmp_path, capsys, acled_csv, monkeypatch):
    out = tmp_path / "e.parquet"
    assert run(capsys, "import", "acled", str(acled_csv), "-o", str(out))[0] == 0
    before = out.read_bytes()
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "100")
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(tmp_path / "f.geojson"))
    assert (code, err) == (2, f"error: {acled_csv}: is {acled_csv.stat().st_size:,} bytes, over the 100-byte limit "
                              "(set BORDERMAP_MAX_INPUT_BYTES to read larger files)\n")
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out), "--update")
    assert code == 2 and err.startswith(f"error: {out}: is {len(before):,} bytes; the most bordermap reads is 100")
    assert out.read_bytes() == before
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "lots")
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(tmp_path / "f.geojson"))
    assert code == 2 and "BORDERMAP_MAX_INPUT_BYTES='lots' is not a positive whole number" in err
    assert not (tmp_path / "f.geojson").exists()


def _other_parquet(path: Path) -> None:
    pq.write_table(pa.table({"name": ["a", "b"], "age": [1, 2]}), path)


@pytest.mark.parametrize("name, make, words", [
    ("garbage.geojson", lambda p: p.write_text("{not json"), "is not valid JSON"),
    ("empty.geojson", lambda p: p.write_text(""), "is not valid JSON"),
    ("list.geojson", lambda p: p.write_text("[1, 2]"), "it is not an events FeatureCollection, so it cannot be updated"),
    ("bytes.geojson", lambda p: p.write_bytes(b"\x00\xff" * 20), "is not UTF-8 text"),
    ("bad.geojson", lambda p: p.write_text(json.dumps({"type": "FeatureCollection", "features": [{"a": 1}]})),
     r"it is not a valid events file \(\d+ problem\(s\); the first: feature 0: "),
    ("strings.geojson", lambda p: p.write_text(json.dumps({"type": "FeatureCollection", "features": [1, "x"]})),
     "it is not a valid events file"),
    ("other.parquet", _other_parquet, "is not a bordermap events file: column 'id' is missing"),
    ("text.parquet", lambda p: p.write_text("hello"), "is not a readable Parquet file"),
])
def test_update_over_a_file_that_is_not_an_events_file(tmp_path, capsys, acled_csv, name, make, words):
    """Before: a FeatureCollection of non-events was 'updated' (the junk kept, the output invalid)
    and features that were not objects raised AttributeError."""
    out = tmp_path / name
    make(out)
    before = out.read_bytes()
    code, stdout, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out), "--update")
    assert code == 2 and stdout == "" and err.count("\n") == 1
    assert err.startswith("error: ") and str(out) in err
    assert re.search(words, err), err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["acled.csv", name])


@pytest.mark.parametrize("suffix", [".geojson", ".parquet"])
def test_update_over_an_import_of_the_other_dataset(tmp_path, capsys, acled_csv, suffix):
    """Before: the ACLED events were added and the file's dataset block became ACLED's, so the
    UCDP events lost their citation and terms."""
    out = tmp_path / f"ucdp{suffix}"
    ucdp_csv = export(tmp_path, "ucdp", rows("ucdp"), name="ged.csv")
    assert run(capsys, "import", "ucdp", str(ucdp_csv), "-o", str(out))[0] == 0
    before = out.read_bytes()
    code, _, err = run(capsys, "import", "acled", str(acled_csv), "-o", str(out), "--update")
    assert (code, err) == (2, f"error: cannot write {out}: it is an import of UCDP GED, not of ACLED; an update "
                              "adds to an import of the same dataset (one file has one dataset block, with its "
                              "citation and terms): import into a new file; nothing was written\n")
    assert out.read_bytes() == before
    acled_out = tmp_path / f"acled{suffix}"
    assert run(capsys, "import", "acled", str(acled_csv), "-o", str(acled_out))[0] == 0
    code, _, err = run(capsys, "import", "ucdp", str(ucdp_csv), "-o", str(acled_out), "--update")
    assert code == 2 and "it is an import of ACLED, not of UCDP GED" in err
    with pytest.raises(UpdateRefusal):  # the library's error, for the app
        import_file("ucdp", ucdp_csv, acled_out, update=True)


def test_update_with_skip_invalid_keeps_the_event_of_a_record_now_invalid(tmp_path, capsys):
    """Before: the earlier event of a record that became invalid was dropped and named 'no longer
    in the export', though the export still has it."""
    out = tmp_path / "e.geojson"
    records = rows("acled", 4)
    assert run(capsys, "import", "acled", str(export(tmp_path, "acled", records, name="v1.csv")), "-o", str(out))[0] == 0
    records[2]["event_date"] = "2012-02-30"  # ACLED's newer export has a fault in a record it had before
    v2 = export(tmp_path, "acled", records, name="v2.csv")
    code, stdout, err = run(capsys, "import", "acled", str(v2), "-o", str(out), "--update", "--skip-invalid")
    assert code == 0 and "removed" not in err and f"{v2}: line 4 (id '{records[2]['event_id_cnty']}')" in err
    assert stdout == (f"{out}: 0 added, 0 changed, 0 removed, 3 unchanged; 1 kept as they were (their record is "
                      "invalid in this export); 1 invalid records skipped\n")
    ids = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
    assert ids == {"acled-" + r["event_id_cnty"].lower() for r in records} and errors_of(out) == []


def test_ucdp_skip_invalid_does_not_write_a_record_with_a_bad_id(tmp_path):
    """The id's problem was recorded before the mark that decides whether a record has errors, so
    with --skip-invalid the record was written with the id 'ucdp-', which the validator refuses."""
    records = rows("ucdp")
    records[1]["id"] = "#"
    out = tmp_path / "e.geojson"
    report = import_file("ucdp", export(tmp_path, "ucdp", records), out, skip_invalid=True)
    assert (report.written, report.skipped) == (2, 1) and errors_of(out) == []


@pytest.mark.parametrize("older", [True, False])
def test_sigterm_during_the_write(tmp_path, acled_csv, older):
    out, started = tmp_path / "e.geojson", tmp_path / "started"
    if older:
        out.write_text("the older import")
    code, stdout, err = signal_during_write(["import", "acled", str(acled_csv), "-o", str(out), "--force"], started,
                                            signal.SIGTERM)
    assert code == 128 + signal.SIGTERM and stdout == ""
    assert err == f"error: {out}: not written: interrupted by SIGTERM; an earlier file of that name is unchanged\n"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["acled.csv", "started"] + (["e.geojson"] if older else [])), "no temp file, no partial file"
    if older:
        assert out.read_text() == "the older import"


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_a_column_twice_in_the_header(tmp_path, capsys, kind):
    """ACLED refused it; UCDP read the second one and dropped the first without a word."""
    column = {"acled": "notes", "ucdp": "best"}[kind]
    header = HEADERS[kind] + [column.upper() + " "]
    records = rows(kind)
    src = tmp_path / "dup.csv"
    src.write_bytes(csv_bytes(kind, records, header=header))
    code, _, err = run(capsys, "import", kind, str(src), "-o", str(tmp_path / "e.geojson"))
    first = HEADERS[kind].index(column) + 1
    assert (code, err) == (2, f"error: {src}: line 1: the column {column!r} appears twice in the header (columns "
                              f"{first} and {len(header)}); which one holds the value cannot be told: remove or "
                              "rename one\n")


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
@pytest.mark.parametrize("layout", ["csv", "csv without a line end", "csv and blank lines", "json list",
                                    "json export"])
def test_an_export_with_no_records(tmp_path, capsys, kind, layout):
    """Zero records are refused with one sentence, the same for CSV and JSON (before: an empty
    events file, and for ACLED without a final line end an Arrow message): it is what an export
    whose filters match nothing looks like, and as an --update it would have dropped every event."""
    header = HEADER_LINE[kind]
    data = {"csv": header, "csv without a line end": header.rstrip(), "csv and blank lines": header + b"\r\n \r\n\r\n",
            "json list": b"[]", "json export": json_bytes(kind, [])}[layout]
    src = tmp_path / ("export.json" if layout.startswith("json") else "export.csv")
    src.write_bytes(data)
    out = tmp_path / "e.geojson"
    code, _, err = run(capsys, "import", kind, str(src), "-o", str(out))
    what = "an empty list" if layout.startswith("json") else "a header and nothing else"
    assert (code, err) == (2, f"error: {src}: this looks like an export with no records ({what}); there is nothing "
                              "to import and nothing was written (an export whose filters match no event looks "
                              "like this)\n")
    assert not out.exists()
    earlier = export(tmp_path, kind, rows(kind), name="earlier.csv")
    assert run(capsys, "import", kind, str(earlier), "-o", str(out))[0] == 0
    before = out.read_bytes()
    assert run(capsys, "import", kind, str(src), "-o", str(out), "--update")[0] == 2
    assert out.read_bytes() == before
    with pytest.raises(NoRecordsError):
        import_file(kind, src, tmp_path / "f.geojson")


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["features"]


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_a_european_excel_csv(tmp_path, kind):
    """';' between cells and decimal commas: ACLED refused every coordinate ('37,1944' is not a
    number) where UCDP read them."""
    records = rows(kind)
    plain = export(tmp_path, kind, records, name="plain.csv")
    european = [{k: (v.replace(".", ",") if k in ("latitude", "longitude") else v) for k, v in r.items()}
                for r in records]
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"\xef\xbb\xbf" + csv_bytes(kind, european, delimiter=";"))
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson"
    import_file(kind, plain, a)
    import_file(kind, excel, b)
    assert [f["geometry"] for f in _features(a)] == [f["geometry"] for f in _features(b)]
    assert [f["properties"]["id"] for f in _features(a)] == [f["properties"]["id"] for f in _features(b)]


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_a_bom_and_crlf_change_nothing(tmp_path, kind):
    records = rows(kind)
    lf = tmp_path / "lf.csv"
    lf.write_bytes(csv_bytes(kind, records).replace(b"\r\n", b"\n"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + csv_bytes(kind, records))
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson"
    import_file(kind, lf, a)
    import_file(kind, bom, b)
    assert _features(a) == _features(b)


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_windows_1252_bytes(tmp_path, capsys, kind):
    records = rows(kind)
    column = {"acled": "location", "ucdp": "side_b"}[kind]
    records[1][column] = "Imäm Sahib “town”"
    src = tmp_path / "win.csv"
    src.write_bytes(csv_bytes(kind, records).decode().encode("cp1252"))
    code, _, err = run(capsys, "import", kind, str(src), "-o", str(tmp_path / "e.geojson"))
    assert (code, err) == (2, f"error: {src}: line 3: byte 0xe4 is not UTF-8; save the file as UTF-8 (in Excel: "
                              "'CSV UTF-8')\n")


# --- JSON ------------------------------------------------------------------------------------------


def test_json_records_that_are_not_objects_are_named_by_number(tmp_path):
    """ACLED read them as records with every cell empty: a screenful of 'is empty' per record."""
    for kind in ("acled", "ucdp"):
        src = tmp_path / f"{kind}.json"
        src.write_bytes(json_bytes(kind, rows(kind, 2) + ["x", 3, None]))
        with pytest.raises(DataFileError) as err:
            import_file(kind, src, tmp_path / "e.geojson")
        assert [str(p) for p in err.value.problems] == [f"{src}: record 3: is a JSON string, not an object",
                                                        f"{src}: record 4: is a JSON number, not an object",
                                                        f"{src}: record 5: is a JSON null, not an object"]


def test_json_keys_twice_are_refused_not_one_dropped(tmp_path):
    records = rows("acled", 2)
    text = json_bytes("acled", records).decode()
    twice = text.replace('"notes": ', '"notes": "the first one", "notes": ', 1)
    src = tmp_path / "twice.json"
    src.write_text(twice)
    with pytest.raises(DataFileError, match=r"record 1: the key 'notes' appears twice; which value holds cannot be told"):
        import_file("acled", src, tmp_path / "e.geojson")
    records[1]["NOTES"] = "another"
    with pytest.raises(DataFileError, match=r"record 2: the keys 'notes' and 'NOTES' are one column"):
        import_file("acled", export(tmp_path, "acled", records, "json"), tmp_path / "e.geojson")


def test_json_escape_of_half_a_surrogate_pair(tmp_path):
    """A lone \\ud800 became a str no UTF-8 writer could encode: UnicodeEncodeError in Arrow."""
    for kind, column in (("acled", "notes"), ("ucdp", "side_b")):
        text = json_bytes(kind, rows(kind, 2)).decode()
        src = tmp_path / f"{kind}.json"
        src.write_text(text.replace(f'"{column}": "', f'"{column}": "\\ud800', 1))
        with pytest.raises(DataFileError, match=rf"record 1: '{column}' holds an escape such as \\ud800 that"):
            import_file(kind, src, tmp_path / "e.geojson")
        src.write_text(text.replace(f'"{column}": "', f'"{column}": "\\ud83d\\ude00', 1))  # a whole pair: a character
        import_file(kind, src, tmp_path / f"{kind}.geojson")


def test_json_integer_too_long_and_nesting_too_deep(tmp_path):
    """A 5,000-digit number raised ValueError (int max str digits) out of json.loads."""
    src = tmp_path / "big.json"
    src.write_text('{"data": [{"event_id_cnty": "AFG1", "fatalities": ' + "9" * 5000 + "}]}")
    with pytest.raises(BordermapError, match=r"has an integer of 5,000 digits \(line 1, column 51\)"):
        import_file("acled", src, tmp_path / "e.geojson")
    src.write_text('{"data": [' + "[" * 5000 + "]" * 5000 + "]}")
    with pytest.raises(BordermapError, match="nested more than 64 levels deep"):
        import_file("acled", src, tmp_path / "e.geojson")


def test_json_keys_of_later_records_are_kept(tmp_path):
    """The table had every record's keys, but ``original`` only the first record's: a key that
    only later records have was dropped."""
    records = rows("acled", 2)
    records[1]["population_best"] = "1234"
    out = tmp_path / "e.geojson"
    import_file("acled", export(tmp_path, "acled", records, "json"), out)
    originals = {f["properties"]["original"]["event_id_cnty"]: f["properties"]["original"] for f in _features(out)}
    assert originals[records[1]["event_id_cnty"]]["population_best"] == "1234"
    assert all(o == {k: v for k, v in r.items() if v} for o, r in
               zip((originals[r["event_id_cnty"]] for r in records), records))


def test_json_without_the_columns_is_not_called_a_csv(tmp_path):
    src = tmp_path / "x.json"
    src.write_text('{"data": [{"name": "x", "age": 1}]}')
    with pytest.raises(WrongFileError, match=r"this looks like JSON records without ACLED's columns \(expected keys"):
        import_file("acled", src, tmp_path / "e.geojson")
