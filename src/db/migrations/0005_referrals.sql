CREATE TABLE "case_discussion" (
	"authority_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"attendees" jsonb NOT NULL,
	"presenting_issues" text NOT NULL,
	"criteria_discussion" text NOT NULL,
	"risks" text NOT NULL,
	"decision" text NOT NULL,
	"actions" text,
	"next_steps" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_discussion_authority_id_referral_id_id_pk" PRIMARY KEY("authority_id","referral_id","id")
);
--> statement-breakpoint
CREATE TABLE "case_event" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_event_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "case_person" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "case_person_authority_id_case_id_person_id_pk" PRIMARY KEY("authority_id","case_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "family_case" (
	"authority_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"programme_id" text NOT NULL,
	"pathway" text,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "family_case_authority_id_id_pk" PRIMARY KEY("authority_id","id")
);
--> statement-breakpoint
CREATE TABLE "notification" (
	"authority_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"referral_id" uuid,
	"kind" text NOT NULL,
	"to_address" text NOT NULL,
	"personalisation" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"suppressed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "notification_authority_id_id_pk" PRIMARY KEY("authority_id","id")
);
--> statement-breakpoint
CREATE TABLE "person" (
	"authority_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"name_key" text NOT NULL,
	"date_of_birth" date,
	"expected_due_date" date,
	"nhs_number" text,
	"postcode" text,
	"created_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "person_authority_id_id_pk" PRIMARY KEY("authority_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral" (
	"authority_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"reference" text NOT NULL,
	"programme_id" text,
	"route" text NOT NULL,
	"status" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"decision_due_at" timestamp with time zone NOT NULL,
	"referrer" jsonb NOT NULL,
	"address" text,
	"indicators" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"what_is_happening" text NOT NULL,
	"hoped_change" text,
	"consent" jsonb NOT NULL,
	"facts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "referral_authority_id_id_pk" PRIMARY KEY("authority_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral_counter" (
	"authority_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "referral_counter_authority_id_year_pk" PRIMARY KEY("authority_id","year")
);
--> statement-breakpoint
CREATE TABLE "referral_decision" (
	"authority_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"pathway" text,
	"reason" text,
	"detail" text,
	"signpost_to" text,
	"rationale" text,
	"screening_result" text,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "referral_decision_authority_id_referral_id_id_pk" PRIMARY KEY("authority_id","referral_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral_person" (
	"authority_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"role" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"date_of_birth" date,
	"expected_due_date" date,
	"nhs_number" text,
	"relationship" text,
	"person_id" uuid,
	"matched_by" uuid,
	"matched_at" timestamp with time zone,
	"position" integer NOT NULL,
	CONSTRAINT "referral_person_authority_id_referral_id_id_pk" PRIMARY KEY("authority_id","referral_id","id")
);
--> statement-breakpoint
ALTER TABLE "case_discussion" ADD CONSTRAINT "case_discussion_authority_id_referral_id_referral_authority_id_id_fk" FOREIGN KEY ("authority_id","referral_id") REFERENCES "public"."referral"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_person" ADD CONSTRAINT "case_person_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_person" ADD CONSTRAINT "case_person_authority_id_person_id_person_authority_id_id_fk" FOREIGN KEY ("authority_id","person_id") REFERENCES "public"."person"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_case" ADD CONSTRAINT "family_case_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_case" ADD CONSTRAINT "family_case_authority_id_referral_id_referral_authority_id_id_fk" FOREIGN KEY ("authority_id","referral_id") REFERENCES "public"."referral"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person" ADD CONSTRAINT "person_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_counter" ADD CONSTRAINT "referral_counter_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_decision" ADD CONSTRAINT "referral_decision_authority_id_referral_id_referral_authority_id_id_fk" FOREIGN KEY ("authority_id","referral_id") REFERENCES "public"."referral"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_person" ADD CONSTRAINT "referral_person_authority_id_referral_id_referral_authority_id_id_fk" FOREIGN KEY ("authority_id","referral_id") REFERENCES "public"."referral"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_person" ADD CONSTRAINT "referral_person_authority_id_person_id_person_authority_id_id_fk" FOREIGN KEY ("authority_id","person_id") REFERENCES "public"."person"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "family_case_referral_key" ON "family_case" USING btree ("authority_id","referral_id");--> statement-breakpoint
CREATE INDEX "notification_due" ON "notification" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "person_nhs_number_key" ON "person" USING btree ("authority_id","nhs_number") WHERE "person"."nhs_number" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "person_name_trgm" ON "person" USING gin (("given_name" || ' ' || "family_name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "person_date_of_birth" ON "person" USING btree ("authority_id","date_of_birth");--> statement-breakpoint
CREATE INDEX "person_name_key" ON "person" USING btree ("authority_id","name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_reference_key" ON "referral" USING btree ("authority_id","reference");--> statement-breakpoint
CREATE INDEX "referral_status" ON "referral" USING btree ("authority_id","status","received_at");