"""Thresher: WARC crawl archives in, tokenized Parquet shards out."""

__version__ = "0.1.0"
