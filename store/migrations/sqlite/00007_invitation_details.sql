-- +goose Up
-- An invitation carries the invitee's name and a personal message, and
-- remembers when its link was last replaced (got again or re-sent). An
-- address has one open invitation per hub (and one to the network alone):
-- inviting it again refreshes that one. Where earlier versions made
-- several, the newest stays open and the older ones are withdrawn as of
-- when the newest was made.
ALTER TABLE invitations ADD COLUMN invitee_name TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN message TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN renewed_at TIMESTAMP;

UPDATE invitations SET revoked_at = (
    SELECT MAX(d.created_at) FROM invitations d
    WHERE d.email = invitations.email AND COALESCE(d.hub_id, 0) = COALESCE(invitations.hub_id, 0)
      AND d.accepted_at IS NULL AND d.revoked_at IS NULL
      AND (d.created_at > invitations.created_at OR (d.created_at = invitations.created_at AND d.id > invitations.id)))
WHERE accepted_at IS NULL AND revoked_at IS NULL AND EXISTS (
    SELECT 1 FROM invitations d
    WHERE d.email = invitations.email AND COALESCE(d.hub_id, 0) = COALESCE(invitations.hub_id, 0)
      AND d.accepted_at IS NULL AND d.revoked_at IS NULL
      AND (d.created_at > invitations.created_at OR (d.created_at = invitations.created_at AND d.id > invitations.id)));

CREATE UNIQUE INDEX invitations_open ON invitations (email, COALESCE(hub_id, 0))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
