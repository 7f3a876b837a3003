-- Initial schema for the clinic booking backend.
-- Tables follow docs/data-dictionary.md; FR-IDs name the requirement a table serves.

CREATE TABLE patients (            -- FR-001, FR-002
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    full_name   text        NOT NULL,
    email       text        NOT NULL UNIQUE,
    phone       text,
    birth_date  date,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clinicians (          -- FR-003, FR-004
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    full_name   text        NOT NULL,
    speciality  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE availability_slots (  -- FR-003
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinician_id  uuid        NOT NULL REFERENCES clinicians (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    CONSTRAINT slot_order CHECK (ends_at > starts_at)
);

CREATE TABLE appointments (        -- FR-005 .. FR-008
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id  uuid        NOT NULL REFERENCES patients (id),
    slot_id     uuid        NOT NULL REFERENCES availability_slots (id),
    status      text        NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (slot_id)
);

CREATE INDEX appointments_patient ON appointments (patient_id);
