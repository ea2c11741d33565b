-- The authority's choice of programmes and its calendar overrides are tenant data:
-- the application role may change them, row-level security keeps each authority to its own.
ALTER TABLE calendar_override ADD CONSTRAINT calendar_override_kind_check CHECK (kind IN ('holiday', 'working-day'));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON authority_programme, calendar_override TO hearth_app;
--> statement-breakpoint
ALTER TABLE authority_programme ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON authority_programme
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE calendar_override ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON calendar_override
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
