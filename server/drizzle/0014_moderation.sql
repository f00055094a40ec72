CREATE TABLE "mod_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"until" timestamp with time zone,
	"note" text NOT NULL,
	"report_id" uuid,
	"by_id" uuid NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mod_appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"action_id" uuid NOT NULL,
	"text" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mod_audit" (
	"id" uuid PRIMARY KEY NOT NULL,
	"actor_id" uuid NOT NULL,
	"action" text NOT NULL,
	"subject_id" uuid,
	"detail" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mod_held" (
	"id" uuid PRIMARY KEY NOT NULL,
	"surface" text NOT NULL,
	"place_id" uuid NOT NULL,
	"owner_id" uuid,
	"author_id" uuid NOT NULL,
	"text" text NOT NULL,
	"word" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mod_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reporter_id" uuid NOT NULL,
	"surface" text NOT NULL,
	"target_id" uuid NOT NULL,
	"seq" integer,
	"reported_id" uuid,
	"reason" text NOT NULL,
	"details" text DEFAULT '' NOT NULL,
	"snapshot" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"reviewed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mod_words" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid,
	"scope" text NOT NULL,
	"word" text NOT NULL,
	"action" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mod_actions" ADD CONSTRAINT "mod_actions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_actions" ADD CONSTRAINT "mod_actions_report_id_mod_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."mod_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_actions" ADD CONSTRAINT "mod_actions_by_id_users_id_fk" FOREIGN KEY ("by_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_appeals" ADD CONSTRAINT "mod_appeals_action_id_mod_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."mod_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_appeals" ADD CONSTRAINT "mod_appeals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_audit" ADD CONSTRAINT "mod_audit_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_audit" ADD CONSTRAINT "mod_audit_subject_id_users_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_held" ADD CONSTRAINT "mod_held_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_held" ADD CONSTRAINT "mod_held_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_held" ADD CONSTRAINT "mod_held_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_reports" ADD CONSTRAINT "mod_reports_reporter_id_users_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_reports" ADD CONSTRAINT "mod_reports_reported_id_users_id_fk" FOREIGN KEY ("reported_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_reports" ADD CONSTRAINT "mod_reports_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mod_words" ADD CONSTRAINT "mod_words_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mod_actions_user_idx" ON "mod_actions" USING btree ("user_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "mod_appeals_action_idx" ON "mod_appeals" USING btree ("action_id");--> statement-breakpoint
CREATE INDEX "mod_appeals_status_idx" ON "mod_appeals" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "mod_held_owner_idx" ON "mod_held" USING btree ("owner_id","status");--> statement-breakpoint
CREATE INDEX "mod_reports_status_idx" ON "mod_reports" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "mod_reports_reported_idx" ON "mod_reports" USING btree ("reported_id","status");--> statement-breakpoint
CREATE INDEX "mod_reports_target_idx" ON "mod_reports" USING btree ("surface","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mod_words_scope_word_idx" ON "mod_words" USING btree ("scope","word");--> statement-breakpoint
CREATE INDEX "mod_words_owner_idx" ON "mod_words" USING btree ("owner_id");