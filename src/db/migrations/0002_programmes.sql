CREATE TABLE "authority_programme" (
	"authority_id" uuid NOT NULL,
	"programme_id" text NOT NULL,
	"chosen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "authority_programme_authority_id_programme_id_pk" PRIMARY KEY("authority_id","programme_id")
);
--> statement-breakpoint
CREATE TABLE "calendar_override" (
	"authority_id" uuid NOT NULL,
	"date" date NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "calendar_override_authority_id_date_pk" PRIMARY KEY("authority_id","date")
);
--> statement-breakpoint
ALTER TABLE "authority_programme" ADD CONSTRAINT "authority_programme_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_override" ADD CONSTRAINT "calendar_override_authority_id_authority_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authority"("id") ON DELETE no action ON UPDATE no action;