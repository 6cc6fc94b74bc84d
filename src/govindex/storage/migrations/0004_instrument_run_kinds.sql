-- 0004: runs of every instrument in one store. A PAR Index run is scored from appraised
-- self-assessments (kind 'assessment'), a one-stop 766 run from dossier records (kind
-- 'records'); PAPI and SIPAS keep 'published' and 'microdata'. DuckDB cannot alter a CHECK
-- constraint, so the runs table is copied into one with the wider check.

CREATE TABLE runs_v4 (
    run_id            VARCHAR PRIMARY KEY,
    kind              VARCHAR NOT NULL
                      CHECK (kind IN ('published', 'microdata', 'assessment', 'records')),
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

INSERT INTO runs_v4 SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;
