CREATE TABLE "assessment" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"status" text NOT NULL,
	"family_story" text,
	"children" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parents_voice" text,
	"domains" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"working_well" text,
	"worries" text,
	"needs_to_happen" text,
	"headline_needs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"completed_by" uuid,
	"completed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "assessment_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "case_consultation" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"attendees" text NOT NULL,
	"dilemma" text NOT NULL,
	"hypotheses" text,
	"ideas" text,
	"actions" text,
	"next_on" date,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "case_consultation_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
CREATE TABLE "case_formulation" (
	"authority_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"written_on" date NOT NULL,
	"presenting" text NOT NULL,
	"predisposing" text,
	"precipitating" text,
	"perpetuating" text,
	"protective" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "case_formulation_authority_id_case_id_id_pk" PRIMARY KEY("authority_id","case_id","id")
);
--> statement-breakpoint
ALTER TABLE "assessment" ADD CONSTRAINT "assessment_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_consultation" ADD CONSTRAINT "case_consultation_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_formulation" ADD CONSTRAINT "case_formulation_authority_id_case_id_family_case_authority_id_id_fk" FOREIGN KEY ("authority_id","case_id") REFERENCES "public"."family_case"("authority_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assessment_case" ON "assessment" USING btree ("authority_id","case_id","created_at");--> statement-breakpoint
CREATE INDEX "case_consultation_case" ON "case_consultation" USING btree ("authority_id","case_id","held_on");--> statement-breakpoint
CREATE INDEX "case_formulation_case" ON "case_formulation" USING btree ("authority_id","case_id","written_on");