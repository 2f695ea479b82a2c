"""Write the import test fixtures: small files in each ACLED and UCDP GED layout.

Every row is synthetic (bordermap.synthetic_exports: made-up actors and notes on real towns),
edited here to exercise one layout or one fault each. Never real ACLED rows (ACLED's terms
forbid redistributing them). Re-run after changing the generator:

    .venv/bin/python tests/data/import/make_fixtures.py
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bordermap.importers.ucdp import COLUMNS as UCDP_COLUMNS
from bordermap.io.acled import ACLED_COLUMNS
from bordermap.synthetic_exports import acled_rows, ucdp_rows

HERE = Path(__file__).parent

#: ACLED's layout before 20 March 2023 (acledR's old codebook order).
OLD_ACLED = ("data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
             "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
             "inter2", "interaction", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
             "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp", "iso3")
#: An older GED order (as public readers of ged191.csv name it), fewer columns than 23.1.
OLD_UCDP = ("id", "year", "active_year", "type_of_violence", "conflict_new_id", "conflict_name", "dyad_new_id",
            "dyad_name", "side_a_new_id", "gwnoa", "side_a", "side_b_new_id", "gwnob", "side_b", "number_of_sources",
            "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
            "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country",
            "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
            "deaths_civilians", "deaths_unknown", "low", "best", "high")
_CODE = {"State forces": "1", "Rebel group": "2", "Political militia": "3", "Identity militia": "4", "Rioters": "5",
         "Protesters": "6", "Civilians": "7", "External/Other forces": "8", "": "0"}


def write(name: str, header, rows, *, bom: bool = False, crlf: bool = False, with_header: bool = True) -> None:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    if with_header:
        w.writerow(header)
    for r in rows:
        w.writerow([r.get(c.lower(), "") for c in header])
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


def acled() -> None:
    rows = list(acled_rows(6, seed=3))
    rows[0]["notes"] = 'On 24 July 2012, a "special operation" began, with commas, quotes\nand a line break.'
    rows[0].update(event_date="2012-07-24", year="2012", time_precision="1", source="Asia-Plus; RFE/RL;Reuters",
                   fatalities="42", tags="crowd size=no report")
    rows[1].update(event_date="24 July 2012", year="2012", time_precision="2")
    rows[2].update(event_date="2012-07-15", year="2012", time_precision="3", geo_precision="3", notes="")
    rows[3].update(assoc_actor_1="Synthetic allies (Tajikistan); Synthetic militia (Tajikistan)")
    write("acled_current.csv", ACLED_COLUMNS, rows, bom=True, crlf=True)

    old = []
    for i, r in enumerate(acled_rows(4, seed=4)):
        r = dict(r, data_id=str(9000 + i), event_id_no_cnty=r["event_id_cnty"][3:], iso3=r["event_id_cnty"][:3],
                 event_date=f"{int(r['event_date'][8:]):02d}-{r['event_date'][5:7]}-{r['event_date'][:4]}")
        r["inter1"], r["inter2"] = _CODE[r["inter1"]], _CODE[r["inter2"]]
        r["interaction"] = "".join(sorted(c for c in (r["inter1"], r["inter2"]) if c != "0")).ljust(2, "0")
        old.append(r)
    write("acled_old_layout.csv", OLD_ACLED, old)
    write("acled_upper_case.csv", tuple(c.upper() for c in ACLED_COLUMNS),
          [{k.lower(): v for k, v in r.items()} for r in acled_rows(3, seed=5)])

    api = []
    for r in acled_rows(3, seed=6):
        rec = dict(r)
        rec["fatalities"], rec["latitude"] = int(rec["fatalities"]), float(rec["latitude"])
        rec["timestamp"] = int(rec["timestamp"])
        api.append(rec)
    (HERE / "acled_api.json").write_text(json.dumps({"status": 200, "success": True, "count": len(api), "data": api},
                                                    indent=1) + "\n", "utf-8")

    bad = list(acled_rows(8, seed=8))
    bad[0]["event_date"] = "2012-02-30"
    bad[1]["event_type"] = "Skirmish"
    bad[2]["latitude"] = "137.5"
    bad[3]["actor1"] = ""
    bad[4]["inter2"] = "Bandits"
    bad[5]["event_id_cnty"] = bad[6]["event_id_cnty"]
    bad[7]["fatalities"] = "many"
    write("acled_bad_rows.csv", ACLED_COLUMNS, bad)
    text = (HERE / "acled_bad_rows.csv").read_text("utf-8")
    lines = text.split("\n")
    lines.insert(3, lines[3].rsplit(",", 3)[0])  # a line cut short
    (HERE / "acled_bad_rows.csv").write_text("\n".join(lines), "utf-8")

    v1 = list(acled_rows(5, seed=9))
    write("acled_update_v1.csv", ACLED_COLUMNS, v1)
    v2 = [dict(r) for r in v1] + list(acled_rows(1, seed=10))
    v2[1]["fatalities"] = str(int(v2[1]["fatalities"]) + 3)  # ACLED revised the toll
    v2[1]["timestamp"] = str(int(v2[1]["timestamp"]) + 86400)
    del v2[2]  # ACLED deleted the event
    v2[-1]["event_id_cnty"] = "TJK999999"
    write("acled_update_v2.csv", ACLED_COLUMNS, v2)


def ucdp() -> None:
    rows = list(ucdp_rows(8, seed=3))
    for i, r in enumerate(rows):
        r["where_prec"] = str(i % 7 + 1)
        r["date_prec"] = str(i % 5 + 1)
    rows[0]["where_description"] = 'Near the "bridge",\nsouth bank'
    rows[4].update(low="18", best="18", high="17", deaths_a="18", deaths_b="0", deaths_civilians="0",
                   deaths_unknown="0")  # UCDP's own data has such rows
    rows[5]["number_of_sources"] = "-1"
    d = rows[2]["date_start"]
    rows[2]["date_end"] = d  # date_prec 3 with one day: must not become a single day
    write("ged231.csv", UCDP_COLUMNS, rows)
    write("ged201_older_order.csv", OLD_UCDP, list(ucdp_rows(4, seed=4)))
    cand = list(ucdp_rows(3, seed=5))
    cand[0]["code_status"] = "Check geography"
    write("gedevents_candidate_noheader.csv", UCDP_COLUMNS, cand, with_header=False)
    api = [dict(r) for r in ucdp_rows(2, seed=6)]
    for rec in api:
        for k in ("id", "best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
                  "where_prec", "date_prec", "type_of_violence"):
            rec[k] = int(rec[k])
    (HERE / "ucdp_api.json").write_text(json.dumps({"TotalCount": 2, "TotalPages": 1, "Result": api}, indent=1)
                                        + "\n", "utf-8")


if __name__ == "__main__":
    acled()
    ucdp()
