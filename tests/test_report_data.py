"""The report's data sections, checked number by number against the run's files.

A hand-made run directory (fast: no pipeline) holds what a finished run leaves: shards with text,
phase-A results (every document before dedup, ``dropped.parquet`` as the run now writes it,
``rejects.parquet``), removed duplicates of every dedup stage, and an audit.json whose samples carry
their language-ID result. The similarities are recomputed independently with datasketch.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasketch import MinHash

from test_report import parse_page
from thresher.stages.dedup.minhash import xxh3_hash32
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.tools.report.domains import domain_of
from thresher.bookkeeping.funnel import build_stats
from thresher.tools.report.html import write_report

PARAMS = MinHashParams(bands=14, rows=8, ngram=5, seed=1, hash="xxh3")
CONFIG = {
    "output": {"keep_text": True, "audit_samples_per_reason": 5},
    "langid": {"enabled": True, "threshold": 0.65, "thresholds": {"de": 0.5}},
    "dedup": {
        "url": {"enabled": True, "keep": "latest"},
        "exact": {"enabled": True},
        "minhash": {"enabled": True, "ngram": 5, "bands": 14, "rows": 8, "seed": 1, "normalization": "default",
                    "hash": "xxh3", "max_rounds": 20, "verify": False, "verify_threshold": None},
    },
}
HOSTILE = '<script>alert("x")</script>'

STORY = ("The harbour warehouses in Lowford stood empty for years until the town council decided to turn them "
         "into a market hall, and older residents still remember the smell of tar and rope along the quay.")
BEANS = ("Growing broad beans in the shade of the hedge takes patience, a little compost every spring and a "
         "neighbour who tells you that sweet peas planted next to them will help the harvest along nicely.")
STARS = ("Finding Saturn in February is easy once you know where to look: follow the line of Orion's belt to "
         "the left, wait for a clear night and give your eyes twenty minutes to adjust to the darkness.")
GERMAN = "Der schnelle braune Fuchs springt über den faulen Hund, und am Abend regnet es wieder im Tal."


def kept_rows() -> list[dict]:
    rows = [
        ("k1", "https://a.example/story", STORY, "en"),
        ("k2", "https://www.a.example/beans", BEANS, "en"),
        ("k3", "https://a.example/stars", STARS, "en"),
        ("k4", "https://www.b.example/x", STORY + " Second copy of the town notes.", "en"),
        ("k5", "https://b.example/de", GERMAN, "de"),
        ("k6", f"https://c.example/{HOSTILE}", "Ohne Sprache " + HOSTILE, None),
    ]
    return [{"id": i, "url": u, "crawl_date": "2024-01-01", "source": "s.warc.gz", "offset": n, "text": t,
             "language": lang, "language_score": None if lang is None else 0.9,
             "token_count": len(t) // 4} for n, (i, u, t, lang) in enumerate(rows)]


NEAR_TEXT = STARS.replace("twenty minutes", "half an hour")
REMOVED = [
    # id, url, text, duplicate_of
    ("r-url", "https://a.example/story?utm_source=feed", STORY + " Updated.", "k1"),   # same URL key
    ("x-4", "https://d.example/4", BEANS.upper(), "k2"),                                # exact after normalization
    ("x-2", "https://d.example/2", BEANS, "k2"),
    ("x-3", "https://d.example/3", "  " + BEANS + "  ", "k2"),
    ("x-1", "https://e.example/1", BEANS, "k2"),
    ("r-near", "https://e.example/near", NEAR_TEXT, "k3"),                              # near-duplicate
    ("r-index", "https://f.example/old", "Text an earlier run kept.", "elsewhere"),    # original in an index
]
DROPPED = [
    # url, reason, language, score
    ("https://spam.example/casino", "url_filter/banned_url_word", None, None),
    ("https://spam.example/pills", "url_filter/banned_url_word", None, None),
    ("https://a.example/short", "filters/gopher_quality/short_doc", "en", 0.95),
    ("https://g.example/1", "langid/below_threshold", "en", 0.41),
    ("https://g.example/2", "langid/below_threshold", "en", 0.52),
    ("https://g.example/3", "langid/below_threshold", "de", 0.33),
    ("https://g.example/4", "langid/language_not_kept", "fr", 0.97),
]


def counters(kept: int = 6, errors: int = 0, records: int = 30) -> dict[str, int]:
    return {
        "read/records": records, "read/forwarded": 20, "read/skipped/request": records - 20 - errors,
        **({"read/error/malformed_record": errors} if errors else {}),
        "url_filter/in": 20, "url_filter/kept": 18, "url_filter/dropped/banned_url_word": 2,
        "langid/in": 18, "langid/kept": 14, "langid/dropped/below_threshold": 3,
        "langid/dropped/language_not_kept": 1,
        "filters/gopher_quality/in": 14, "filters/gopher_quality/kept": 13,
        "filters/gopher_quality/dropped/short_doc": 1,
        "dedup_url/in": 13, "dedup_url/kept": 12, "dedup_url/dropped/duplicate_url": 1,
        "dedup_exact/in": 12, "dedup_exact/kept": 8, "dedup_exact/dropped/exact_duplicate": 4,
        "dedup_minhash/in": 8, "dedup_minhash/kept": kept, "dedup_minhash/dropped/near_duplicate": 8 - kept,
        "shards/documents": kept, "shards/tokens": 100 if kept else 0,
        # A dedup stage timed in many tiny blocks: CPU above busy, which one thread cannot do.
        "dedup_url/time_us": 60_000, "dedup_url/cpu_us": 1_020_000,
        "dedup_exact/time_us": 4_000, "dedup_exact/cpu_us": 3_000,
        "tokenize/time_us": 200_000, "tokenize/cpu_us": 340_000,
        "extract/time_us": 1_000_000, "extract/cpu_us": 600_000,
    }


def write_run(root: Path, *, kept: list[dict] | None = None, stats_extra: dict | None = None,
              counts: dict | None = None, dropped_parquet: bool = True, shard_text: bool = True,
              dropped_listed: bool = False) -> Path:
    """A finished run's files. Dropped documents sit in ``dropped.parquet`` beside the phase-A result,
    or (``dropped_listed``) in a piece file that result.json lists as ``dropped_files``."""
    kept = kept_rows() if kept is None else kept
    stats = build_stats(counts or counters(len(kept)), ["gopher_quality"])
    stats.update(stats_extra or {})
    (root / "stats.json").write_text(json.dumps(stats))
    shards = []
    if kept:
        name = "shard-00000-of-00001.parquet"
        shard_rows = kept if shard_text else [{k: v for k, v in r.items() if k != "text"} for r in kept]
        pq.write_table(pa.Table.from_pylist(shard_rows), root / name)
        shards.append({"name": name, "rows": len(kept), "tokens": 100, "bytes": 1, "sha256": "00" * 32})
    languages = Counter(r["language"] or "unknown" for r in kept)
    manifest = {"schema_version": 1, "shards": shards, "config": CONFIG,
                "languages": {k: {"documents": n, "tokens": 10 * n} for k, n in languages.items()}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    audit = {
        "langid/below_threshold": [
            {"reason": "langid/below_threshold", "url": "https://g.example/1", "id": "d1", "source": "s", "offset": 1,
             "snippet": "kurz", "signals": {}, "language": "en", "language_score": 0.41},
            {"reason": "langid/below_threshold", "url": "https://g.example/3", "id": "d3", "source": "s", "offset": 3,
             "snippet": "kurz", "signals": {}, "language": "de", "language_score": 0.33},
            # A run that recorded the language-ID result only as signals (output.keep_signals).
            {"reason": "langid/below_threshold", "url": "https://g.example/5", "id": "d5", "source": "s", "offset": 5,
             "snippet": "court", "signals": {"langid.top1.fr": 0.3, "langid.top2.en": 0.2}},
        ],
        "url_filter/banned_url_word": [
            {"reason": "url_filter/banned_url_word", "url": "https://spam.example/casino", "id": "d9", "source": "s",
             "offset": 9, "snippet": "", "signals": {}},
        ],
    }
    (root / "audit.json").write_text(json.dumps(audit))
    result = root / "_work" / "phase_a" / "0123abcd"
    result.mkdir(parents=True)
    documents = [{"id": r["id"], "url": r["url"], "text": r["text"]} for r in kept]
    documents += [{"id": i, "url": u, "text": t} for i, u, t, _ in REMOVED if i != "r-index"]
    # Two pieces of one input file, as thresher.run.results writes them.
    pq.write_table(pa.Table.from_pylist(documents[:4]), result / "piece-00000-of-00002.documents.parquet")
    pq.write_table(pa.Table.from_pylist(documents[4:]), result / "piece-00001-of-00002.documents.parquet")
    listing = {"source": "crawl/a.warc.gz", "documents": len(documents),
               "documents_files": ["piece-00000-of-00002.documents.parquet", "piece-00001-of-00002.documents.parquet"],
               "rejects_files": ["piece-00000-of-00002.rejects.parquet"]}
    if dropped_parquet and dropped_listed:
        listing["dropped_files"] = ["piece-00000-of-00002.dropped.parquet"]
    if dropped_parquet:
        pq.write_table(pa.table({
            "id": [f"d{i}" for i in range(len(DROPPED))], "url": [d[0] for d in DROPPED],
            "source": ["s"] * len(DROPPED), "offset": pa.array(range(len(DROPPED)), pa.int64()),
            "reason": [d[1] for d in DROPPED], "language": [d[2] for d in DROPPED],
            "language_score": pa.array([d[3] for d in DROPPED], pa.float32()),
        }), result / ("piece-00000-of-00002.dropped.parquet" if dropped_listed else "dropped.parquet"))
    pq.write_table(pa.table({"url": ["https://a.example/old", "https://spam.example/img.png", ""],
                             "source": ["s", "s", "crawl/notes.json"], "offset": pa.array([1, 2, 3], pa.int64()),
                             "reason": ["skipped/http_301", "skipped/non_html/image", "error/malformed_record"]}),
                   result / "piece-00000-of-00002.rejects.parquet")
    (result / "result.json").write_text(json.dumps(listing))
    duplicates = root / "_work" / "duplicates"
    duplicates.mkdir(parents=True)
    pq.write_table(pa.table({"id": [r[0] for r in REMOVED], "url": [r[1] for r in REMOVED],
                             "crawl_date": ["t"] * len(REMOVED), "duplicate_of": [r[3] for r in REMOVED]}),
                   duplicates / "part-00000-of-00001.parquet")
    return root


def page_of(root: Path):
    page = Path(write_report(str(root))).read_text()
    return page, parse_page(page)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path)


# --- kept examples ---------------------------------------------------------------------------------


def test_examples_are_the_smallest_ids_of_each_language_with_their_text(run_dir: Path):
    _, elements = page_of(run_dir)
    articles = [el for el in elements if el.tag == "article" and "example" in el.attrs.get("class", "")]
    shown: dict[str, list[str]] = {}
    for article in articles:
        shown.setdefault(article.attrs["data-language"], []).append(article.attrs["data-id"])
    rows = kept_rows()
    expected: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        expected.setdefault(row["language"] or "unknown", []).append(row["id"])
    assert shown == {lang: ids[:3] for lang, ids in expected.items()}
    # Languages in the manifest's order: most documents first.
    assert [el.attrs["data-language"] for el in elements if "examples-language" in el.attrs.get("class", "")] \
        == ["en", "de", "unknown"]
    by_id = {r["id"]: r for r in rows}
    texts = example_texts(elements)
    assert set(texts) == {a.attrs["data-id"] for a in articles}
    for article in articles:
        row = by_id[article.attrs["data-id"]]
        assert texts[row["id"]] == row["text"]  # short texts: whole
        assert int(article.attrs["data-tokens"]) == row["token_count"]


def example_texts(elements) -> dict[str, str]:
    """Example id → the text shown (the <pre> that follows its <article> in document order)."""
    texts, current = {}, None
    for el in elements:
        if el.tag == "article" and "example" in el.attrs.get("class", ""):
            current = el.attrs["data-id"]
        elif el.tag == "pre" and "example-text" in el.attrs.get("class", "") and current:
            texts[current] = el.text
    return texts


def test_examples_without_text_in_the_shards_come_from_the_documents_table(tmp_path: Path):
    rows = kept_rows()
    write_run(tmp_path, shard_text=False)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["config"] = {**CONFIG, "output": {"keep_text": False}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    page, _ = page_of(tmp_path)
    assert "The shards hold no text (output.keep_text: false) and _work/documents is gone" in page
    documents = tmp_path / "_work" / "documents"
    documents.mkdir()
    pq.write_table(pa.Table.from_pylist([{"id": r["id"], "text": r["text"]} for r in rows]),
                   documents / "part-00000.parquet")
    page, elements = page_of(tmp_path)
    assert "text from _work/documents" in page
    assert example_texts(elements) == {r["id"]: r["text"] for r in rows if r["id"] != "k4"}  # k4: en's 4th


# --- domains -----------------------------------------------------------------------------------


def _domain_cells(elements, table_id: str, key: str) -> dict[str, int]:
    return {el.attrs["data-domain"]: int(el.attrs[f"data-{key}"])
            for el in elements if el.tag == "td" and table_id in el.ancestor_ids and f"data-{key}" in el.attrs}


def test_kept_and_dropped_domains_count_every_document_of_the_files(run_dir: Path):
    _, elements = page_of(run_dir)
    kept = Counter(domain_of(r["url"]) for r in kept_rows())
    assert _domain_cells(elements, "domains-kept-table", "kept") == dict(kept)
    assert kept == Counter({"a.example": 3, "b.example": 2, "c.example": 1})  # www. folded in
    tokens = Counter()
    for r in kept_rows():
        tokens[domain_of(r["url"])] += r["token_count"]
    assert _domain_cells(elements, "domains-kept-table", "tokens") == dict(tokens)
    dropped = Counter(domain_of(d[0]) for d in DROPPED) + Counter(domain_of(r[1]) for r in REMOVED)
    assert _domain_cells(elements, "domains-dropped-table", "dropped") == dict(dropped)
    source = next(el for el in elements if el.attrs.get("id") == "domains-dropped-source")
    assert source.attrs["data-source"] == "dropped" and source.attrs["data-complete"] == "true"
    rejected = _domain_cells(elements, "domains-rejected-table", "rejected")
    assert rejected == {"a.example": 1, "spam.example": 1, "(no host)": 1}
    reasons = {}
    for el in elements:
        if el.tag == "tr" and "domains-dropped-table" in el.ancestor_ids and "data-domain" in el.attrs:
            domain = el.attrs["data-domain"]
        elif el.tag == "td" and "reasons" in el.attrs.get("class", "") and "domains-dropped-table" in el.ancestor_ids:
            reasons[domain] = el.text
    # Removed duplicates count under the stage that removed them (worked out: Beam records none).
    assert reasons["d.example"] == "dedup_exact/exact_duplicate ×3"
    assert reasons["e.example"] == "dedup_exact/exact_duplicate ×1; dedup_minhash/near_duplicate ×1"
    assert reasons["g.example"] == "langid/below_threshold ×3; langid/language_not_kept ×1"


def test_dropped_documents_listed_in_result_json_are_read_too(tmp_path: Path):
    write_run(tmp_path, dropped_listed=True)
    _, elements = page_of(tmp_path)
    source = next(el for el in elements if el.attrs.get("id") == "domains-dropped-source")
    assert source.attrs["data-source"] == "dropped"
    dropped = Counter(domain_of(d[0]) for d in DROPPED) + Counter(domain_of(r[1]) for r in REMOVED)
    assert _domain_cells(elements, "domains-dropped-table", "dropped") == dict(dropped)


def test_without_dropped_parquet_the_page_says_the_counts_are_audit_samples(tmp_path: Path):
    write_run(tmp_path, dropped_parquet=False)
    _, elements = page_of(tmp_path)
    source = next(el for el in elements if el.attrs.get("id") == "domains-dropped-source")
    assert source.attrs["data-source"] == "audit" and source.attrs["data-complete"] == "false"
    assert "only audit.json's samples here: 4 of 7" in source.text
    audit = json.loads((tmp_path / "audit.json").read_text())
    expected = Counter(domain_of(s["url"]) for samples in audit.values() for s in samples)
    expected += Counter(domain_of(r[1]) for r in REMOVED)
    assert _domain_cells(elements, "domains-dropped-table", "dropped") == dict(expected)


# --- duplicate pairs ---------------------------------------------------------------------------


def independent_similarity(a: str, b: str) -> tuple[float, float]:
    """(estimated, exact) computed with datasketch and plain sets, not the report's code path."""
    sa, sb = set(word_shingles(a, 5, "default")), set(word_shingles(b, 5, "default"))
    exact = len(sa & sb) / len(sa | sb)
    signatures = []
    for shingles in (sa, sb):
        minhash = MinHash(num_perm=PARAMS.permutations, seed=PARAMS.seed, hashfunc=xxh3_hash32)
        for shingle in shingles:
            minhash.update(shingle)
        signatures.append(minhash)
    return signatures[0].jaccard(signatures[1]), exact


def _pairs(elements):
    return [el for el in elements if el.tag == "div" and el.attrs.get("class") == "pair"]


def test_pairs_show_each_stage_smallest_ids_with_both_texts_and_similarities(run_dir: Path):
    _, elements = page_of(run_dir)
    pairs = _pairs(elements)
    assert [(p.attrs["data-stage"], p.attrs["data-removed-id"], p.attrs["data-kept-id"]) for p in pairs] == [
        ("dedup_url", "r-url", "k1"),
        ("dedup_exact", "x-1", "k2"), ("dedup_exact", "x-2", "k2"), ("dedup_exact", "x-3", "k2"),
        ("dedup_minhash", "r-near", "k3"),
    ]
    texts = {r[0]: r[2] for r in REMOVED} | {r["id"]: r["text"] for r in kept_rows()}
    for pair in pairs:
        removed, kept = pair.attrs["data-removed-id"], pair.attrs["data-kept-id"]
        estimated, exact = independent_similarity(texts[removed], texts[kept])
        assert float(pair.attrs["data-exact"]) == pytest.approx(exact)
        assert float(pair.attrs["data-estimated"]) == pytest.approx(estimated)
        sides = [el for el in elements if el.tag == "div" and "data-side" in el.attrs
                 and el.ancestor_ids == pair.ancestor_ids and el.attrs["data-id"] in (removed, kept)]
        assert {s.attrs["data-side"]: s.attrs["data-id"] for s in sides} == {"kept": kept, "removed": removed}
    near = next(p for p in pairs if p.attrs["data-stage"] == "dedup_minhash")
    assert 0.5 < float(near.attrs["data-exact"]) < 1.0
    assert all(float(p.attrs["data-exact"]) == 1.0 for p in pairs if p.attrs["data-stage"] == "dedup_exact")
    # The near-duplicate's changed words are highlighted on both sides.
    marks = [el.text for el in elements if el.tag == "mark" and "duplicate-pairs" in el.ancestor_ids]
    assert "twenty minutes" in marks and "half an hour" in marks
    stages = {el.attrs["data-stage"]: int(el.attrs["data-removed"])
              for el in elements if el.tag == "td" and "data-removed" in el.attrs}
    assert stages == {"dedup_index": 1, "dedup_url": 1, "dedup_exact": 4, "dedup_minhash": 1}


def test_pairs_use_the_stage_the_run_recorded(run_dir: Path):
    # Spark names removed-duplicate files after their stage; that record wins over working it out.
    duplicates = run_dir / "_work" / "duplicates"
    table = pq.read_table(duplicates / "part-00000-of-00001.parquet")
    (duplicates / "part-00000-of-00001.parquet").unlink()
    pq.write_table(table, duplicates / "part-dedup_minhash-00000.parquet")
    page, elements = page_of(run_dir)
    assert {p.attrs["data-stage"] for p in _pairs(elements)} == {"dedup_minhash"}
    assert "Stages as the run recorded them" in page


def test_pairs_are_explained_when_phase_a_results_are_gone(run_dir: Path):
    for path in (run_dir / "_work" / "phase_a").rglob("*"):
        if path.is_file():
            path.unlink()
    page, elements = page_of(run_dir)
    assert not _pairs(elements)
    assert "No pairs to show: the phase-A results (_work/phase_a), which hold both texts, are gone." in page


# --- language ID -------------------------------------------------------------------------------


def test_langid_drops_show_language_and_score_from_dropped_parquet(run_dir: Path):
    _, elements = page_of(run_dir)
    rows = {el.attrs["data-language"]: int(el.attrs["data-dropped"])
            for el in elements if el.tag == "td" and "langid-drops-table" in el.ancestor_ids and "data-dropped" in el.attrs}
    langid = [d for d in DROPPED if d[1].startswith("langid/")]
    assert rows == dict(Counter(d[2] for d in langid))
    cells = [el.text for el in elements if el.tag == "td" and "langid-drops-table" in el.ancestor_ids]
    en = cells[cells.index("en"):cells.index("en") + 7]
    scores = [d[3] for d in langid if d[2] == "en"]
    assert en[2:6] == [f"{min(scores):.4g}", f"{statistics.median(scores):.4g}", f"{max(scores):.4g}", "0.65"]
    chart_bars = [el for el in elements if el.tag == "rect" and "chart-langid-scores" in el.ancestor_ids
                  and "bar" in el.attrs.get("class", "")]
    assert sum(int(b.attrs["data-value"]) for b in chart_bars) == len(langid)


def test_audit_samples_of_langid_drops_lead_with_language_and_score(run_dir: Path):
    _, elements = page_of(run_dir)
    samples = {el.attrs["data-id"]: el for el in elements if el.tag == "tr" and "audit-sample" in el.attrs.get("class", "")}
    assert (samples["d1"].attrs["data-language"], samples["d1"].attrs["data-language-score"]) == ("en", "0.41")
    headlines = [el.text for el in elements if el.tag == "span" and el.attrs.get("class") == "signal-reason"]
    # de has its own threshold in langid.thresholds.
    assert headlines == ["language en, score 0.4100 (needed 0.65)", "language de, score 0.3300 (needed 0.5)"]
    summaries = [el.text for el in elements if el.tag == "summary" and el.attrs.get("class") == "signal-reason"]
    assert summaries == ["language fr, score 0.3000 (needed 0.65)"]  # from langid.top1.fr, signals folded out
    assert "language" not in samples["d9"].attrs.get("data-language", "")


# --- warnings ----------------------------------------------------------------------------------


def _warnings(elements) -> list[str]:
    return [el.attrs["data-warning"] for el in elements if "data-warning" in el.attrs]


def test_a_healthy_run_has_no_banner(run_dir: Path):
    page, elements = page_of(run_dir)
    assert _warnings(elements) == [] and 'id="warnings"' not in page


def test_nothing_kept_is_a_banner_and_no_text_is_not_blamed_on_keep_text(tmp_path: Path):
    write_run(tmp_path, kept=[])
    page, elements = page_of(tmp_path)
    assert _warnings(elements) == ["nothing-kept"]
    banner = next(el for el in elements if el.attrs.get("data-warning") == "nothing-kept")
    assert "Largest drops: dedup_minhash/near_duplicate (8), dedup_exact/exact_duplicate (4)" in banner.text
    assert "keep_text: false" not in page  # the config says keep_text: true
    assert "No document was kept, so there are no characters to count" in page


def test_error_share_above_the_runs_limit_is_a_banner(tmp_path: Path):
    write_run(tmp_path, counts=counters(errors=3, records=30), stats_extra={"max_error_share": 0.05})
    _, elements = page_of(tmp_path)
    banner = next(el for el in elements if el.attrs.get("data-warning") == "error-share")
    assert (banner.attrs["data-errors"], banner.attrs["data-records"], banner.attrs["data-limit"]) == ("3", "30", "0.05")
    assert "10.0% of the records read were errors" in banner.text and "the run's max_error_share" in banner.text
    assert "Most failed records in: crawl/notes.json (1)." in banner.text  # rejects.parquet names the file


def test_error_share_within_the_limit_is_no_warning(tmp_path: Path):
    write_run(tmp_path, counts=counters(errors=3, records=30), stats_extra={"max_error_share": 0.2})
    assert _warnings(page_of(tmp_path)[1]) == []


# --- CPU shares --------------------------------------------------------------------------------


def test_cpu_shares_are_shares_or_say_why_not(run_dir: Path):
    _, elements = page_of(run_dir)
    rows = {}
    for el in elements:
        if el.tag == "td" and "data-cpu-share" in el.attrs:
            row = next(r for r in reversed(elements[:elements.index(el)]) if r.tag == "tr")
            rows[row.attrs["data-stage"]] = el
    assert rows["extract"].text == "60.0%" and rows["extract"].attrs["data-cpu-share"] == "0.6"
    assert rows["tokenize"].text == "170.0% †" and rows["tokenize"].attrs["data-share-note"] == "several-threads"
    # 1.02 s of CPU in 0.06 s busy on one thread: never shown as "1700%".
    assert rows["dedup_url"].text == "CPU 17.0× busy ‡" and rows["dedup_url"].attrs["data-cpu-share"] == ""
    assert rows["dedup_exact"].attrs["data-share-note"] == "too-short"
    notes = " ".join(el.text for el in elements if el.tag == "p" and "share-note" in el.attrs.get("class", ""))
    assert "‡ dedup_url" in notes and "† tokenize" in notes and "Too short" in notes
    assert "1700" not in " ".join(el.text for el in elements if el.tag == "td")


def test_data_from_the_web_is_escaped_in_every_new_section(run_dir: Path):
    page, elements = page_of(run_dir)
    assert "<script" not in page.lower()
    assert not [el for el in elements if el.tag in ("script", "img", "iframe", "link")]
    examples = example_texts(elements)
    assert examples["k6"] == "Ohne Sprache " + HOSTILE  # shown as text
    assert f"https://c.example/{HOSTILE}" in [el.text for el in elements if el.tag == "div" and el.attrs.get("class") == "url"]


def test_a_dataset_manifest_names_the_part_files_read(run_dir: Path):
    # _work/duplicates as the run commits it: the part files its _manifest.json lists, nothing else.
    duplicates = run_dir / "_work" / "duplicates"
    (duplicates / "part-00000-of-00001.parquet").rename(duplicates / "part-aa.parquet")
    (duplicates / "_manifest.json").write_text(json.dumps(
        {"schema": "duplicates", "files": [{"name": "part-aa.parquet", "rows": len(REMOVED)}], "rows": len(REMOVED)}))
    stray = pa.table({"id": ["zz"], "url": ["https://stray.example/"], "crawl_date": ["t"], "duplicate_of": ["k1"]})
    pq.write_table(stray, duplicates / "part-left-by-a-failed-attempt.parquet")
    _, elements = page_of(run_dir)
    stages = {el.attrs["data-stage"]: int(el.attrs["data-removed"])
              for el in elements if el.tag == "td" and "data-removed" in el.attrs}
    assert sum(stages.values()) == len(REMOVED)
    assert "stray.example" not in _domain_cells(elements, "domains-dropped-table", "dropped")


def test_filters_per_language_and_extraction_by_library_match_stats(tmp_path):
    """The per-language section's numbers are stats.json's, from a real run of the bundled sample."""
    import re

    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline
    from thresher.tools.report.html import write_report

    out = tmp_path / "run"
    stats = run_pipeline(config_from_dict({"output": {"path": str(out)}, "runner": {"workers": 1}})).stats
    per_language = stats["filters_by_language"]
    assert len(per_language) > 3 and stats["extraction"]["kept_by_extractor"]
    for filters in per_language.values():
        for name, entry in filters.items():
            assert entry["in"] == entry["kept"] + sum(entry["dropped"].values())
    # Summed over languages, each filter's counts are the funnel's.
    for stage in stats["stages"]:
        if stage["stage"].startswith("filters/"):
            name = stage["stage"][len("filters/"):]
            assert sum(f[name]["in"] for f in per_language.values() if name in f) == stage["in"]
    page = (out / "report.html").read_text() if (out / "report.html").exists() else open(write_report(str(out))).read()
    cells = re.findall(r'data-language="([^"]+)" data-filter="([^"]+)" data-role="(in|kept|dropped)" data-count="(\d+)"', page)
    assert cells
    for language, name, role, value in cells:
        entry = per_language[language][name]
        expected = sum(entry["dropped"].values()) if role == "dropped" else entry[role]
        assert int(value) == expected
    kept_by = dict(re.findall(r'data-extractor="([^"]+)" data-kept="(\d+)"', page))
    assert {k: int(v) for k, v in kept_by.items()} == stats["extraction"]["kept_by_extractor"]


def test_pages_the_language_gate_kept_from_trafilatura_match_stats(tmp_path):
    """A FineWeb run of the bundled sample keeps English: the gated pages per language are stats.json's."""
    import re

    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline
    from thresher.tools.report.html import write_report

    out = tmp_path / "run"
    stats = run_pipeline(config_from_dict({"preset": "fineweb", "output": {"path": str(out)},
                                           "runner": {"workers": 1}})).stats
    gated = stats["extraction"]["language_gated"]
    assert gated and "en" not in gated
    assert stats["identity"]["holds"]
    # Every gated page was dropped by language ID, for its language.
    langid = next(stage for stage in stats["stages"] if stage["stage"] == "langid")
    assert langid["dropped"]["language_not_kept"] >= sum(gated.values())
    page = open(write_report(str(out))).read()
    cells = dict(re.findall(r'data-gated="([^"]+)" data-count="(\d+)"', page))
    assert {k: int(v) for k, v in cells.items()} == gated
