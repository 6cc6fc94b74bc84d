-- 0006: the scorecard (one province across the instruments) and the instruments' rank
-- agreement are stored, not computed when a store is opened. Both tables are derived:
-- every producer rewrites them in the transaction that stores its run, and this
-- migration's Python step fills them for the runs already stored. They read only the runs,
-- run_tables and score tables of 0001-0004, so they apply after any 0005.

CREATE TABLE scorecard (
    province       VARCHAR NOT NULL,
    province_key   VARCHAR NOT NULL,
    instrument     VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    period         VARCHAR,
    estimate       DOUBLE,
    se             DOUBLE,
    ci_low         DOUBLE,
    ci_high        DOUBLE,
    rank           INTEGER,
    rank_low       INTEGER,
    rank_high      INTEGER,
    ranked         INTEGER,
    "group"        INTEGER,
    group_label    VARCHAR,
    change         DOUBLE,
    change_note    VARCHAR,
    source_kind    VARCHAR NOT NULL CHECK (source_kind IN ('computed', 'official', 'reported')),
    run_id         VARCHAR,
    source_url     VARCHAR,
    status         VARCHAR,
    reason         VARCHAR,
    synthetic      BOOLEAN NOT NULL
);

CREATE TABLE agreement (
    year           INTEGER NOT NULL,
    "first"        VARCHAR NOT NULL,
    "second"       VARCHAR NOT NULL,
    first_source   VARCHAR NOT NULL,
    second_source  VARCHAR NOT NULL,
    provinces      INTEGER NOT NULL,
    rho            DOUBLE,
    low            DOUBLE,
    high           DOUBLE,
    level          DOUBLE,
    method         VARCHAR NOT NULL,
    synthetic      BOOLEAN NOT NULL
);
