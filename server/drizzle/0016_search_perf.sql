-- drizzle-kit would drop and rebuild the four GIN indexes; changing the storage parameter in place is the same end state without rebuilding them.
ALTER INDEX "search_docs_video_tsv" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "search_docs_product_tsv" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "search_docs_person_tsv" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "search_docs_hashtag_tsv" SET (gin_pending_list_limit = 128);
