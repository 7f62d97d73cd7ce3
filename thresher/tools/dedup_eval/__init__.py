"""``thresher dedup-eval``: how well a finished run's MinHash settings find its near-duplicates."""
