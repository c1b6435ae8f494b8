-- Outbox retention: the relay deletes published events older than OUTBOX_RETENTION_HOURS
-- (default 168, Kafka's default topic retention). This index lets it find them oldest first
-- without scanning the table, and gives the outbox's timestamp column its section 8 index.
CREATE INDEX outbox_occurred_at_idx ON identity.outbox (occurred_at);
