-- Outbox ordering and wake-up for the relay (packages/common/src/events/relay.ts).
-- seq: assigned at insert; writes to one aggregate are serialised by its row lock, so seq follows
-- commit order per aggregate, which is the order the relay publishes in.
ALTER TABLE office.outbox ADD COLUMN seq BIGSERIAL NOT NULL;
CREATE UNIQUE INDEX outbox_seq_key ON office.outbox (seq);

-- NOTIFY is delivered at commit, so the relay wakes exactly when committed events are waiting.
CREATE OR REPLACE FUNCTION office.notify_outbox() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('office_outbox', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outbox_notify AFTER INSERT ON office.outbox FOR EACH STATEMENT EXECUTE FUNCTION office.notify_outbox();
