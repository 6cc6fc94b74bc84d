-- 0003: a checksum of every stored table, recorded when the run is stored (for
-- `govindex store verify`), and the output folders a run was stored for but whose final
-- rename has not been confirmed yet (repaired at the next `govindex run`).

CREATE TABLE table_checksums (
    run_id     VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    row_count  BIGINT NOT NULL,
    checksum   VARCHAR NOT NULL,  -- sha256 of the rows as text, sorted
    PRIMARY KEY (run_id, name)
);

CREATE TABLE pending_folders (
    run_id        VARCHAR NOT NULL,
    folder        VARCHAR NOT NULL,  -- absolute path
    requested_at  VARCHAR NOT NULL   -- UTC ISO 8601
);
