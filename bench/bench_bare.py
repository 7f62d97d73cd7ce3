"""The pipeline's work done with bare library calls in one process: the floor the pipeline is held to.

    .venv/bin/python bench/bench_bare.py [--pages 2000] [--input FILE ...] [--extractor trafilatura]
                                         [--workdir /tmp/thresher-bench] [--out bench/results/bare.json]

Same input, same recipe as ``thresher run`` with the default config, but no
engine, no stage wrappers, no worker processes, no intermediate files:

1. read: fastwarc ``ArchiveIterator(parse_http=True)`` over response records,
   keep HTTP 200 HTML payloads;
2. URL filter: ``URLFilter.check_url`` (thresher's, a direct call);
3. extract: ``trafilatura.extract(payload bytes, favor_precision=True, ...)``
   (or resiliparse ``extract_plain_text``);
4. language ID: ``model.f.predict(line + "\\n", 3, 0.0, "replace")`` on the
   bundled lid.176.ftz, threshold 0.65;
5. quality filters: the default filters' ``filter(doc)`` called directly (no
   library exists for them; signals off);
6. dedup: URL and exact keys in dicts; MinHash: ``minhash_signatures`` (xxh3,
   14 x 8) + band keys + buckets in a dict + union-find components;
7. tokenizer: ``train_byte_level_bpe`` (tokenizers' BPE trainer, vocab 8192);
8. encode: ``Tokenizer.encode_batch``;
9. write: ``pa.Table.from_pydict`` + ``pq.write_table`` (zstd), one file.

Steps 2, 5 and 6 are thresher's own functions (there is no library to call
instead); they are in the floor because the pipeline cannot skip that work.
Time is process CPU time per step (every thread: tokenizers encodes in Rust
threads), wall time beside it. bench_e2e.py runs this in a fresh interpreter
and compares it with ``run_pipeline`` on the same input.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts this tree first on sys.path)

LID_THRESHOLD = 0.65
VOCAB_SIZE = 8192
EOS = "<|endoftext|>"
TRAFILATURA_OPTIONS = dict(favor_precision=True, include_comments=False, include_tables=False, deduplicate=False,
                           output_format="txt", with_metadata=False)


class Steps:
    """CPU and wall time per named step, with the load average."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, fn, units: int | None = None, mb: float | None = None):
        load = common.load_average()
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        self.rows.append({"step": name, "cpu_s": round(cpu, 4), "wall_s": round(wall, 4), "load_1m": load[:1],
                          "items": units if units is not None else (len(out) if hasattr(out, "__len__") else None),
                          "input_mb": round(mb, 3) if mb is not None else None})
        return out

    @property
    def cpu_s(self) -> float:
        return round(sum(r["cpu_s"] for r in self.rows), 3)


def read_pages(paths: list[Path]) -> list[tuple[str, str, str, bytes]]:
    """(url, date, record id, payload) of every HTTP 200 HTML response, fastwarc alone."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    pages = []
    for path in paths:
        with open(path, "rb") as fh:
            try:
                for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
                    http = rec.http_headers
                    if http is None or http.status_code != 200:
                        continue
                    if "html" not in (http.get("Content-Type") or "").lower():
                        continue
                    pages.append((rec.headers.get("WARC-Target-URI") or "", rec.headers.get("WARC-Date") or "",
                                  rec.record_id or "", rec.reader.read()))
            except Exception:  # noqa: BLE001 - a broken archive ends that file, as a bare script would
                pass
    return pages


def bare_pipeline(inputs: list[Path], out_dir: Path, extractor: str = "trafilatura") -> dict[str, Any]:
    import fasttext
    import pyarrow as pa
    import pyarrow.parquet as pq

    from thresher.stages.dedup.components import connected_components
    from thresher.stages.dedup.keep import keep_sort_key
    from thresher.stages.dedup.lsh import batch_band_keys
    from thresher.stages.dedup.minhash import minhash_signatures
    from thresher.stages.dedup.normalize import exact_text_key
    from thresher.stages.dedup.shingles import word_shingles
    from thresher.stages.dedup.urls import url_key
    from thresher.stages.filters.registry import build_filter
    from thresher.io.shards import shard_schema
    from thresher.stages.langid.fasttext_lid import bundled_lid176_path
    from thresher.record import Document, document_id
    from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe

    steps = Steps()
    pages = steps.run("read (fastwarc)", lambda: read_pages(inputs), mb=common.file_mb(inputs))
    html_mb = sum(len(p[3]) for p in pages) / 1e6
    pages_read = len(pages)

    url_filter = build_filter("url", {})
    pages = steps.run("url filter (check_url)", lambda: [p for p in pages if url_filter.check_url(p[0]) is None],
                      units=len(pages))

    if extractor == "trafilatura":
        import trafilatura

        def extract_one(body: bytes, url: str):
            return trafilatura.extract(body, url=url or None, **TRAFILATURA_OPTIONS)
    else:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding

        def extract_one(body: bytes, url: str):
            return extract_plain_text(bytes_to_str(body, detect_encoding(body)), main_content=True,
                                      preserve_formatting=True, list_bullets=False, alt_texts=False, links=False,
                                      form_fields=False, noscript=False, comments=False)

    def extract():
        docs = []
        for url, date, rid, body in pages:
            try:
                text = extract_one(body, url)
            except Exception:  # noqa: BLE001
                text = None
            if text and text.strip():
                docs.append(Document(id=document_id(rid, url, date), url=url, text=text, crawl_date=date))
        return docs

    docs = steps.run(f"extract ({extractor})", extract, units=len(pages), mb=html_mb)
    text_mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6

    model = steps.run("load lid.176.ftz", lambda: fasttext.load_model(bundled_lid176_path()), units=1)
    predict = model.f.predict

    def langid():
        kept = []
        for d in docs:
            top = predict(d.text.replace("\n", " ") + "\n", 3, 0.0, "replace")
            if top and top[0][0] >= LID_THRESHOLD:
                d.language, d.language_score = top[0][1][len("__label__"):], top[0][0]
                kept.append(d)
        return kept

    docs = steps.run("langid (fastText predict)", langid, units=len(docs), mb=text_mb)

    filters = [build_filter("gopher_repetition", {}), build_filter("gopher_quality", {})]

    def quality():
        kept = []
        for d in docs:
            for f in filters:
                if f.filter(d):
                    break
            else:
                kept.append(d)
        return kept

    docs = steps.run("quality filters (direct calls)", quality, units=len(docs),
                     mb=sum(len(d.text.encode("utf-8")) for d in docs) / 1e6)

    def url_dedup():
        best: dict[str, Document] = {}
        for d in docs:
            k = url_key(d.url)
            if k not in best or keep_sort_key(d, "latest") < keep_sort_key(best[k], "latest"):
                best[k] = d
        return list(best.values())

    docs = steps.run("url dedup (dict)", url_dedup, units=len(docs))

    def exact_dedup():
        best: dict[str, Document] = {}
        for d in docs:
            k = exact_text_key(d.text)
            if k not in best or keep_sort_key(d) < keep_sort_key(best[k]):
                best[k] = d
        return list(best.values())

    docs = steps.run("exact dedup (dict)", exact_dedup, units=len(docs))

    def minhash_dedup():
        buckets: dict[Any, list[str]] = defaultdict(list)
        for i in range(0, len(docs), 512):
            batch = docs[i : i + 512]
            shingles = [word_shingles(d.text, 5) for d in batch]
            sigs = minhash_signatures(shingles, 112, 1, "affine32", "xxh3")
            for d, sh, keys in zip(batch, shingles, batch_band_keys(sigs, 14, 8)):
                if sh:
                    for key in keys:
                        buckets[key].append(d.id)
        edges = [(m, min(ids)) for ids in buckets.values() if len(ids) > 1 for m in ids if m != min(ids)]
        labels = connected_components(edges)
        by_id = {d.id: d for d in docs}
        best: dict[str, Document] = {}
        for node, label in labels.items():
            d = by_id[node]
            if label not in best or keep_sort_key(d) < keep_sort_key(best[label]):
                best[label] = d
        removed = {n for n, label in labels.items() if best[label].id != n}
        return [d for d in docs if d.id not in removed]

    docs = steps.run("minhash dedup (numpy + union-find)", minhash_dedup, units=len(docs))
    docs.sort(key=lambda d: d.id)
    texts = [d.text for d in docs]
    kept_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    tokenizer = steps.run("train BPE (tokenizers)", lambda: train_byte_level_bpe(
        texts, vocab_size=VOCAB_SIZE, special_tokens=(EOS,)), units=len(texts), mb=kept_mb)
    tokenizer.encode_special_tokens = True
    eos = tokenizer.token_to_id(EOS)

    def encode():
        return [e.ids + [eos] for e in tokenizer.encode_batch(texts, add_special_tokens=False)]

    ids = steps.run("encode_batch (tokenizers)", encode, units=len(texts), mb=kept_mb)

    def write():
        schema = shard_schema(True)
        columns = {
            "id": [d.id for d in docs], "url": [d.url for d in docs], "crawl_date": [d.crawl_date for d in docs],
            "source": [""] * len(docs), "offset": [0] * len(docs), "text": texts,
            "language": [d.language for d in docs], "language_score": [d.language_score for d in docs],
            "token_count": [len(x) for x in ids], "token_ids": ids,
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pydict(columns, schema=schema), out_dir / "bare.parquet", compression="zstd")
        return docs

    steps.run("write_table (pyarrow, zstd)", write, units=len(docs), mb=kept_mb)
    return {
        "inputs": [str(p) for p in inputs],
        "input_mb": round(common.file_mb(inputs), 3),
        "pages": pages_read,
        "pages_extracted": len(pages),
        "kept_documents": len(docs),
        "tokens": sum(len(x) for x in ids),
        "steps": steps.rows,
        "bare_cpu_s": steps.cpu_s,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="generated crawl size (ignored with --input)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--input", action="append", type=Path, help="WARC file(s) instead of a generated crawl")
    ap.add_argument("--extractor", choices=("trafilatura", "resiliparse"), default="trafilatura")
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    ap.add_argument("--out", type=Path, default=common.RESULTS / "bare.json")
    args = ap.parse_args(argv)

    inputs = args.input or [common.generated_crawl(args.pages, args.seed, args.workdir)]
    report = common.run_child("bare", {"inputs": [str(p) for p in inputs], "out": str(args.workdir / "bare-out"),
                                       "extractor": args.extractor}, args.workdir)
    if not report["ok"]:
        print(report["error"])
        return 1
    rows = [dict(r, per_s=(r["items"] / r["cpu_s"]) if r["cpu_s"] and r["items"] else None,
                 mb_per_s=(r["input_mb"] / r["cpu_s"]) if r["cpu_s"] and r["input_mb"] else None,
                 load=r["load_1m"][0] if r["load_1m"] else None)
            for r in report["steps"]]
    common.print_table(rows, [("step", "step"), ("items", "items"), ("cpu_s", "CPU s"), ("wall_s", "wall s"),
                              ("per_s", "items/CPU-s"), ("mb_per_s", "MB/CPU-s"), ("load", "load 1m")],
                       title=f"bare pipeline on {', '.join(p.name for p in inputs)}: {report['pages']} pages -> "
                             f"{report['kept_documents']} documents, {report['tokens']:,} tokens")
    print(f"sum of steps: {report['bare_cpu_s']:.2f} CPU s; whole process (interpreter, imports, model load): "
          f"{report['process_cpu_s']:.2f} CPU s, {report['process_wall_s']:.1f} s wall")
    common.write_results(args.out, "bare", common.command_line("bench_bare.py", argv), {"result": report})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
