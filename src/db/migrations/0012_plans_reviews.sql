CREATE TABLE "onward_referral" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"goal_id" uuid,
	"agency" text NOT NULL,
	"reason" text NOT NULL,
	"sent_on" date NOT NULL,
	"basis" text NOT NULL,
	"response_due_on" date NOT NULL,
	"chased_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"responded_on" date,
	"response" text,
	"outcome" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "onward_referral_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "pathway_change" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cause" text NOT NULL,
	"from_pathway" text,
	"to_pathway" text NOT NULL,
	"decided_on" date NOT NULL,
	"reason" text,
	"review_id" uuid,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pathway_change_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "plan" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"edition" integer NOT NULL,
	"status" text NOT NULL,
	"previous_id" uuid,
	"summary" text,
	"risks" text,
	"contact_arrangements" text,
	"change_reason" text,
	"agreed_on" date,
	"agreed_with" text,
	"agreed_by" uuid,
	"signed_off_by" uuid,
	"signed_off_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "plan_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "plan_action" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"goal_id" uuid,
	"position" integer NOT NULL,
	"what" text NOT NULL,
	"who" text NOT NULL,
	"by_when" date,
	"support_id" text,
	"status" text DEFAULT 'not-started' NOT NULL,
	"status_note" text,
	"status_on" date,
	"requested_by_social_worker" boolean DEFAULT false NOT NULL,
	"professional_only" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	CONSTRAINT "plan_action_authority_id_case_id_plan_id_id_pk" PRIMARY KEY("authority_id","case_id","plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "plan_goal" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"position" integer NOT NULL,
	"need" text NOT NULL,
	"outcome" text NOT NULL,
	"how_we_know" text,
	"headline_outcome" integer,
	CONSTRAINT "plan_goal_authority_id_case_id_plan_id_id_pk" PRIMARY KEY("authority_id","case_id","plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "measure_record" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"measure_id" text NOT NULL,
	"person_id" uuid,
	"occasion" text NOT NULL,
	"recorded_on" date NOT NULL,
	"review_id" uuid,
	"value" jsonb NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "measure_record_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "scaling_score" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"goal_id" uuid NOT NULL,
	"asked_on" date NOT NULL,
	"occasion" text NOT NULL,
	"review_id" uuid,
	"family_score" integer,
	"worker_score" integer,
	"note" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scaling_score_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "closure" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"status" text NOT NULL,
	"closed_on" date NOT NULL,
	"reason" text NOT NULL,
	"destination_id" text NOT NULL,
	"outcomes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"children" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"proposed_by" uuid NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"signed_off_by" uuid,
	"signed_off_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "closure_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "follow_up" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"months" integer NOT NULL,
	"due_on" date NOT NULL,
	"done_on" date,
	"children" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"re_referred" boolean,
	"note" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "follow_up_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "review" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"scheduled_id" text,
	"attendees" jsonb NOT NULL,
	"progress" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"family_view" text,
	"summary" text,
	"decision" text NOT NULL,
	"decision_details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"missing_attendees" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "review_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
ALTER TABLE "onward_referral" ADD CONSTRAINT "onward_referral_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_change" ADD CONSTRAINT "pathway_change_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan" ADD CONSTRAINT "plan_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_action" ADD CONSTRAINT "plan_action_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_goal" ADD CONSTRAINT "plan_goal_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measure_record" ADD CONSTRAINT "measure_record_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scaling_score" ADD CONSTRAINT "scaling_score_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closure" ADD CONSTRAINT "closure_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review" ADD CONSTRAINT "review_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "onward_referral_case" ON "onward_referral" USING btree ("authority_id","case_id","sent_on");--> statement-breakpoint
CREATE INDEX "pathway_change_case" ON "pathway_change" USING btree ("authority_id","case_id","decided_on");--> statement-breakpoint
CREATE UNIQUE INDEX "plan_edition" ON "plan" USING btree ("authority_id","case_id","kind","edition");--> statement-breakpoint
CREATE INDEX "plan_action_plan" ON "plan_action" USING btree ("authority_id","plan_id","position");--> statement-breakpoint
CREATE INDEX "plan_goal_plan" ON "plan_goal" USING btree ("authority_id","plan_id","position");--> statement-breakpoint
CREATE INDEX "measure_record_case" ON "measure_record" USING btree ("authority_id","case_id","measure_id","recorded_on");--> statement-breakpoint
CREATE INDEX "scaling_score_goal" ON "scaling_score" USING btree ("authority_id","case_id","goal_id","asked_on");--> statement-breakpoint
CREATE UNIQUE INDEX "closure_case" ON "closure" USING btree ("authority_id","case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_case" ON "follow_up" USING btree ("authority_id","case_id","months");--> statement-breakpoint
CREATE INDEX "follow_up_due" ON "follow_up" USING btree ("authority_id","due_on");--> statement-breakpoint
CREATE INDEX "review_case" ON "review" USING btree ("authority_id","case_id","held_on");