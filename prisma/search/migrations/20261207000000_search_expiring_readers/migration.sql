-- Readers whose access ends (a drive share with expiresAt): user id -> the instant it ends, as
-- JSON text (e.g. {"0b6e…": "2026-12-07T10:00:00.000Z"}). A search compares it with now(), so an
-- expired share stops matching at its expiry without any event. NULL: no such reader.
ALTER TABLE search.entries ADD COLUMN reader_until jsonb;
