-- A queued email wakes the workers (lib/email/send-email-job.ts, outboxWakeChannel): the NOTIFY is
-- sent when the transaction that queued the email commits, and PostgreSQL folds a transaction's
-- identical notifications into one, however many emails it queued.
CREATE FUNCTION "notify_email_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('email_outbox', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "email_deliveries_notify_outbox"
  AFTER INSERT ON "email_deliveries"
  FOR EACH ROW WHEN (NEW."status" = 'queued')
  EXECUTE FUNCTION "notify_email_outbox"();
