-- A dataset's markers are told apart by a mark at their centre (project.toml `mark`); a marker's
-- shape now shows the event type. The old shapes become the marks project.toml reads them as;
-- the default 'circle' becomes NULL (the first mark no other dataset has).
ALTER TABLE datasets RENAME COLUMN shape TO mark;
ALTER TABLE datasets ALTER COLUMN mark DROP NOT NULL;
ALTER TABLE datasets ALTER COLUMN mark DROP DEFAULT;
UPDATE datasets SET mark = CASE mark WHEN 'square' THEN 'dot' WHEN 'diamond' THEN 'ring'
                                     WHEN 'triangle' THEN 'bar' ELSE NULL END;

-- Proposed events (bordermap ingest) carry their proposal and its evidence; accepted ones their
-- provenance (report, proposer, reviewer, time). Key order is part of the value: json.
ALTER TABLE events ADD COLUMN proposal json;
ALTER TABLE events ADD COLUMN provenance json;
