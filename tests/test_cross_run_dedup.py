"""Cross-run dedup through the whole pipeline: run 2 drops what run 1's index holds."""

from __future__ import annotations

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.tools.sample.generator import write_sample_crawl


def test_second_run_drops_documents_the_first_run_indexed(tmp_path):
    crawl = tmp_path / "crawl.warc.gz"
    write_sample_crawl(crawl, pages=40, seed=5)
    index = tmp_path / "index"
    common = {"input": {"paths": [str(crawl)]}, "runner": {"workers": 1}, "tokenize": {"vocab_size": 500}}
    first = run_pipeline(config_from_dict(
        {**common, "output": {"path": str(tmp_path / "run1")}, "dedup": {"index": {"write": str(index)}}}
    ))
    assert (index / "index.json").exists() and first.stats["kept_documents"] > 0
    second = run_pipeline(config_from_dict(
        {**common, "output": {"path": str(tmp_path / "run2")}, "dedup": {"index": {"read": [str(index)]}}}
    ))
    stage = next(s for s in second.stats["stages"] if s["stage"] == "dedup_index")
    assert stage["kept"] == 0 and sum(stage["dropped"].values()) == stage["in"] > 0
    assert second.stats["kept_documents"] == 0 and second.stats["identity"]["holds"]

