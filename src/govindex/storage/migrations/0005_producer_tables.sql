-- 0005: what pages publish is worked out when a run is stored, not when a page is asked.
-- Runs stored before get the tables their producers now write (PAPI's 34-unit table,
-- `units_2025`); the Python step of this version (govindex.storage.upgrade) asks the
-- registered producers for them. No column of an existing table changes.
SELECT 1;
