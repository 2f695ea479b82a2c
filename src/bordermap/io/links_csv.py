"""Links as CSV: one row per link, both events side by side, safe to open in a spreadsheet.

Every text cell goes through :func:`bordermap.io.acled._cell` (the ACLED writer's guard): a cell
a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@`` first, also after blanks and
invisible characters) is written with a leading apostrophe.

================ ==============================================================================
column           what it holds
================ ==============================================================================
a_dataset, a_id  the first dataset's name and the event's id (``acled-afg51001``)
b_dataset, b_id  the same for the second dataset
score            0..1, three decimals (``docs/links.md`` says what it weighs)
rank_a, rank_b   the link's place among the first / second event's links (1 = best)
best             ``yes`` for a mutual best match
status           ``proposed`` by the rules or ``confirmed`` by an analyst
proposed         ``yes`` when the rules propose it (a confirmed link may be beyond them)
reasons          the evidence in words
a_dates, b_dates ISO 8601: ``2012-07-24`` or ``2012-07-21/2012-07-27``
a_place, b_place the place's name and its anchor point (lat, lon)
a_fatalities,    the fatality range as the panel says it (``12``, ``16–20``)
b_fatalities
decided_by,      who confirmed the link, when, why (blank for a proposed one)
decided_at, note
================ ==============================================================================
"""

from __future__ import annotations

import csv
import io
import math
from typing import Iterable

from bordermap.io.acled import _cell
from bordermap.links.results import Link

__all__ = ["LINK_CSV_COLUMNS", "links_csv"]

LINK_CSV_COLUMNS: tuple[str, ...] = (
    "a_dataset", "a_id", "b_dataset", "b_id", "score", "rank_a", "rank_b", "best", "status", "proposed",
    "reasons", "a_dates", "b_dates", "a_place", "b_place", "a_fatalities", "b_fatalities",
    "decided_by", "decided_at", "note",
)


def _row(link: Link) -> list[object]:
    values = {name: getattr(link, name) for name in LINK_CSV_COLUMNS}
    values["score"] = "" if math.isnan(link.score) else f"{link.score:.3f}"
    values["best"] = "yes" if link.best else "no"
    values["proposed"] = "yes" if link.proposed else "no"
    return [_cell(name, values[name]) for name in LINK_CSV_COLUMNS]


def links_csv(links: Iterable[Link]) -> str:
    """CSV text (RFC 4180: comma, double quotes, CRLF) with a header and a row per link, in the
    order given (:class:`~bordermap.links.Links` iterates as ranked)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LINK_CSV_COLUMNS)
    for link in links:
        writer.writerow(_row(link))
    return out.getvalue()
