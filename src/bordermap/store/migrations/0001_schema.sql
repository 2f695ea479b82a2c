-- The team store: a project's events, the records they are built from, and who changed what.
-- Columns of events, claims, sources and actors follow the events JSON Schema one to one
-- (bordermap.store.columns derives the expected list; tests/test_store_schema.py compares).
-- json (not jsonb) where the key order of a value is part of it: a claim's breakdown, an
-- imported record's original columns, a dataset block; exports write them in that order.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE project (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    settings  jsonb NOT NULL
);

CREATE TABLE datasets (
    name      text PRIMARY KEY,
    position  integer NOT NULL,
    title     text NOT NULL,
    credit    text NOT NULL DEFAULT '',
    shape     text NOT NULL DEFAULT 'circle',
    visible   boolean NOT NULL DEFAULT true,
    file_name text,
    article   json,
    info      json,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by text NOT NULL DEFAULT current_user
);

CREATE TABLE events (
    id              text PRIMARY KEY,
    dataset         text NOT NULL REFERENCES datasets (name) ON DELETE CASCADE,
    position        integer NOT NULL,           -- the feature's index in the file it came from
    feature_id      text,
    title           text NOT NULL,
    summary         text NOT NULL,
    date_start      date NOT NULL,
    date_end        date NOT NULL,
    day_start       integer GENERATED ALWAYS AS (date_start - DATE '1970-01-01') STORED,
    day_end         integer GENERATED ALWAYS AS (date_end - DATE '1970-01-01') STORED,
    date_precision  text NOT NULL,
    date_note       text,
    location        text NOT NULL,
    admin1          text,
    country         text NOT NULL,
    geo_precision   bigint NOT NULL,
    place_ids       text[],
    location_note   text,
    event_type      text NOT NULL,
    sub_event_type  text NOT NULL,
    article_refs    bigint[] NOT NULL,
    confidence      text NOT NULL,
    confidence_note text NOT NULL,
    corrections     json,
    tags            text[],
    original        json,
    geom            geometry NOT NULL CHECK (ST_SRID(geom) = 4326),
    revision        integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT current_user
);
CREATE INDEX events_geom ON events USING gist (geom);
CREATE INDEX events_days ON events (day_start, day_end);
CREATE INDEX events_dataset ON events (dataset, position);

-- An event's fatality claims, sources and actors, in the order the event lists them.
CREATE TABLE claims (
    event_id    text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    source      text NOT NULL,
    total       bigint,
    low         bigint,
    high        bigint,
    scope       text,
    counts      text,
    approximate boolean,
    breakdown   json,
    date        text,
    note        text,
    PRIMARY KEY (event_id, position)
);

CREATE TABLE sources (
    event_id   text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   integer NOT NULL,
    name       text NOT NULL,
    kind       text NOT NULL,
    url        text,
    date       text,
    relayed_by text,
    note       text,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX sources_name ON sources (name);

CREATE TABLE actors (
    event_id text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position integer NOT NULL,
    name     text NOT NULL,
    role     text NOT NULL,
    inter    text,
    aliases  text[],
    note     text,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX actors_name ON actors (name);

-- Links between records of the same event in two datasets, as the analysts decided them.
CREATE TABLE links (
    a          text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    b          text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    decision   text NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    note       text,
    decided_by text NOT NULL DEFAULT current_user,
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a, b),
    CHECK (a < b)
);

-- Proposed changes from ingest, and their reviews (filled by the ingest work).
CREATE TABLE proposals (
    id          bigserial PRIMARY KEY,
    event_id    text,
    kind        text NOT NULL CHECK (kind IN ('new', 'change', 'delete')),
    payload     jsonb NOT NULL,
    base_revision integer,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    proposed_by text NOT NULL DEFAULT current_user,
    proposed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reviews (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    decision    text NOT NULL CHECK (decision IN ('accept', 'reject', 'comment')),
    note        text,
    reviewed_by text NOT NULL DEFAULT current_user,
    reviewed_at timestamptz NOT NULL DEFAULT now()
);

-- Every change: who, when, what, and the event before and after (null when created/deleted).
CREATE TABLE history (
    id         bigserial PRIMARY KEY,
    event_id   text,
    dataset    text,
    action     text NOT NULL CHECK (action IN ('load', 'insert', 'update', 'delete')),
    revision   integer,
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    fields     text[],
    before     jsonb,
    after      jsonb
);
CREATE INDEX history_event ON history (event_id, id);
