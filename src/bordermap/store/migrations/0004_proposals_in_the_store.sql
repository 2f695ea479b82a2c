-- Proposals from `bordermap ingest --store`, accepted by `bordermap accept --store`: one row per
-- proposed event. payload is the Feature as ingest writes it into a proposals file; json, not
-- jsonb, so its keys keep their order (the accepted event's provenance is built from it).
-- event_id is the proposal's id: at most one open proposal per id.
ALTER TABLE proposals ALTER COLUMN payload TYPE json USING payload::json;
CREATE UNIQUE INDEX proposals_open ON proposals (event_id) WHERE status = 'open';

-- Editors review proposals (docs/store.md): accepting one adds an event.
GRANT INSERT ON events TO bordermap_editor;

-- An undo is a change of its own (`bordermap db undo`), naming the change it reverts; a change is
-- undone once. before/after become json, as the events' own values are: an event restored from
-- history is the event as it was, its values' keys in their order.
ALTER TABLE history ALTER COLUMN before TYPE json USING before::json,
                    ALTER COLUMN after TYPE json USING after::json,
                    ADD COLUMN undoes bigint REFERENCES history (id);
CREATE UNIQUE INDEX history_undoes ON history (undoes);

-- Who changed what, as the database knows it: changed_by is the name the application gives (an
-- analyst's), login the PostgreSQL user that made the change, which no role can set (editors may
-- insert every other column of history, not this one).
ALTER TABLE history ADD COLUMN login text NOT NULL DEFAULT session_user;
REVOKE INSERT ON history FROM bordermap_editor;
GRANT INSERT (event_id, dataset, action, revision, changed_by, changed_at, fields, before, after, undoes)
    ON history TO bordermap_editor;
