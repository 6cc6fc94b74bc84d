-- 0002: one code scheme for every source. Computed runs coded dimensions D1…D8 while the
-- official record coded them 1…8; both now use 1…8. The numbers themselves are unchanged.
-- The run's extra tables (named per run) are upgraded by the Python step of this version
-- (govindex.storage.upgrade), in the same transaction.

UPDATE scores SET code = substr(code, 2)
WHERE level = 'dimension' AND regexp_matches(code, '^D[0-9]+$');
