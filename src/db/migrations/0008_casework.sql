CREATE TABLE "case_allocation" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"role" text NOT NULL,
	"user_id" uuid,
	"contact" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"allocated_by" uuid NOT NULL,
	"reason" text,
	"over_cap" boolean DEFAULT false NOT NULL,
	"ended_by" uuid,
	CONSTRAINT "case_allocation_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "chronology_entry" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"occurred_on" date NOT NULL,
	"headline" text NOT NULL,
	"category" text NOT NULL,
	"source" text,
	"impact" text,
	"action" text,
	"origin" text NOT NULL,
	"origin_type" text,
	"origin_id" uuid,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "chronology_entry_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "consent" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"agency" text,
	"decision" text NOT NULL,
	"decided_on" date NOT NULL,
	"how" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"withdrawn_on" date,
	"withdrawn_how" text,
	"withdrawn_recorded_by" uuid,
	"withdrawn_recorded_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "consent_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "contact" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"outcome" text NOT NULL,
	"worker_id" uuid NOT NULL,
	"present" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"present_others" text,
	"children" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text NOT NULL,
	"goal_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"significant" boolean DEFAULT false NOT NULL,
	"headline" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "contact_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "contact_revision" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"written_by" uuid NOT NULL,
	"written_at" timestamp with time zone NOT NULL,
	"replaced_by" uuid NOT NULL,
	"replaced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_revision_authority_id_case_id_contact_id_version_pk" PRIMARY KEY("authority_id","case_id","contact_id","version")
);
--> statement-breakpoint
CREATE TABLE "information_sharing" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"shared_on" date NOT NULL,
	"agency" text NOT NULL,
	"what" text NOT NULL,
	"person_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"with_consent" boolean NOT NULL,
	"lawful_reason" text,
	"reason_detail" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "information_sharing_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "person_relationship" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"from_person_id" uuid NOT NULL,
	"to_person_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "person_relationship_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
ALTER TABLE "case_event" ADD COLUMN "source_id" uuid;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "relationship" text;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "agency" text;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "professional_role" text;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "added_by" uuid;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "added_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_person" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "family_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "key_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "co_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "social_worker_user_id" uuid;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "social_worker_contact" jsonb;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "next_due_name" text;--> statement-breakpoint
ALTER TABLE "family_case" ADD COLUMN "next_due_soon_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_allocation" ADD CONSTRAINT "case_allocation_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chronology_entry" ADD CONSTRAINT "chronology_entry_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent" ADD CONSTRAINT "consent_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent" ADD CONSTRAINT "consent_authority_id_person_id_person_authority_id_id_fk" FOREIGN KEY ("authority_id","person_id") REFERENCES "public"."person"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact" ADD CONSTRAINT "contact_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_revision" ADD CONSTRAINT "contact_revision_authority_id_case_id_contact_id_contact_authority_id_case_id_id_fk" FOREIGN KEY ("authority_id","case_id","contact_id") REFERENCES "public"."contact"("authority_id","case_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "information_sharing" ADD CONSTRAINT "information_sharing_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_authority_id_from_person_id_person_authority_id_id_fk" FOREIGN KEY ("authority_id","from_person_id") REFERENCES "public"."person"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_authority_id_to_person_id_person_authority_id_id_fk" FOREIGN KEY ("authority_id","to_person_id") REFERENCES "public"."person"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_allocation_case" ON "case_allocation" USING btree ("authority_id","case_id","started_at");--> statement-breakpoint
CREATE INDEX "case_allocation_user" ON "case_allocation" USING btree ("authority_id","user_id","ended_at");--> statement-breakpoint
CREATE INDEX "chronology_entry_case" ON "chronology_entry" USING btree ("authority_id","case_id","occurred_on");--> statement-breakpoint
CREATE INDEX "chronology_entry_origin" ON "chronology_entry" USING btree ("authority_id","case_id","origin_id");--> statement-breakpoint
CREATE INDEX "consent_case" ON "consent" USING btree ("authority_id","case_id","person_id");--> statement-breakpoint
CREATE INDEX "contact_case" ON "contact" USING btree ("authority_id","case_id","occurred_at");--> statement-breakpoint
CREATE INDEX "contact_worker" ON "contact" USING btree ("authority_id","worker_id","occurred_at");--> statement-breakpoint
CREATE INDEX "contact_note_trgm" ON "contact" USING gin ("note" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "information_sharing_case" ON "information_sharing" USING btree ("authority_id","case_id","shared_on");--> statement-breakpoint
CREATE INDEX "case_event_case" ON "case_event" USING btree ("authority_id","case_id","at");--> statement-breakpoint
CREATE INDEX "case_person_person" ON "case_person" USING btree ("authority_id","person_id");--> statement-breakpoint
CREATE INDEX "family_case_key_worker" ON "family_case" USING btree ("authority_id","key_worker_id","status");--> statement-breakpoint
CREATE INDEX "family_case_co_worker" ON "family_case" USING btree ("authority_id","co_worker_id");--> statement-breakpoint
CREATE INDEX "family_case_social_worker" ON "family_case" USING btree ("authority_id","social_worker_user_id");--> statement-breakpoint
CREATE INDEX "family_case_team" ON "family_case" USING btree ("authority_id","team_id","status","next_due_at");--> statement-breakpoint
CREATE INDEX "family_case_due" ON "family_case" USING btree ("authority_id","status","next_due_at");