-- =============================================================================================
-- hr subgraph: initial schema (time & attendance, seed section 6)
--
-- The hr subgraph owns every table in the `hr` Postgres schema and nothing else. Users and
-- tenants live in the `platform` schema (owned by the platform subgraph): tenant_id, user_id,
-- decided_by, approved_by, ... are plain UUID columns WITHOUT a foreign key, because they are
-- federation entity references. Foreign keys between hr tables are real.
--
-- Conventions: every table has tenant_id (so row-level security can be added per table), an
-- index on tenant_id, on status (where there is one) and on its timestamp columns; statuses and
-- other enumerations are lower-case VARCHAR(50) values guarded by a CHECK constraint (the
-- GraphQL enums WEB / VACATION / ... are mapped to 'web' / 'vacation' / ... by the resolvers).
-- =============================================================================================

CREATE SCHEMA IF NOT EXISTS hr;

-- Section 9: keeps updated_at current on every UPDATE (one function per schema, so each
-- subgraph owns its own database objects).
CREATE OR REPLACE FUNCTION hr.update_updated_at_column()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

-- ==============================================================================================
-- Time & attendance
-- ==============================================================================================

-- employees: one row per employee of the tenant. user_id links the employee to a platform
-- user account (optional: not every employee logs in). manager_id is the reporting line
-- (deleting a manager leaves the reports without manager).
CREATE TABLE hr.employees (
    id                 UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    employee_number    VARCHAR(50)    NOT NULL,  -- human-facing number, unique per tenant
    first_name         VARCHAR(100)   NOT NULL,
    last_name          VARCHAR(100)   NOT NULL,
    email              VARCHAR(255)   NOT NULL,  -- work e-mail, unique per tenant
    phone              VARCHAR(50),
    user_id            UUID,  -- platform.users.id (federated reference, no FK); NULL if no account
    department         VARCHAR(255),
    "position"         VARCHAR(255),  -- job title
    employment_type    VARCHAR(50)    NOT NULL DEFAULT 'full_time',
    hire_date          DATE,
    termination_date   DATE,
    manager_id         UUID           REFERENCES hr.employees (id) ON DELETE SET NULL ON UPDATE CASCADE,
    work_hours_per_day NUMERIC(4,2)   NOT NULL DEFAULT 8,  -- contractual hours per day; minutes worked beyond it become overtime
    time_zone          VARCHAR(64)    NOT NULL DEFAULT 'UTC',  -- IANA zone used to compute the attendance date
    status             VARCHAR(50)    NOT NULL DEFAULT 'active',
    metadata           JSONB          NOT NULL DEFAULT '{}'::jsonb,
    created_at         TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT employees_employment_type_check CHECK (employment_type IN ('full_time', 'part_time', 'contractor', 'intern', 'temporary')),
    CONSTRAINT employees_status_check CHECK (status IN ('active', 'on_leave', 'suspended', 'terminated')),
    CONSTRAINT employees_work_hours_check CHECK (work_hours_per_day > 0 AND work_hours_per_day <= 24),
    CONSTRAINT employees_dates_check CHECK (termination_date IS NULL OR hire_date IS NULL OR termination_date >= hire_date),
    CONSTRAINT employees_tenant_id_employee_number_key UNIQUE (tenant_id, employee_number),
    CONSTRAINT employees_tenant_id_email_key UNIQUE (tenant_id, email),
    CONSTRAINT employees_tenant_id_user_id_key UNIQUE (tenant_id, user_id)
);
CREATE INDEX employees_tenant_id_idx ON hr.employees (tenant_id);
CREATE INDEX employees_tenant_id_status_idx ON hr.employees (tenant_id, status);
CREATE INDEX employees_tenant_id_department_idx ON hr.employees (tenant_id, department);
CREATE INDEX employees_manager_id_idx ON hr.employees (manager_id);
CREATE INDEX employees_tenant_id_last_name_first_name_idx ON hr.employees (tenant_id, last_name, first_name);
CREATE INDEX employees_created_at_idx ON hr.employees (created_at);
CREATE TRIGGER employees_updated_at BEFORE UPDATE ON hr.employees FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- biometric_devices: registered clocking terminals (fingerprint / face / badge readers). The
-- device authenticates with a secret shown once at registration; only its hash is stored.
CREATE TABLE hr.biometric_devices (
    id            UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    name          VARCHAR(255)   NOT NULL,
    serial_number VARCHAR(100)   NOT NULL,  -- unique per tenant
    model         VARCHAR(100),
    location      VARCHAR(255),
    status        VARCHAR(50)    NOT NULL DEFAULT 'active',
    secret_hash   VARCHAR(255)   NOT NULL,  -- hash of the device secret (never the secret)
    last_seen_at  TIMESTAMPTZ(6),
    registered_by UUID,  -- platform.users.id (federated reference, no FK)
    created_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT biometric_devices_status_check CHECK (status IN ('active', 'inactive', 'revoked')),
    CONSTRAINT biometric_devices_tenant_id_serial_number_key UNIQUE (tenant_id, serial_number)
);
CREATE INDEX biometric_devices_tenant_id_idx ON hr.biometric_devices (tenant_id);
CREATE INDEX biometric_devices_tenant_id_status_idx ON hr.biometric_devices (tenant_id, status);
CREATE INDEX biometric_devices_last_seen_at_idx ON hr.biometric_devices (last_seen_at);
CREATE INDEX biometric_devices_created_at_idx ON hr.biometric_devices (created_at);
CREATE TRIGGER biometric_devices_updated_at BEFORE UPDATE ON hr.biometric_devices FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- attendance_records: one clock-in .. clock-out interval. An open record has clock_out NULL;
-- the partial unique index allows at most one open record per employee (double clock-in is a
-- CONFLICT). worked_minutes / overtime_minutes are filled at clock-out.
CREATE TABLE hr.attendance_records (
    id               UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    employee_id      UUID           NOT NULL REFERENCES hr.employees (id) ON DELETE CASCADE ON UPDATE CASCADE,
    date             DATE           NOT NULL,  -- work day in the employee's time zone
    clock_in         TIMESTAMPTZ(6) NOT NULL,
    clock_out        TIMESTAMPTZ(6),
    method           VARCHAR(50)    NOT NULL,
    device_id        UUID           REFERENCES hr.biometric_devices (id) ON DELETE SET NULL ON UPDATE CASCADE,  -- required by the API when method = 'biometric'
    remote           BOOLEAN        NOT NULL DEFAULT FALSE,
    location         VARCHAR(255),  -- free text or 'lat,lng' sent by the client
    ip_address       VARCHAR(45),
    worked_minutes   INTEGER,
    break_minutes    INTEGER        NOT NULL DEFAULT 0,
    overtime_minutes INTEGER        NOT NULL DEFAULT 0,
    status           VARCHAR(50)    NOT NULL DEFAULT 'open',
    notes            TEXT,
    created_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT attendance_records_method_check CHECK (method IN ('web', 'mobile', 'biometric')),
    CONSTRAINT attendance_records_status_check CHECK (status IN ('open', 'completed', 'adjusted', 'void')),
    CONSTRAINT attendance_records_clock_out_check CHECK (clock_out IS NULL OR clock_out >= clock_in),
    CONSTRAINT attendance_records_minutes_check CHECK ((worked_minutes IS NULL OR worked_minutes >= 0) AND break_minutes >= 0 AND overtime_minutes >= 0)
);
CREATE UNIQUE INDEX attendance_records_employee_id_open_key ON hr.attendance_records (employee_id) WHERE clock_out IS NULL;
CREATE INDEX attendance_records_tenant_id_idx ON hr.attendance_records (tenant_id);
CREATE INDEX attendance_records_employee_id_date_idx ON hr.attendance_records (employee_id, date);
CREATE INDEX attendance_records_tenant_id_date_idx ON hr.attendance_records (tenant_id, date);
CREATE INDEX attendance_records_tenant_id_status_idx ON hr.attendance_records (tenant_id, status);
CREATE INDEX attendance_records_device_id_idx ON hr.attendance_records (device_id);
CREATE INDEX attendance_records_clock_in_idx ON hr.attendance_records (clock_in);
CREATE INDEX attendance_records_clock_out_idx ON hr.attendance_records (clock_out);
CREATE INDEX attendance_records_created_at_idx ON hr.attendance_records (created_at);
CREATE TRIGGER attendance_records_updated_at BEFORE UPDATE ON hr.attendance_records FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- leave_requests: absence requests and their decision. days may be fractional (half days).
-- Overlap with another pending/approved leave of the same employee is checked by the service
-- inside the transaction (an exclusion constraint would need btree_gist).
CREATE TABLE hr.leave_requests (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    employee_id  UUID           NOT NULL REFERENCES hr.employees (id) ON DELETE CASCADE ON UPDATE CASCADE,
    type         VARCHAR(50)    NOT NULL,
    start_date   DATE           NOT NULL,
    end_date     DATE           NOT NULL,
    days         NUMERIC(5,2)   NOT NULL,
    status       VARCHAR(50)    NOT NULL DEFAULT 'pending',
    reason       TEXT,
    requested_by UUID,  -- platform.users.id (federated reference, no FK)
    decided_at   TIMESTAMPTZ(6),
    decided_by   UUID,  -- platform.users.id of the approver (federated reference, no FK)
    note         TEXT,  -- decision note
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT leave_requests_type_check CHECK (type IN ('vacation', 'sick', 'personal', 'unpaid')),
    CONSTRAINT leave_requests_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    CONSTRAINT leave_requests_dates_check CHECK (end_date >= start_date),
    CONSTRAINT leave_requests_days_check CHECK (days > 0)
);
CREATE INDEX leave_requests_tenant_id_idx ON hr.leave_requests (tenant_id);
CREATE INDEX leave_requests_employee_id_start_date_end_date_idx ON hr.leave_requests (employee_id, start_date, end_date);
CREATE INDEX leave_requests_tenant_id_status_idx ON hr.leave_requests (tenant_id, status);
CREATE INDEX leave_requests_tenant_id_start_date_idx ON hr.leave_requests (tenant_id, start_date);
CREATE INDEX leave_requests_decided_at_idx ON hr.leave_requests (decided_at);
CREATE INDEX leave_requests_created_at_idx ON hr.leave_requests (created_at);
CREATE TRIGGER leave_requests_updated_at BEFORE UPDATE ON hr.leave_requests FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- overtime_records: minutes worked beyond work_hours_per_day. Written at clock-out (one per
-- attendance record, deleted with it) or entered manually (attendance_record_id NULL).
CREATE TABLE hr.overtime_records (
    id                   UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    employee_id          UUID           NOT NULL REFERENCES hr.employees (id) ON DELETE CASCADE ON UPDATE CASCADE,
    attendance_record_id UUID           REFERENCES hr.attendance_records (id) ON DELETE CASCADE ON UPDATE CASCADE,
    date                 DATE           NOT NULL,
    minutes              INTEGER        NOT NULL,
    rate_multiplier      NUMERIC(4,2)   NOT NULL DEFAULT 1.5,  -- pay multiplier, e.g. 1.50
    status               VARCHAR(50)    NOT NULL DEFAULT 'pending',
    approved_by          UUID,  -- platform.users.id (federated reference, no FK)
    approved_at          TIMESTAMPTZ(6),
    note                 TEXT,
    created_at           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT overtime_records_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
    CONSTRAINT overtime_records_minutes_check CHECK (minutes > 0),
    CONSTRAINT overtime_records_attendance_record_id_key UNIQUE (attendance_record_id)
);
CREATE INDEX overtime_records_tenant_id_idx ON hr.overtime_records (tenant_id);
CREATE INDEX overtime_records_employee_id_date_idx ON hr.overtime_records (employee_id, date);
CREATE INDEX overtime_records_tenant_id_status_idx ON hr.overtime_records (tenant_id, status);
CREATE INDEX overtime_records_tenant_id_date_idx ON hr.overtime_records (tenant_id, date);
CREATE INDEX overtime_records_created_at_idx ON hr.overtime_records (created_at);
CREATE TRIGGER overtime_records_updated_at BEFORE UPDATE ON hr.overtime_records FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- remote_work_sessions: periods of remote work (started / ended by the employee), optionally
-- tied to the attendance record they belong to.
CREATE TABLE hr.remote_work_sessions (
    id                   UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    employee_id          UUID           NOT NULL REFERENCES hr.employees (id) ON DELETE CASCADE ON UPDATE CASCADE,
    attendance_record_id UUID           REFERENCES hr.attendance_records (id) ON DELETE SET NULL ON UPDATE CASCADE,
    started_at           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    ended_at             TIMESTAMPTZ(6),
    ip_address           VARCHAR(45),
    location             VARCHAR(255),
    last_heartbeat_at    TIMESTAMPTZ(6),
    status               VARCHAR(50)    NOT NULL DEFAULT 'active',
    created_at           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT remote_work_sessions_status_check CHECK (status IN ('active', 'ended', 'expired')),
    CONSTRAINT remote_work_sessions_ended_at_check CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX remote_work_sessions_tenant_id_idx ON hr.remote_work_sessions (tenant_id);
CREATE INDEX remote_work_sessions_employee_id_started_at_idx ON hr.remote_work_sessions (employee_id, started_at);
CREATE INDEX remote_work_sessions_attendance_record_id_idx ON hr.remote_work_sessions (attendance_record_id);
CREATE INDEX remote_work_sessions_tenant_id_status_idx ON hr.remote_work_sessions (tenant_id, status);
CREATE INDEX remote_work_sessions_started_at_idx ON hr.remote_work_sessions (started_at);
CREATE INDEX remote_work_sessions_ended_at_idx ON hr.remote_work_sessions (ended_at);
CREATE INDEX remote_work_sessions_created_at_idx ON hr.remote_work_sessions (created_at);
CREATE TRIGGER remote_work_sessions_updated_at BEFORE UPDATE ON hr.remote_work_sessions FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

-- ==============================================================================================
-- Domain events
-- ==============================================================================================

-- outbox: transactional outbox of hr domain events. A row is written in the same
-- transaction as the change it describes; a relay publishes it (Redpanda / subscriptions) and
-- sets published_at. Append-only apart from published_at, so it has no created_at/updated_at.
CREATE TABLE hr.outbox (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    aggregate_type VARCHAR(100)   NOT NULL,  -- e.g. 'Document', 'Employee'
    aggregate_id   UUID           NOT NULL,
    type           VARCHAR(100)   NOT NULL,  -- event type, e.g. 'document.edited'
    payload        JSONB          NOT NULL DEFAULT '{}'::jsonb,
    actor_id       UUID,  -- platform.users.id of the acting user, NULL for system / API key
    occurred_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    published_at   TIMESTAMPTZ(6)  -- NULL until the relay has published the event
);
CREATE INDEX outbox_tenant_id_idx ON hr.outbox (tenant_id);
CREATE INDEX outbox_unpublished_idx ON hr.outbox (published_at, occurred_at) WHERE published_at IS NULL;
CREATE INDEX outbox_aggregate_type_aggregate_id_occurred_at_idx ON hr.outbox (aggregate_type, aggregate_id, occurred_at);
