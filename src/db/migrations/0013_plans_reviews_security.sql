-- Plans, measures, reviews, closure and follow-ups are tenant data: row-level security keeps each authority to its own rows.
-- A draft plan's goals and actions can be removed; everything else is kept.
GRANT SELECT, INSERT, UPDATE, DELETE ON plan_goal, plan_action TO hearth_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON plan, onward_referral, pathway_change, scaling_score, measure_record, review, closure, follow_up TO hearth_app;
--> statement-breakpoint
ALTER TABLE plan ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON plan
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE plan_goal ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON plan_goal
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE plan_action ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON plan_action
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE onward_referral ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON onward_referral
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE pathway_change ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON pathway_change
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE scaling_score ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON scaling_score
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE measure_record ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON measure_record
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE review ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON review
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE closure ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON closure
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE follow_up ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON follow_up
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
