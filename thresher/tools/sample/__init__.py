"""A deterministic sample crawl with planted duplicates, spam and junk, and its ground truth.

``write_sample_crawl(path, pages, seed)`` writes ``path`` (WARC/1.0, gzip per
record) and ``<path without .warc.gz>.truth.json``; the bundled
``thresher/resources/sample.warc.gz`` is ``write_sample_crawl(..., 300, 0)``.
"""

from thresher.tools.sample.generator import write_sample_crawl
from thresher.tools.sample.truth import OtherRecord, PlantedPage, SampleTruth, truth_path_for

__all__ = ["OtherRecord", "PlantedPage", "SampleTruth", "truth_path_for", "write_sample_crawl"]
