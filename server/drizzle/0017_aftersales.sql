CREATE TABLE "shop_aftersales_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_aftersales" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"order_item_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" integer NOT NULL,
	"reason" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"refund_amount" integer,
	"decline_reason" text,
	"return_carrier" text,
	"return_tracking" text,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_aftersales_qty_pos" CHECK ("shop_aftersales"."quantity" > 0),
	CONSTRAINT "shop_aftersales_photos" CHECK (jsonb_array_length("shop_aftersales"."photos") <= 6)
);
--> statement-breakpoint
ALTER TABLE "shop_order_items" ADD COLUMN "refunded_quantity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD COLUMN "refunded_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_aftersales_events" ADD CONSTRAINT "shop_aftersales_events_request_id_shop_aftersales_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."shop_aftersales"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_aftersales" ADD CONSTRAINT "shop_aftersales_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_aftersales" ADD CONSTRAINT "shop_aftersales_order_item_id_shop_order_items_id_fk" FOREIGN KEY ("order_item_id") REFERENCES "public"."shop_order_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_aftersales" ADD CONSTRAINT "shop_aftersales_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_aftersales" ADD CONSTRAINT "shop_aftersales_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shop_aftersales_events_request_idx" ON "shop_aftersales_events" USING btree ("request_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_aftersales_one_active_per_line" ON "shop_aftersales" USING btree ("order_item_id") WHERE "shop_aftersales"."status" in ('requested', 'accepted', 'returning', 'escalated', 'refunding');--> statement-breakpoint
CREATE INDEX "shop_aftersales_order_idx" ON "shop_aftersales" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "shop_aftersales_escalated_idx" ON "shop_aftersales" USING btree ("updated_at") WHERE "shop_aftersales"."status" = 'escalated';--> statement-breakpoint
CREATE INDEX "shop_aftersales_refunding_idx" ON "shop_aftersales" USING btree ("updated_at") WHERE "shop_aftersales"."status" = 'refunding';--> statement-breakpoint
ALTER TABLE "shop_order_items" ADD CONSTRAINT "shop_order_items_refunded_qty" CHECK ("shop_order_items"."refunded_quantity" between 0 and "shop_order_items"."quantity");