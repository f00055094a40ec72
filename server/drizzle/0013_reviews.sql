CREATE TABLE "shop_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_item_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"stars" integer NOT NULL,
	"body" text NOT NULL,
	"options" jsonb NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"has_photos" boolean DEFAULT false NOT NULL,
	"reply" text,
	"replied_at" timestamp with time zone,
	"reported" boolean DEFAULT false NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_reviews_stars" CHECK ("shop_reviews"."stars" between 1 and 5),
	CONSTRAINT "shop_reviews_photos" CHECK (jsonb_array_length("shop_reviews"."photos") <= 6)
);
--> statement-breakpoint
ALTER TABLE "shop_orders" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_reviews" ADD CONSTRAINT "shop_reviews_order_item_id_shop_order_items_id_fk" FOREIGN KEY ("order_item_id") REFERENCES "public"."shop_order_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_reviews" ADD CONSTRAINT "shop_reviews_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_reviews" ADD CONSTRAINT "shop_reviews_product_id_shop_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."shop_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_reviews" ADD CONSTRAINT "shop_reviews_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_reviews" ADD CONSTRAINT "shop_reviews_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_reviews_one_per_line" ON "shop_reviews" USING btree ("order_item_id");--> statement-breakpoint
CREATE INDEX "shop_reviews_product_idx" ON "shop_reviews" USING btree ("product_id","has_photos","id");--> statement-breakpoint
CREATE INDEX "shop_reviews_product_stars_idx" ON "shop_reviews" USING btree ("product_id","stars","has_photos","id");--> statement-breakpoint
CREATE INDEX "shop_reviews_seller_idx" ON "shop_reviews" USING btree ("seller_id");--> statement-breakpoint
CREATE INDEX "shop_reviews_order_idx" ON "shop_reviews" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shop_orders_in_transit_idx" ON "shop_orders" USING btree ("shipped_at") WHERE "shop_orders"."status" = 'shipped';--> statement-breakpoint
-- "completed" (the buyer confirmed receipt) is now "delivered": existing orders, their history and inbox items follow.
UPDATE "shop_orders" SET "status" = 'delivered', "delivered_at" = "updated_at" WHERE "status" = 'completed';--> statement-breakpoint
UPDATE "shop_orders" SET "status_before_refund" = 'delivered' WHERE "status_before_refund" = 'completed';--> statement-breakpoint
UPDATE "shop_order_events" SET "status" = 'delivered' WHERE "status" = 'completed';--> statement-breakpoint
UPDATE "notifications" SET "payload" = jsonb_set("payload", '{status}', '"delivered"') WHERE "payload"->>'kind' = 'order' AND "payload"->>'status' = 'completed';
