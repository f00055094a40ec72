CREATE TABLE "shop_addresses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"line1" text NOT NULL,
	"line2" text DEFAULT '' NOT NULL,
	"city" text NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"postal_code" text DEFAULT '' NOT NULL,
	"country" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_cart_items" (
	"user_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_cart_items_user_id_variant_id_pk" PRIMARY KEY("user_id","variant_id"),
	CONSTRAINT "shop_cart_qty_pos" CHECK ("shop_cart_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "shop_coupon_claims" (
	"id" uuid PRIMARY KEY NOT NULL,
	"coupon_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"status" text NOT NULL,
	"order_id" uuid,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_coupon_holders" (
	"coupon_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"claims" integer NOT NULL,
	CONSTRAINT "shop_coupon_holders_coupon_id_user_id_pk" PRIMARY KEY("coupon_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "shop_coupons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"title" text NOT NULL,
	"currency" text NOT NULL,
	"discount" jsonb NOT NULL,
	"min_spend" integer DEFAULT 0 NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"total_quantity" integer NOT NULL,
	"claimed" integer DEFAULT 0 NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	"per_user_limit" integer NOT NULL,
	"scope" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_coupons_claimed_cap" CHECK ("shop_coupons"."claimed" <= "shop_coupons"."total_quantity")
);
--> statement-breakpoint
CREATE TABLE "shop_flash_holds" (
	"flash_sale_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "shop_flash_holds_flash_sale_id_user_id_pk" PRIMARY KEY("flash_sale_id","user_id"),
	CONSTRAINT "shop_flash_holds_qty_nonneg" CHECK ("shop_flash_holds"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "shop_flash_sales" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"price" integer NOT NULL,
	"currency" text NOT NULL,
	"stock_total" integer NOT NULL,
	"stock_left" integer NOT NULL,
	"per_user_limit" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"payment_window_sec" integer NOT NULL,
	"settled_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_flash_sales_stock_nonneg" CHECK ("shop_flash_sales"."stock_left" >= 0 and "shop_flash_sales"."stock_left" <= "shop_flash_sales"."stock_total")
);
--> statement-breakpoint
CREATE TABLE "shop_idempotency" (
	"user_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_idempotency_user_id_scope_key_pk" PRIMARY KEY("user_id","scope","key")
);
--> statement-breakpoint
CREATE TABLE "shop_order_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"status" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_order_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"title" text NOT NULL,
	"sku" text NOT NULL,
	"options" jsonb NOT NULL,
	"image_key" text,
	"unit_price" integer NOT NULL,
	"quantity" integer NOT NULL,
	"line_total" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"subtotal" integer NOT NULL,
	"discount" integer NOT NULL,
	"total" integer NOT NULL,
	"coupon_claim_id" uuid,
	"flash_sale_id" uuid,
	"address" jsonb NOT NULL,
	"checkout_key" text NOT NULL,
	"payment_due_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"carrier" text,
	"tracking_number" text,
	"shipped_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"status_before_refund" text,
	"cancel_reason" text,
	"refund_reason" text,
	"attribution" jsonb NOT NULL,
	"last_surface" text DEFAULT 'direct' NOT NULL,
	"first_surface" text DEFAULT 'direct' NOT NULL,
	"buyer_follows" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_orders_total_nonneg" CHECK ("shop_orders"."total" >= 0 and "shop_orders"."discount" >= 0 and "shop_orders"."discount" <= "shop_orders"."subtotal")
);
--> statement-breakpoint
CREATE TABLE "shop_payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"provider_ref" text,
	"status" text NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"last4" text,
	"failure_reason" text,
	"captured_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"low_stock_threshold" integer DEFAULT 5 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_shops" (
	"seller_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_touches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"surface" text NOT NULL,
	"surface_id" text,
	"shared_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"price" integer NOT NULL,
	"stock" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "shop_variants_stock_nonneg" CHECK ("shop_variants"."stock" >= 0),
	CONSTRAINT "shop_variants_price_pos" CHECK ("shop_variants"."price" > 0)
);
--> statement-breakpoint
ALTER TABLE "shop_addresses" ADD CONSTRAINT "shop_addresses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_cart_items" ADD CONSTRAINT "shop_cart_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_cart_items" ADD CONSTRAINT "shop_cart_items_variant_id_shop_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."shop_variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_coupon_claims" ADD CONSTRAINT "shop_coupon_claims_coupon_id_shop_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."shop_coupons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_coupon_claims" ADD CONSTRAINT "shop_coupon_claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_coupon_holders" ADD CONSTRAINT "shop_coupon_holders_coupon_id_shop_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."shop_coupons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_coupon_holders" ADD CONSTRAINT "shop_coupon_holders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_coupons" ADD CONSTRAINT "shop_coupons_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_flash_holds" ADD CONSTRAINT "shop_flash_holds_flash_sale_id_shop_flash_sales_id_fk" FOREIGN KEY ("flash_sale_id") REFERENCES "public"."shop_flash_sales"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_flash_holds" ADD CONSTRAINT "shop_flash_holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_flash_sales" ADD CONSTRAINT "shop_flash_sales_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_flash_sales" ADD CONSTRAINT "shop_flash_sales_product_id_shop_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."shop_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_flash_sales" ADD CONSTRAINT "shop_flash_sales_variant_id_shop_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."shop_variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_idempotency" ADD CONSTRAINT "shop_idempotency_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_order_events" ADD CONSTRAINT "shop_order_events_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_order_items" ADD CONSTRAINT "shop_order_items_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_payments" ADD CONSTRAINT "shop_payments_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_products" ADD CONSTRAINT "shop_products_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_shops" ADD CONSTRAINT "shop_shops_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_touches" ADD CONSTRAINT "shop_touches_product_id_shop_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."shop_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_variants" ADD CONSTRAINT "shop_variants_product_id_shop_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."shop_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shop_addresses_user_idx" ON "shop_addresses" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "shop_coupon_claims_user_idx" ON "shop_coupon_claims" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "shop_coupon_claims_coupon_idx" ON "shop_coupon_claims" USING btree ("coupon_id");--> statement-breakpoint
CREATE INDEX "shop_coupons_seller_idx" ON "shop_coupons" USING btree ("seller_id","id");--> statement-breakpoint
CREATE INDEX "shop_flash_sales_product_idx" ON "shop_flash_sales" USING btree ("product_id","id");--> statement-breakpoint
CREATE INDEX "shop_flash_sales_seller_idx" ON "shop_flash_sales" USING btree ("seller_id","id");--> statement-breakpoint
CREATE INDEX "shop_flash_sales_unsettled_idx" ON "shop_flash_sales" USING btree ("ends_at") WHERE "shop_flash_sales"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "shop_order_events_order_idx" ON "shop_order_events" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "shop_order_items_order_idx" ON "shop_order_items" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shop_order_items_product_idx" ON "shop_order_items" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_orders_checkout_key" ON "shop_orders" USING btree ("buyer_id","checkout_key");--> statement-breakpoint
CREATE INDEX "shop_orders_buyer_idx" ON "shop_orders" USING btree ("buyer_id","id");--> statement-breakpoint
CREATE INDEX "shop_orders_seller_idx" ON "shop_orders" USING btree ("seller_id","id");--> statement-breakpoint
CREATE INDEX "shop_orders_due_idx" ON "shop_orders" USING btree ("payment_due_at") WHERE "shop_orders"."status" = 'pending_payment';--> statement-breakpoint
CREATE UNIQUE INDEX "shop_payments_idempotency_key" ON "shop_payments" USING btree ("provider","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_payments_one_live" ON "shop_payments" USING btree ("order_id") WHERE "shop_payments"."status" in ('processing', 'authorized', 'captured', 'refunded');--> statement-breakpoint
CREATE INDEX "shop_payments_ref_idx" ON "shop_payments" USING btree ("provider","provider_ref");--> statement-breakpoint
CREATE INDEX "shop_payments_stale_idx" ON "shop_payments" USING btree ("updated_at") WHERE "shop_payments"."status" in ('processing', 'authorized');--> statement-breakpoint
CREATE INDEX "shop_products_seller_idx" ON "shop_products" USING btree ("seller_id","id");--> statement-breakpoint
CREATE INDEX "shop_products_status_idx" ON "shop_products" USING btree ("seller_id","status","id");--> statement-breakpoint
CREATE INDEX "shop_touches_user_idx" ON "shop_touches" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "shop_touches_seller_idx" ON "shop_touches" USING btree ("seller_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_variants_sku_key" ON "shop_variants" USING btree ("product_id","sku");--> statement-breakpoint
CREATE INDEX "shop_variants_product_idx" ON "shop_variants" USING btree ("product_id");