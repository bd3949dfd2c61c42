-- Bulk imports (lib/imports, ADR 040): the uploader's API keys, each uploaded file with its bytes
-- in chunks, and every row's outcome. Imported users have no password until they accept their invitation.
-- CreateEnum
CREATE TYPE "import_state" AS ENUM ('received', 'awaiting_metadata', 'queued', 'processing', 'completed', 'completed_with_errors', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "import_format" AS ENUM ('csv', 'ndjson');

-- CreateEnum
CREATE TYPE "import_notify" AS ENUM ('invite', 'confirm', 'none');

-- CreateEnum
CREATE TYPE "import_on_conflict" AS ENUM ('skip', 'update', 'fail');

-- CreateEnum
CREATE TYPE "import_row_outcome" AS ENUM ('pending', 'created', 'updated', 'skipped', 'failed');

-- AlterTable
ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "imports" (
    "id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,
    "state" "import_state" NOT NULL DEFAULT 'received',
    "format" "import_format" NOT NULL,
    "idempotency_key" TEXT,
    "body_sha256" BYTEA NOT NULL,
    "bytes" INTEGER NOT NULL,
    "metadata_at" TIMESTAMPTZ(3),
    "source" TEXT,
    "batch" TEXT,
    "notify" "import_notify",
    "on_conflict" "import_on_conflict",
    "validate_only" BOOLEAN,
    "rows" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "parsed_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_chunks" (
    "import_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "import_chunks_pkey" PRIMARY KEY ("import_id","seq")
);

-- CreateTable
CREATE TABLE "import_rows" (
    "import_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "outcome" "import_row_outcome" NOT NULL,
    "reason" TEXT,

    CONSTRAINT "import_rows_pkey" PRIMARY KEY ("import_id","line")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "imports_api_key_id_received_at_idx" ON "imports"("api_key_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "imports_api_key_id_idempotency_key_key" ON "imports"("api_key_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "imports_finished_at_idx" ON "imports"("finished_at");

-- AddForeignKey
ALTER TABLE "imports" ADD CONSTRAINT "imports_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The stored file is read once by the worker and deleted when the import finishes: compressing it
-- would cost the upload CPU for space held only minutes.
ALTER TABLE "import_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
