CREATE TABLE "watch_members" (
	"party_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone,
	"buffering_since" timestamp with time zone,
	CONSTRAINT "watch_members_party_id_user_id_pk" PRIMARY KEY("party_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "watch_parties" (
	"id" uuid PRIMARY KEY NOT NULL,
	"host_id" uuid,
	"control_mode" text NOT NULL,
	"playlist" jsonb NOT NULL,
	"video_id" uuid NOT NULL,
	"playing" boolean NOT NULL,
	"rate" double precision DEFAULT 1 NOT NULL,
	"position_ms" double precision DEFAULT 0 NOT NULL,
	"at_server_ms" bigint NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"waiting" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "watch_members" ADD CONSTRAINT "watch_members_party_id_watch_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."watch_parties"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watch_members" ADD CONSTRAINT "watch_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watch_parties" ADD CONSTRAINT "watch_parties_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "watch_members_user_idx" ON "watch_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "watch_parties_host_idx" ON "watch_parties" USING btree ("host_id");