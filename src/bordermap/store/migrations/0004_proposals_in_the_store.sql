-- Proposals from `bordermap ingest --store`, accepted by `bordermap accept --store`: one row per
-- proposed event. payload is the Feature as ingest writes it into a proposals file; json, not
-- jsonb, so its keys keep their order (the accepted event's provenance is built from it).
-- event_id is the proposal's id: at most one open proposal per id.
ALTER TABLE proposals ALTER COLUMN payload TYPE json USING payload::json;
CREATE UNIQUE INDEX proposals_open ON proposals (event_id) WHERE status = 'open';

-- Editors review proposals (docs/store.md): accepting one adds an event.
GRANT INSERT ON events TO bordermap_editor;
