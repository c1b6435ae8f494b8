-- Outbox ordering and wake-up for the relay (packages/common/src/events/relay.ts).
-- seq: assigned at insert; writes to one aggregate are serialised by its row lock, so seq follows
-- commit order per aggregate, which is the order the relay publishes in.
ALTER TABLE crm.outbox ADD COLUMN seq BIGSERIAL NOT NULL;
CREATE UNIQUE INDEX outbox_seq_key ON crm.outbox (seq);

-- NOTIFY is delivered at commit, so the relay wakes exactly when committed events are waiting.
CREATE OR REPLACE FUNCTION crm.notify_outbox() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('crm_outbox', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outbox_notify AFTER INSERT ON crm.outbox FOR EACH STATEMENT EXECUTE FUNCTION crm.notify_outbox();
