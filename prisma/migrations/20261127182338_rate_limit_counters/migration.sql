-- The counters of the rate limits (lib/rate-limit), in the layout rate-limiter-flexible's PostgreSQL
-- store uses. Their own schema keeps them out of Prisma's models and drift checks, which cover
-- "public" only. Keys are SHA-256 digests, so no address or IP is stored in clear.
CREATE SCHEMA IF NOT EXISTS "rate_limit";

CREATE TABLE "rate_limit"."counters" (
    "key" VARCHAR(255) PRIMARY KEY,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT
);
