-- Casework is tenant data: row-level security keeps each authority to its own rows.
-- A contact's earlier versions are history: the application may add them, never change them.
GRANT SELECT, INSERT, UPDATE, DELETE ON case_allocation, contact, chronology_entry, person_relationship, consent, information_sharing TO hearth_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON contact_revision TO hearth_app;
--> statement-breakpoint
ALTER TABLE case_allocation ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON case_allocation
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE contact ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON contact
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE contact_revision ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON contact_revision
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE chronology_entry ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON chronology_entry
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE person_relationship ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON person_relationship
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE consent ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON consent
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE information_sharing ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON information_sharing
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
-- A case's access log reads the audit events that name the case.
CREATE INDEX audit_event_case ON audit_event (authority_id, (details->>'caseId'), seq);
--> statement-breakpoint
-- Cases opened before casework was built were 'open': they are accepted, not yet active.
UPDATE family_case SET status = 'accepted' WHERE status = 'open';

--> statement-breakpoint
-- Adults named in a referral joined their case as 'adult': they are the family's parents or carers.
UPDATE case_person cp SET
  role = CASE WHEN rp.relationship ~* '\m(mother|father|mum|mom|dad|parent)' THEN 'parent' ELSE 'carer' END,
  relationship = rp.relationship
FROM family_case fc JOIN referral_person rp ON rp.authority_id = fc.authority_id AND rp.referral_id = fc.referral_id
WHERE cp.role = 'adult' AND cp.authority_id = fc.authority_id AND cp.case_id = fc.id AND rp.person_id = cp.person_id;
--> statement-breakpoint
-- Cases opened before casework was built are known by the family name of their eldest child.
UPDATE family_case fc SET family_name = coalesce((
  SELECT rp.family_name FROM referral_person rp
  WHERE rp.authority_id = fc.authority_id AND rp.referral_id = fc.referral_id
  ORDER BY (rp.role <> 'child'), rp.position LIMIT 1), '')
WHERE fc.family_name = '';
