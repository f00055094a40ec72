CREATE TABLE "search_recent" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"q" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_docs" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"owner_id" uuid,
	"tsv" "tsvector" NOT NULL,
	"visibility" text NOT NULL,
	"pop" real DEFAULT 0 NOT NULL,
	"price" integer,
	"in_stock" boolean,
	"sales" integer,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "search_docs_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE TABLE "search_terms" (
	"variant" text NOT NULL,
	"term" text NOT NULL,
	CONSTRAINT "search_terms_variant_term_pk" PRIMARY KEY("variant","term")
);
--> statement-breakpoint
CREATE TABLE "video_hashtags" (
	"tag" text NOT NULL,
	"video_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"visibility" text NOT NULL,
	"hot" real DEFAULT 0 NOT NULL,
	"views" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "video_hashtags_tag_video_id_pk" PRIMARY KEY("tag","video_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "discoverable" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "search_recent" ADD CONSTRAINT "search_recent_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "search_recent_user_q" ON "search_recent" USING btree ("user_id","q");--> statement-breakpoint
CREATE INDEX "search_recent_user_at" ON "search_recent" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "search_docs_video_tsv" ON "search_docs" USING gin ("tsv") WHERE kind = 'video';--> statement-breakpoint
CREATE INDEX "search_docs_product_tsv" ON "search_docs" USING gin ("tsv") WHERE kind = 'product';--> statement-breakpoint
CREATE INDEX "search_docs_person_tsv" ON "search_docs" USING gin ("tsv") WHERE kind = 'person';--> statement-breakpoint
CREATE INDEX "search_docs_hashtag_tsv" ON "search_docs" USING gin ("tsv") WHERE kind = 'hashtag';--> statement-breakpoint
CREATE INDEX "search_docs_owner_idx" ON "search_docs" USING btree ("owner_id","kind");--> statement-breakpoint
CREATE INDEX "video_hashtags_video_idx" ON "video_hashtags" USING btree ("video_id");--> statement-breakpoint
CREATE INDEX "video_hashtags_hot_idx" ON "video_hashtags" USING btree ("tag","hot","video_id");--> statement-breakpoint
CREATE INDEX "video_hashtags_new_idx" ON "video_hashtags" USING btree ("tag","created_at","video_id");