"""A new report in, proposed events out: ``bordermap ingest`` and ``bordermap accept``.

Read a report (:func:`read_report`), propose the events it tells of with each field's evidence
(:func:`ingest_report`), and move the proposals an analyst accepts into an events file with
their provenance (:func:`accept_proposals`). Rules, model provenance and limits: docs/ingest.md.
"""

from bordermap.ingest.accept import AcceptRefusal, accept_proposals
from bordermap.ingest.propose import ingest_report, proposer_label
from bordermap.ingest.report import MAX_REPORT_BYTES, ReportError, read_report

__all__ = ["AcceptRefusal", "MAX_REPORT_BYTES", "ReportError", "accept_proposals", "ingest_report",
           "proposer_label", "read_report"]
