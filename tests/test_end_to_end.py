"""The whole pipeline on Beam's real DirectRunner over the bundled sample crawl.

One run (two worker processes) is shared by every test here; each test checks
one promise against the sample's ground truth.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os

import pyarrow.parquet as pq
import pytest

from thresher.config import bundled_sample_path
from thresher.tools.sample.truth import EXACT_DUPLICATE, GOOD, LOW_QUALITY, NEAR_DUPLICATE, SPAM_URL, SampleTruth, truth_path_for
from thresher.stages.tokenize.encoder import DocumentTokenizer


@pytest.fixture(scope="module")
def run(sample_run):
    result, out = sample_run
    shards = sorted(glob.glob(str(out / "shard-*.parquet")))
    table = pq.read_table(shards) if shards else None
    return result, out, table


@pytest.fixture(scope="module")
def truth() -> SampleTruth:
    return SampleTruth.load(truth_path_for(bundled_sample_path()))


def _kept_urls(table) -> set[str]:
    return set(table.column("url").to_pylist())


def test_every_record_is_accounted_for(run, truth):
    result, _, table = run
    stats = result.stats
    assert stats["identity"]["holds"], stats["identity"]
    assert stats["records_read"] == sum(truth.record_counts.values())
    skipped = stats["read"]["skipped"]
    assert skipped["request"] == truth.record_counts["request"]
    assert skipped["warcinfo"] == truth.record_counts["warcinfo"]
    assert skipped.get("metadata", 0) == truth.record_counts.get("metadata", 0)
    assert skipped["non_html"] == sum(truth.non_html_responses.values())
    for status, n in truth.non_200_responses.items():
        assert skipped[f"http_{status}"] == n
    assert stats["read"]["forwarded"] == len(truth.planted_pages)
    assert stats["kept_documents"] == table.num_rows
    for stage in stats["stages"]:
        assert stage["in"] == stage["kept"] + sum(stage["dropped"].values()), stage["stage"]


def test_spam_urls_are_removed_by_the_url_filter(run, truth):
    result, _, table = run
    spam = {p.url for p in truth.by_category(SPAM_URL)}
    assert spam and not spam & _kept_urls(table)
    url_stage = next(s for s in result.stats["stages"] if s["stage"] == "url_filter")
    assert url_stage["dropped"]["blocklisted_domain"] == truth.kind_counts["blocklisted_domain"]
    # Junk pages may carry spam words in their URLs too; good pages never do.
    spammy_junk = [
        p for p in truth.by_category(LOW_QUALITY) if any(w in p.url for w in truth.spam_words)
    ]
    assert url_stage["dropped"]["banned_url_word"] == truth.kind_counts["spam_word"] + len(spammy_junk)


def test_low_quality_pages_are_removed(run, truth):
    _, _, table = run
    junk = {p.url for p in truth.by_category(LOW_QUALITY)}
    assert junk and not junk & _kept_urls(table)


@pytest.mark.parametrize("category", [EXACT_DUPLICATE, NEAR_DUPLICATE])
def test_one_document_survives_per_duplicate_group(run, truth, category):
    _, _, table = run
    kept = _kept_urls(table)
    groups: dict[str, set[str]] = {}
    for page in truth.by_category(category):
        groups.setdefault(page.duplicate_of, {page.duplicate_of}).add(page.url)
    assert groups
    for original, members in groups.items():
        assert len(members & kept) == 1, (original, members & kept)


def test_good_pages_survive(run, truth):
    _, _, table = run
    kept = _kept_urls(table)
    in_dup_groups = {p.duplicate_of for p in truth.planted_pages if p.duplicate_of}
    good = {p.url for p in truth.by_category(GOOD)} - in_dup_groups
    survived = len(good & kept) / len(good)
    assert survived >= 0.95, f"only {survived:.1%} of good pages kept"


def test_planted_languages_are_detected(run, truth):
    _, out, table = run
    expected = {p.url: p.language for p in truth.planted_pages}
    rows = list(zip(table.column("url").to_pylist(), table.column("language").to_pylist()))
    right = sum(expected[url] == lang for url, lang in rows)
    assert right / len(rows) >= 0.98
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(truth.language_counts) <= set(manifest["languages"])


def test_shards_decode_to_exactly_the_kept_texts(run):
    _, out, table = run
    tokenizer = DocumentTokenizer(str(out / "tokenizer.json"))
    texts = table.column("text").to_pylist()
    ids = table.column("token_ids").to_pylist()
    assert all(t[-1] == tokenizer.eos_id for t in ids)
    assert [tokenizer.decode(t) for t in ids] == texts
    documents = pq.read_table(glob.glob(str(out / "_work/documents/*.parquet")))
    assert dict(zip(documents.column("id").to_pylist(), documents.column("text").to_pylist())) == dict(
        zip(table.column("id").to_pylist(), texts)
    )


def test_manifest_matches_the_files(run):
    result, out, table = run
    manifest = json.loads((out / "manifest.json").read_text())
    files = sorted(os.path.basename(p) for p in glob.glob(str(out / "shard-*.parquet")))
    assert [s["name"] for s in manifest["shards"]] == files
    count = len(files)
    assert count >= 3
    assert files == [f"shard-{i:05d}-of-{count:05d}.parquet" for i in range(count)]
    for shard in manifest["shards"]:
        path = out / shard["name"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == shard["sha256"]
        assert len(data) == shard["bytes"]
        part = pq.read_table(path)
        assert part.num_rows == shard["rows"]
        assert sum(part.column("token_count").to_pylist()) == shard["tokens"]
    assert manifest["totals"]["documents"] == table.num_rows == result.stats["kept_documents"]
    tok = manifest["tokenizer"]
    assert tok["sha256"] == hashlib.sha256((out / "tokenizer.json").read_bytes()).hexdigest()
    assert tok["eos_id"] == DocumentTokenizer(str(out / "tokenizer.json")).eos_id


def test_audit_sample_explains_drops(run):
    _, out, _ = run
    audit = json.loads((out / "audit.json").read_text())
    assert any(reason.startswith("url_filter/") for reason in audit)
    assert any(reason.startswith("filters/") for reason in audit)
    for reason, docs in audit.items():
        assert 1 <= len(docs) <= 5
        assert all(d["reason"] == reason and d["url"] for d in docs)


def test_rejected_records_are_written_with_provenance(run, truth):
    _, out, _ = run
    rejects = pq.read_table(glob.glob(str(out / "_work/phase_a/*/piece-*.rejects.parquet"))).to_pylist()
    expected = sum(truth.non_200_responses.values()) + sum(truth.non_html_responses.values())
    assert len(rejects) == expected
    assert all(r["source"].endswith("sample.warc.gz") and r["offset"] >= 0 and r["url"] for r in rejects)
    reasons = {r["reason"] for r in rejects}
    assert "skipped/http_404" in reasons
    assert any(r.startswith("skipped/non_html") for r in reasons)


def test_structured_run_log_has_a_line_per_stage(run):
    result, out, _ = run
    lines = [json.loads(line) for line in (out / "run.log.jsonl").read_text().splitlines()]
    stage_lines = [l for l in lines if l["event"] == "stage"]
    funnel = [s["stage"] for s in result.stats["stages"]]
    # Then the timed stages outside the document funnel (tokenize, shards), with their time.
    timed_after = [t["stage"] for t in result.stats["timings"]["stages"] if t["stage"] not in funnel]
    assert [l["stage"] for l in stage_lines] == ["read"] + funnel + timed_after
    assert [l["phase"] for l in lines if l["event"] == "phase"] == ["documents", "tokenizer", "shards"]
    assert stage_lines[0]["records"] == result.stats["records_read"]
    (summary,) = [l for l in lines if l["event"] == "run"]
    assert summary["kept_documents"] == result.stats["kept_documents"] and summary["identity_holds"]


def test_errored_records_are_logged_with_provenance(shared_data, tmp_path):
    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline

    clipped = str(shared_data / "warc-resiliparse/clipped.warc.gz")
    config = config_from_dict(
        {"input": {"paths": [clipped]}, "output": {"path": str(tmp_path)}, "runner": {"workers": 1},
         "tokenize": {"vocab_size": 300}}
    )
    result = run_pipeline(config)
    assert result.stats["identity"]["holds"] and result.stats["read"]["errors"]
    errors = [json.loads(l) for l in (tmp_path / "run.log.jsonl").read_text().splitlines()
              if json.loads(l)["event"] == "record_error"]
    assert errors and errors[0]["source"] == clipped and errors[0]["offset"] == 0 and errors[0]["url"]
