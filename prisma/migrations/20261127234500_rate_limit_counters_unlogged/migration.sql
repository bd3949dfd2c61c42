-- Every sign-up and resend writes these counters before it answers (lib/rate-limit). Unlogged, a
-- write is not flushed to disk at commit (measured: 0.1 ms instead of 0.7 ms an upsert). The price:
-- a crash of PostgreSQL (not a clean restart) empties the table, and standbys do not have it, so the
-- limits start counting afresh after a crash or a failover: they guard minutes, not history.
ALTER TABLE "rate_limit"."counters" SET UNLOGGED;
