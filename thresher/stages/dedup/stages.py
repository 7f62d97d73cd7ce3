"""The dedup stages' names and drop reasons, as stats.json counts them (``<stage>/dropped/<reason>``)."""

INDEX_STAGE = "dedup_index"  # its reasons: thresher.stages.dedup.index.REASONS (in_index_url, ...)
URL_STAGE, URL_REASON = "dedup_url", "duplicate_url"
EXACT_STAGE, EXACT_REASON = "dedup_exact", "exact_duplicate"
MINHASH_STAGE, MINHASH_REASON = "dedup_minhash", "near_duplicate"
