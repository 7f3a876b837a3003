-- FR-011: patients rate a visit after it happened.
CREATE TABLE visit_ratings (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    appointment_id  uuid     NOT NULL REFERENCES appointments (id),
    stars           smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment         text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE patients ADD COLUMN IF NOT EXISTS favourite_color text;
ALTER TABLE patients ADD COLUMN preferred_clinician_id uuid;

-- Reminders sent before each appointment.
CREATE TABLE reminders (
    appointment_id  uuid        NOT NULL REFERENCES appointments (id),
    sent_at         timestamptz NOT NULL DEFAULT now()
);
