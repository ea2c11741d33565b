-- The work on a case is tenant data: row-level security keeps each authority to its own rows.
GRANT SELECT, INSERT, UPDATE ON assessment, case_consultation, case_formulation TO hearth_app;
--> statement-breakpoint
ALTER TABLE assessment ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON assessment
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE case_consultation ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON case_consultation
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE case_formulation ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON case_formulation
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
