-- Trace context of the mutation that wrote the event (W3C traceparent / tracestate), so the
-- relay's publish and the gateway's delivery join the mutation's trace. NULL when untraced.
ALTER TABLE platform.outbox ADD COLUMN traceparent VARCHAR(55);
ALTER TABLE platform.outbox ADD COLUMN tracestate VARCHAR(512);
