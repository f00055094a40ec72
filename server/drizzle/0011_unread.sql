ALTER TABLE "dm_threads" ADD COLUMN "preview_kind" text;--> statement-breakpoint
ALTER TABLE "dm_threads" ADD COLUMN "preview_from" uuid;--> statement-breakpoint
UPDATE "dm_threads" SET "preview_kind" = 'image', "preview" = '' WHERE "preview" = '[image]';--> statement-breakpoint
UPDATE "dm_threads" SET "preview_kind" = 'video', "preview" = btrim(substr("preview", 8)) WHERE "preview" LIKE '[video]%';--> statement-breakpoint
UPDATE "dm_threads" SET "preview_kind" = 'watch', "preview" = btrim(substr("preview", 8)) WHERE "preview" LIKE '[watch]%';--> statement-breakpoint
UPDATE "dm_threads" SET "preview_kind" = 'product', "preview" = btrim(substr("preview", 10)) WHERE "preview" LIKE '[product]%';--> statement-breakpoint
UPDATE "dm_threads" SET "preview_kind" = 'text' WHERE "preview_kind" IS NULL AND "preview" IS NOT NULL AND "preview" <> '';--> statement-breakpoint
DELETE FROM "notifications" WHERE "payload"->>'kind' = 'dm';
