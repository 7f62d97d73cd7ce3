"""FineWeb-2's MinHash: near-duplicates only within a language, and each kept document's cluster size."""

from __future__ import annotations

import json
import random

import pyarrow.parquet as pq
import pytest

from flows import ENGINES, dedup_plan, run_dedup
from thresher.config import config_from_dict
from thresher.io.shards import CLUSTER_SIZE
from thresher.record import Document
from thresher.run.driver import run_pipeline
from thresher.run.layout import dataset_files
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.synthetic import near_duplicate_pair
from thresher.tools.inspect import validate_run
from thresher.tools.loader import open_run

PARAMS = MinHashParams(hash="xxh3", max_rounds=4)


def _doc(doc_id: str, text: str, language: str) -> Document:
    return Document(id=doc_id, url=f"https://example.org/{doc_id}", text=text, crawl_date="2024-01-01",
                    source="t.warc.gz", offset=int(doc_id[-1]), language=language)


def _corpus() -> list[Document]:
    rng = random.Random(2)
    a, b, _ = near_duplicate_pair(0.9, rng)
    c, d, _ = near_duplicate_pair(0.9, rng)
    # a/b: one pair within English; c/d: the same near-duplicates labelled in two languages; e: a third copy of a.
    return [_doc("en_a1", a, "en"), _doc("en_b2", b, "en"), _doc("en_e3", a + " extra words at the end", "en"),
            _doc("de_c4", c, "de"), _doc("fr_d5", d, "fr")]


@pytest.mark.parametrize("engine", ENGINES)
def test_minhash_per_language_keeps_near_duplicates_of_different_languages(engine, tmp_path):
    docs = _corpus()
    _, globally, _ = run_dedup(engine, docs, dedup_plan(PARAMS, minhash=True), tmp_path)
    _, per_language, counters = run_dedup(engine, docs, dedup_plan(PARAMS, minhash=True, per_language=True), tmp_path)
    assert "fr_d5" in globally or "de_c4" in globally  # across languages they are near-duplicates
    assert set(per_language) == {"en_b2", "en_e3"} and per_language["en_b2"] == "en_a1"
    assert counters["dedup_minhash/dropped/near_duplicate"] == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_kept_documents_record_their_cluster_size(engine, tmp_path):
    plan = dedup_plan(PARAMS, minhash=True, per_language=True, keep_cluster_size=True)
    from thresher.run.dedup import dedup
    from flows import open_test_engine, write_documents

    docs = _corpus()
    inputs = [write_documents(docs[i::2], tmp_path / "in" / f"d{i}.parquet") for i in range(2)]
    documents_dir, duplicates_dir = str(tmp_path / "documents"), str(tmp_path / "duplicates")
    open_test_engine(engine).run("dedup", lambda flow: dedup(flow, plan, inputs, len(docs), documents_dir, duplicates_dir))
    sizes = {r["id"]: r[CLUSTER_SIZE] for f in dataset_files(documents_dir) for r in pq.read_table(f).to_pylist()}
    assert sizes == {"en_a1": 3, "de_c4": 1, "fr_d5": 1}


def test_fineweb2_shards_carry_the_cluster_size(tmp_path):
    out = tmp_path / "run"
    config = config_from_dict({"preset": "fineweb2", "output": {"path": str(out)}, "runner": {"workers": 1}})
    assert config.dedup.minhash.per_language and config.dedup.minhash.keep_cluster_size
    result = run_pipeline(config)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["columns"][CLUSTER_SIZE] is True
    table = pq.read_table([out / s["name"] for s in manifest["shards"]])
    sizes = table.column(CLUSTER_SIZE).to_pylist()
    assert len(sizes) == result.stats["kept_documents"] > 0 and min(sizes) >= 1
    # Clusters of the sample's planted near-duplicates: their sizes count the removed copies.
    assert sum(s - 1 for s in sizes) == result.stats["counters"].get("dedup_minhash/dropped/near_duplicate", 0)
    assert validate_run(open_run(str(out))).ok
