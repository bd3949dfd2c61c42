-- One table for every single-use token (lib/tokens), keyed by purpose. The confirmation tokens move
-- over with their digests, so the links already in inboxes keep working.
CREATE TABLE "tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tokens_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "tokens_token_hash_key" ON "tokens"("token_hash");

CREATE INDEX "tokens_user_id_purpose_idx" ON "tokens"("user_id", "purpose");

CREATE INDEX "tokens_expires_at_idx" ON "tokens"("expires_at");

ALTER TABLE "tokens" ADD CONSTRAINT "tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "tokens" ("id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at")
SELECT "id", "user_id", 'confirm-email', "token_hash", "expires_at", "used_at", "created_at"
  FROM "confirmation_tokens";

DROP TABLE "confirmation_tokens";

-- The kinds of email are declared in code (lib/email/email-kinds.ts): a new kind needs no migration.
ALTER TABLE "email_deliveries" ALTER COLUMN "kind" SET DATA TYPE TEXT USING "kind"::text;

DROP TYPE "email_kind";
