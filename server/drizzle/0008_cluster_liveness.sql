CREATE TABLE "cluster_nodes" (
	"node_id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sweeper" text,
	"sweep_started_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "room_presence" (
	"room_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	CONSTRAINT "room_presence_room_id_user_id_node_id_pk" PRIMARY KEY("room_id","user_id","node_id")
);
--> statement-breakpoint
ALTER TABLE "watch_members" ADD COLUMN "buffering_node" text;--> statement-breakpoint
ALTER TABLE "watch_parties" ADD COLUMN "wait_node" text;--> statement-breakpoint
ALTER TABLE "room_presence" ADD CONSTRAINT "room_presence_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_presence" ADD CONSTRAINT "room_presence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "room_presence_node_idx" ON "room_presence" USING btree ("node_id");--> statement-breakpoint
ALTER TABLE "room_members" DROP COLUMN "presence";