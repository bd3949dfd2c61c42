-- AlterTable
ALTER TABLE "email_deliveries" ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);
