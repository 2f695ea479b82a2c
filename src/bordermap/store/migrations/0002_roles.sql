-- Roles the database enforces. Give people a login role of their own and one of these:
--   GRANT bordermap_reader TO alice;   -- browse and export
--   GRANT bordermap_editor TO bob;     -- also edit events, review proposals, decide links
--   GRANT bordermap_admin  TO carol;   -- also load and replace datasets, delete events
-- The roles are the server's (shared by every store on it); the grants are this database's.
-- history is append-only for everyone but the owner: no role may rewrite what happened.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bordermap_reader') THEN
        CREATE ROLE bordermap_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bordermap_editor') THEN
        CREATE ROLE bordermap_editor NOLOGIN IN ROLE bordermap_reader;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bordermap_admin') THEN
        CREATE ROLE bordermap_admin NOLOGIN IN ROLE bordermap_editor;
    END IF;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bordermap_reader;
GRANT SELECT ON project, datasets, events, claims, sources, actors, links, proposals, reviews, history,
    schema_version TO bordermap_reader;

GRANT UPDATE ON events TO bordermap_editor;
GRANT INSERT, DELETE ON claims, sources, actors TO bordermap_editor;
GRANT INSERT, UPDATE, DELETE ON links TO bordermap_editor;
GRANT INSERT, UPDATE ON proposals TO bordermap_editor;
GRANT INSERT ON reviews, history TO bordermap_editor;
GRANT USAGE ON SEQUENCE history_id_seq, proposals_id_seq, reviews_id_seq TO bordermap_editor;

GRANT INSERT, UPDATE, DELETE ON project, datasets, events TO bordermap_admin;
GRANT DELETE ON proposals, reviews TO bordermap_admin;
