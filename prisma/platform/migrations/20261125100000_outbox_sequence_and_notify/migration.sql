-- Outbox ordering and wake-up for the relay (packages/common/src/events/relay.ts).
-- seq: assigned at insert; writes to one aggregate are serialised by its row lock, so seq follows
-- commit order per aggregate, which is the order the relay publishes in.
ALTER TABLE platform.outbox ADD COLUMN seq BIGSERIAL NOT NULL;
CREATE UNIQUE INDEX outbox_seq_key ON platform.outbox (seq);

-- NOTIFY is delivered at commit, so the relay wakes exactly when committed events are waiting.
CREATE OR REPLACE FUNCTION platform.notify_outbox() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('platform_outbox', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outbox_notify AFTER INSERT ON platform.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();

-- The acting API key of an audit entry (user_id is null when a key acted).
ALTER TABLE platform.audit_logs ADD COLUMN api_key_id UUID;
CREATE INDEX audit_logs_api_key_id_idx ON platform.audit_logs (api_key_id);
