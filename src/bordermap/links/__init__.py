"""The same event in several datasets: candidate links between two datasets' records, scored,
ranked and explained; analysts' decisions on them; how well the rules do.

Pure: no Streamlit, no files. Typical use::

    links = candidate_links(acled, ucdp, a_name="ACLED", b_name="UCDP GED")
    links = apply_decisions(links, decisions)      # confirmed kept, rejected gone
    for link in links.of_event("acled-afg40001"):  # best first
        print(link.score, link.reasons)

The rules and their numbers: :mod:`bordermap.links.rules` and ``docs/links.md``.
"""

from bordermap.links.compare import figures_line, side_by_side
from bordermap.links.decisions import (DECISION_STATUSES, LinkDecision, apply_decisions, decide,
                                       decisions_from_json, decisions_to_json)
from bordermap.links.match import EARTH_RADIUS_KM, candidate_links, missing_links, pair_links
from bordermap.links.quality import LinkQuality, link_quality
from bordermap.links.results import LINK_TABLE_SCHEMA, Link, Links
from bordermap.links.rules import (DATE_TOLERANCE_DAYS, GEO_SHARPNESS, RADIUS_KM, TYPE_CLASSES, TYPE_COMPATIBILITY,
                                   WEIGHTS, LinkRules)

__all__ = [
    "candidate_links", "pair_links", "missing_links", "Link", "Links", "LINK_TABLE_SCHEMA",
    "LinkRules", "DATE_TOLERANCE_DAYS", "RADIUS_KM", "GEO_SHARPNESS", "TYPE_CLASSES", "TYPE_COMPATIBILITY", "WEIGHTS",
    "EARTH_RADIUS_KM",
    "LinkDecision", "DECISION_STATUSES", "decide", "apply_decisions", "decisions_to_json", "decisions_from_json",
    "LinkQuality", "link_quality", "side_by_side", "figures_line",
]
