CREATE TABLE "media_rooms" (
	"room_id" text PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "media_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "media_rooms_node_idx" ON "media_rooms" USING btree ("node_id");