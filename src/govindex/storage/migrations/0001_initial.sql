-- 0001: runs with their manifests, one long scores table, and an index of extra tables.
-- Runs are immutable: nothing in govindex updates or deletes these rows.

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    kind              VARCHAR NOT NULL CHECK (kind IN ('published', 'microdata')),
    spec_hash         VARCHAR NOT NULL,
    data_hash         VARCHAR NOT NULL,
    parameters        VARCHAR NOT NULL,  -- JSON object
    package_versions  VARCHAR NOT NULL,  -- JSON object
    seed              BIGINT,
    created_at        VARCHAR NOT NULL,  -- UTC ISO 8601
    source            VARCHAR NOT NULL,
    supersedes        VARCHAR,
    synthetic         BOOLEAN NOT NULL,
    stored_at         VARCHAR NOT NULL   -- UTC ISO 8601
);

CREATE TABLE scores (
    run_id         VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    province       VARCHAR NOT NULL,
    level          VARCHAR NOT NULL
                   CHECK (level IN ('indicator', 'subdimension', 'dimension', 'total')),
    code           VARCHAR NOT NULL,
    name           VARCHAR,
    estimate       DOUBLE,
    se             DOUBLE,
    ci_low         DOUBLE,
    ci_high        DOUBLE,
    n              BIGINT,
    "rank"         INTEGER,
    rank_low       INTEGER,
    rank_high      INTEGER,
    "group"        VARCHAR,
    suppressed     BOOLEAN NOT NULL,
    withheld       BOOLEAN NOT NULL,
    source_file    VARCHAR,
    source_sheet   VARCHAR,
    source_row     INTEGER,
    source_column  VARCHAR,
    source_url     VARCHAR,
    PRIMARY KEY (run_id, year, province, level, code)
);

CREATE TABLE run_tables (
    run_id        VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    storage_name  VARCHAR NOT NULL UNIQUE,
    row_count     BIGINT NOT NULL,
    PRIMARY KEY (run_id, name)
);
