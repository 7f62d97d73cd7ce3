"""Cross-run dedup index: format, parameter check, in-memory reference and the Beam transforms."""

from __future__ import annotations

import json
import random

import pyarrow.parquet as pq
import pytest

from thresher.stages.dedup.index import (
    BANDS,
    META_FILE,
    TEXTS,
    URLS,
    document_keys,
    load_index,
    match_index,
    open_index,
    read_meta,
    write_index,
)
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.synthetic import near_duplicate_pair
from thresher.run.dedup.index import index_files
from thresher.errors import ThresherError
from flows import ENGINES, dedup_plan, doc, run_dedup

PARAMS = MinHashParams(hash="xxh3")


def _crawls():
    """Run 1's kept documents, and run 2's: overlapping by URL, by text, by near-duplicate text, plus new pages."""
    rng = random.Random(5)
    old = [doc(f"old{i}", near_duplicate_pair(0.0, rng)[0], url=f"https://old.example/{i}") for i in range(6)]
    old.append(doc("old_empty", "", url="https://old.example/empty"))  # no words: no band rows
    near_text = near_duplicate_pair(0.9, random.Random(8))
    near_source = doc("old_near", near_text[0], url="https://old.example/near")
    old.append(near_source)
    new = [
        # The same page re-crawled, URL spelled differently, text changed.
        doc("new_url", near_duplicate_pair(0.0, rng)[0], url="HTTPS://old.example/3/?utm_source=x"),
        # The same text under another URL, differing only in case and spacing.
        doc("new_text", "  " + old[1].text.upper(), url="https://mirror.example/1"),
        # A near-duplicate (Jaccard ~0.9) of an indexed page.
        doc("new_near", near_text[1], url="https://mirror.example/near"),
    ]
    new += [doc(f"new{i}", near_duplicate_pair(0.0, rng)[0], url=f"https://new.example/{i}") for i in range(4)]
    return old, new


def test_index_files_and_in_memory_reference(tmp_path):
    old, new = _crawls()
    meta = write_index(str(tmp_path / "idx"), old, PARAMS)
    files = {table: [p.rsplit("/", 1)[1] for p in meta.table_files(table)] for table in (BANDS, URLS, TEXTS)}
    assert files == {BANDS: ["bands.parquet"], URLS: ["urls.parquet"], TEXTS: ["texts.parquet"]}
    assert pq.read_schema(tmp_path / "idx" / "bands.parquet").names == ["band_index", "band_hash"]
    assert pq.read_schema(tmp_path / "idx" / "urls.parquet").names == ["url_key", "id"]
    # 7 documents with words x 14 bands; every document has a URL and a text row.
    assert meta.rows == {BANDS: 7 * 14, URLS: 8, TEXTS: 8}
    on_disk = json.loads((tmp_path / "idx" / META_FILE).read_text())
    assert on_disk["minhash"]["bands"] == 14 and on_disk["minhash"]["num_perm"] == 112
    assert on_disk["minhash"]["hash"] == "xxh3" and on_disk["exact_normalization"] == "default"

    index = load_index(str(tmp_path / "idx"), PARAMS)
    matched = {k.id: match_index(k, index) for k in document_keys(new, PARAMS)}
    assert matched == {
        "new_url": ("url", "old3"),
        "new_text": ("text", "old1"),
        "new_near": ("near", None),
        **{f"new{i}": None for i in range(4)},
    }
    # Matches can be restricted: URL only.
    only_url = {k.id: match_index(k, index, ("url",)) for k in document_keys(new, PARAMS)}
    assert [i for i, m in only_url.items() if m] == ["new_url"]


def test_an_index_built_with_other_parameters_is_refused(tmp_path):
    write_index(str(tmp_path / "idx"), _crawls()[0][:2], PARAMS)
    for other, named in ((PARAMS.with_(bands=20, rows=5), "dedup.minhash.bands"), (PARAMS.with_(hash="sha1"), "hash")):
        with pytest.raises(ThresherError, match=rf"other settings.*{named}: index"):
            open_index(str(tmp_path / "idx"), other)
        with pytest.raises(ThresherError, match="other settings"):
            index_files(dedup_plan(other, index_read=(str(tmp_path / "idx"),)))
    # max_rounds does not change keys: accepted.
    open_index(str(tmp_path / "idx"), PARAMS.with_(max_rounds=3))
    with pytest.raises(ThresherError, match="exact_normalization"):
        open_index(str(tmp_path / "idx"), PARAMS, exact_normalization="refinedweb")
    with pytest.raises(ThresherError, match="no index.json"):
        read_meta(str(tmp_path / "missing"))


@pytest.mark.parametrize("engine", ENGINES)
def test_index_of_run_one_drops_its_documents_from_run_two(engine, tmp_path):
    old, new = _crawls()
    index_dir = str(tmp_path / f"index-{engine}")
    run_dedup(engine, old, dedup_plan(PARAMS, index_write=index_dir), tmp_path)
    meta = read_meta(index_dir)
    assert meta.rows == {BANDS: 7 * 14, URLS: 8, TEXTS: 8}
    # The job's index and the in-memory writer's hold the same keys.
    reference = load_index(write_index(str(tmp_path / "reference"), old, PARAMS).path, PARAMS)
    assert load_index(index_dir, PARAMS) == reference

    # Run 2 sees run 1's index and a crawl overlapping it, plus a re-read of an old page.
    crawl = new + [old[0]]
    kept, removed, counters = run_dedup(engine, crawl, dedup_plan(PARAMS, index_read=(index_dir,)), tmp_path)
    assert [d.id for d in kept] == [f"new{i}" for i in range(4)]
    assert removed == {
        "new_url": "old3",
        "new_text": "old1",
        "new_near": None,
        "old0": "old0",  # URL first: every match kind hits, one drop is counted
    }
    dropped = sum(v for k, v in counters.items() if k.startswith("dedup_index/dropped/"))
    assert counters["dedup_index/in"] == len(crawl) == counters["dedup_index/kept"] + dropped
    assert counters["dedup_index/kept"] == 4
    assert counters["dedup_index/dropped/in_index_url"] == 2
    assert counters["dedup_index/dropped/in_index_text"] == 1
    assert counters["dedup_index/dropped/in_index_near"] == 1
