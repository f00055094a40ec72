CREATE TABLE "shop_flash_stock" (
	"flash_sale_id" uuid NOT NULL,
	"bucket" integer NOT NULL,
	"units" integer NOT NULL,
	"closed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "shop_flash_stock_flash_sale_id_bucket_pk" PRIMARY KEY("flash_sale_id","bucket"),
	CONSTRAINT "shop_flash_stock_units_nonneg" CHECK ("shop_flash_stock"."units" >= 0)
);
--> statement-breakpoint
ALTER TABLE "shop_flash_stock" ADD CONSTRAINT "shop_flash_stock_flash_sale_id_shop_flash_sales_id_fk" FOREIGN KEY ("flash_sale_id") REFERENCES "public"."shop_flash_sales"("id") ON DELETE cascade ON UPDATE no action;