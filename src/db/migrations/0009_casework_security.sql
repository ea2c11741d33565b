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
