ALTER TABLE "room_product_moments" ADD COLUMN "replay_offset_ms" bigint;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "replay_ms" integer;