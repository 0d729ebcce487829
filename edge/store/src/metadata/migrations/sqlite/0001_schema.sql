-- MudRock metadata, embedded (SQLite, the default with no server): the same tables as on PostgreSQL, times as
-- RFC 3339 text. SQLite has no row-level security: the embedded store scopes every statement to the caller's
-- project itself (metadata/sql.rs), and the behaviour suite checks the isolation on both stores.

CREATE TABLE IF NOT EXISTS projects (
    project_id  text PRIMARY KEY,
    name        text NOT NULL,
    created_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS wells (
    project_id  text NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
    well_id     text NOT NULL,
    name        text,
    uwi         text,
    api         text,
    lat         real,
    lon         real,
    depth_unit  text,
    updated_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (project_id, well_id)
);

CREATE TABLE IF NOT EXISTS wellbores (
    project_id   text NOT NULL,
    well_id      text NOT NULL,
    wellbore_id  text NOT NULL,
    name         text,
    PRIMARY KEY (project_id, well_id, wellbore_id),
    FOREIGN KEY (project_id, well_id) REFERENCES wells(project_id, well_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS logs (
    project_id   text NOT NULL,
    well_id      text NOT NULL,
    log_id       text NOT NULL,
    sha256       text NOT NULL,
    source_file  text NOT NULL,
    rows         integer NOT NULL,
    PRIMARY KEY (project_id, well_id, log_id),
    FOREIGN KEY (project_id, well_id) REFERENCES wells(project_id, well_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS curves (
    project_id  text NOT NULL,
    well_id     text NOT NULL,
    log_id      text NOT NULL,
    mnemonic    text NOT NULL,
    unit        text NOT NULL,
    family      text NOT NULL,
    min         real,
    max         real,
    PRIMARY KEY (project_id, well_id, log_id, mnemonic),
    FOREIGN KEY (project_id, well_id, log_id) REFERENCES logs(project_id, well_id, log_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS tops (
    project_id  text NOT NULL,
    well_id     text NOT NULL,
    name        text NOT NULL,
    md          real NOT NULL,
    source      text NOT NULL,
    PRIMARY KEY (project_id, well_id, name, source),
    FOREIGN KEY (project_id, well_id) REFERENCES wells(project_id, well_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS ingests (
    project_id   text NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
    ingest_id    text NOT NULL,
    file_name    text NOT NULL,
    sha256       text NOT NULL,
    status       text NOT NULL,
    message      text,
    started_at_ms  integer NOT NULL,
    finished_at_ms integer,
    PRIMARY KEY (project_id, ingest_id)
);

CREATE TABLE IF NOT EXISTS pipeline_executions (
    project_id    text NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
    content_hash  text NOT NULL,
    pipeline      text NOT NULL,
    status        text NOT NULL,
    logs_uri      text,
    started_at_ms  integer NOT NULL,
    finished_at_ms integer,
    PRIMARY KEY (project_id, content_hash)
);
