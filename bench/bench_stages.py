"""Per stage: documents/s and MB/s per core, the pipeline's stage code beside the bare library on the same input.

    .venv/bin/python bench/bench_stages.py [--pages 2000] [--inputs sample,generated,real] [--repeat 3]
                                           [--extract-repeat 1] [--real-extra-pages 60] [--data ../shared/data]
                                           [--workdir /tmp/thresher-bench] [--out bench/results/stages.json]

Inputs: the bundled sample crawl (300 pages), a generated crawl
(``common.generated_crawl(--pages)``, cached in --workdir) and the real
files under --data: every WARC/ARC of warc-resiliparse, warc-node-warc and
warc-warcio for reading, their HTML pages plus the first --real-extra-pages
article pages of extract-scrapinghub-aeb for the stages after it (skipped
cleanly when absent).

Each stage's "pipeline" figure runs the code the pipeline runs for it, in
this process, without Beam; the "bare" figure is the library call it wraps,
on the same input, in the same run:

=============  ============================================  ==========================================
stage          pipeline code                                 bare limit
=============  ============================================  ==========================================
read           ``iter_input`` (fastwarc + HTTP parsing,       fastwarc ``ArchiveIterator(parse_http=True)``
               charset, every record accounted for)           over responses, payload read
extract        ``PageProcessor._extract``: ``decode_html`` +  ``trafilatura.extract(payload bytes)`` /
               the extractor, bounded (worker process, the    resiliparse ``bytes_to_str`` +
               default) and inline (``timeout_s: null``)      ``extract_plain_text``
langid         ``PageProcessor.process`` with filters off     ``model.f.predict(line + "\\n", 3, 0.0,
               (LanguageFilter: regex, predict, threshold)    "replace")``
filters        ``PageProcessor.process`` with langid off      no library: the same filters called directly,
               (gopher_repetition + gopher_quality, signals   signals off (reference, not a library)
               recorded as the pipeline does)
minhash        ``LightRecords`` with only MinHash on          datasketch ``MinHash(112, hashfunc=xxh3)``
               (shingles, batched numpy signatures, band      ``.update_batch`` per document
               keys) + ``band_records``, run in process
clustering     ``star_contraction_components`` in memory,     scipy ``csgraph.connected_components``
               and ``connected_components`` of                (id mapping included)
               ``thresher.run.dedup.components`` through
               ``BeamEngine``, 1 worker (20 unrolled rounds)
tokenize       ``TokenizeFiles`` over the documents file      ``Tokenizer.encode_batch`` on all texts
               (Parquet batches of 256, reading included)
shards         ``WriteShard`` (sort, rows to columns,         ``pq.write_table`` of the prebuilt table
               ``write_shard``, sha256, language counts)      (zstd)
=============  ============================================  ==========================================

The minhash, tokenize and shards steps run as an engine runs a step (setup, the
step's batches, its stage timer, finish) but in this process, with no engine
(``engine_jobs.run_step``).

Time is CPU time (this process, every thread, plus the bounded extractor's
worker process), best of --repeat runs (--extract-repeat for extraction);
"per core" is per CPU-second. MB: the stage's input bytes (compressed file
bytes for read, HTML payload bytes for extract, UTF-8 text bytes after).
Overhead = pipeline CPU / bare CPU. The 1-minute load average is recorded
with every figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402



def _pages_from_warcs(files: list[Path]):
    from thresher.io.inputs import iter_input
    from thresher.io.pages import HtmlPage
    from thresher.stats import DictStats

    pages = []
    for f in files:
        pages += [p for p in iter_input(str(f), DictStats()) if isinstance(p, HtmlPage)]
    return pages


def _aeb_pages(data: Path, limit: int):
    from thresher.io.pages import HtmlPage

    folder = data / "extract-scrapinghub-aeb"
    if limit <= 0 or not folder.is_dir():
        return []
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        body = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages.append(HtmlPage(url=truth[key].get("url") or f"https://aeb.invalid/{key}", crawl_date="",
                              record_id=key, source="aeb", offset=0, body=body, http_charset=None))
    return pages


def _row(stage: str, variant: str, library: str, items: int, mb: float, t: common.Timing,
         bare: common.Timing | None = None, **extra: Any) -> dict[str, Any]:
    row = {
        "stage": stage, "variant": variant, "bare_library": library, "items": items, "input_mb": round(mb, 4),
        "cpu_s": round(t.cpu_s, 4), "wall_s": round(t.wall_s, 4),
        "docs_per_cpu_s": round(items / t.cpu_s, 1) if t.cpu_s else None,
        "mb_per_cpu_s": round(mb / t.cpu_s, 3) if t.cpu_s else None,
        "load_1m": t.load_before[:1] + t.load_after[:1],
    }
    if bare is not None:
        row.update({
            "bare_cpu_s": round(bare.cpu_s, 4),
            "bare_docs_per_cpu_s": round(items / bare.cpu_s, 1) if bare.cpu_s else None,
            "bare_mb_per_cpu_s": round(mb / bare.cpu_s, 3) if bare.cpu_s else None,
            "bare_load_1m": bare.load_before[:1] + bare.load_after[:1],
            "overhead": common.ratio(t.cpu_s, bare.cpu_s),
        })
    row.update(extra)
    return row


def bench_input(name: str, read_files: list[Path], extra_pages: list, args, tokenizer_path: Path,
                workdir: Path) -> list[dict[str, Any]]:
    """Every stage on one input.

    The tokenizer at ``tokenizer_path`` is trained (outside any timing) on the
    first input's extracted text when it does not exist yet: inputs run
    largest first, so every input is encoded with the largest one's vocabulary.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import trafilatura
    from datasketch import MinHash

    import bench_bare
    from thresher.stages.dedup.components import star_contraction_components
    from thresher.stages.dedup.minhash import xxh3_hash32
    from thresher.stages.dedup.params import MinHashParams
    from thresher.stages.dedup.shingles import word_shingles
    from thresher.io.inputs import iter_input
    from thresher.io.pages import TextPage
    from thresher.stages.langid.fasttext_lid import bundled_lid176_path
    from thresher.config.load import config_from_dict
    from thresher.run.pages import PageProcessor
    from thresher.run.plan import page_plan
    from thresher.record import Document
    from thresher.stats import DictStats

    rows: list[dict[str, Any]] = []
    rep, erep, min_cpu = args.repeat, args.extract_repeat, args.min_cpu

    # -- read ------------------------------------------------------------------
    if read_files:
        mb = common.file_mb(read_files)
        t, pages = common.timed(lambda: [p for f in read_files for p in iter_input(str(f), DictStats())], rep, min_cpu)
        b, bare_pages = common.timed(lambda: bench_bare.read_pages(read_files), rep, min_cpu)
        rows.append(_row("read", "iter_input", "fastwarc ArchiveIterator", len(pages), mb, t, b,
                         files=len(read_files), bare_items=len(bare_pages)))
    pages = _pages_from_warcs(read_files) + extra_pages
    if not pages:
        return rows
    html_mb = sum(len(p.body) for p in pages) / 1e6

    # -- extract -----------------------------------------------------------------
    def run_processor(config: dict, items: list, method: str = "_extract"):
        processor = PageProcessor(page_plan(config_from_dict(config)))
        processor.setup()
        call = getattr(processor, method)
        call(items[0], DictStats())  # warm up: the worker process starts, lazy imports, the model loads
        try:
            return common.timed(lambda: [call(p, DictStats()) for p in items], erep if method == "_extract" else rep,
                                min_cpu, children=True)
        finally:
            processor.close()

    def docs_of(results) -> list[Document]:
        return [r for r in results if isinstance(r, Document)]

    bare_traf = lambda: [trafilatura.extract(p.body, url=p.url or None, **bench_bare.TRAFILATURA_OPTIONS)  # noqa: E731
                         for p in pages]
    b, bare_out = common.timed(bare_traf, erep, min_cpu)
    # The extractor is named: the config's default is now the combined extractor (trafilatura and resiliparse).
    t, out = run_processor({"extract": {"extractor": "trafilatura"}}, pages)
    docs = docs_of(out)
    rows.append(_row("extract", "trafilatura bounded (default)", "trafilatura.extract", len(pages), html_mb, t, b,
                     kept=len(docs), bare_kept=sum(1 for x in bare_out if x and x.strip())))
    t, out = run_processor({"extract": {"extractor": "trafilatura", "params": {"timeout_s": None}}}, pages)
    rows.append(_row("extract", "trafilatura inline", "trafilatura.extract", len(pages), html_mb, t, b,
                     kept=len(docs_of(out))))

    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    def bare_resiliparse():
        return [extract_plain_text(bytes_to_str(p.body, detect_encoding(p.body)), main_content=True,
                                   preserve_formatting=True, list_bullets=False, alt_texts=False, links=False,
                                   form_fields=False, noscript=False, comments=False) for p in pages]

    b, _ = common.timed(bare_resiliparse, erep, min_cpu)
    for variant, params in (("resiliparse bounded (default)", {}), ("resiliparse inline", {"timeout_s": None})):
        t, out = run_processor({"extract": {"extractor": "resiliparse", "params": params}}, pages)
        rows.append(_row("extract", variant, "resiliparse extract_plain_text", len(pages), html_mb, t, b,
                         kept=len(docs_of(out))))

    if not docs:
        return rows
    texts = [d.text for d in docs]
    text_mb = sum(len(x.encode("utf-8")) for x in texts) / 1e6
    text_pages = [TextPage(url=d.url, crawl_date=d.crawl_date, record_id=d.record_id, source=d.source,
                           offset=d.offset, text=d.text) for d in docs]

    # -- language ID -------------------------------------------------------------
    import fasttext

    model = fasttext.load_model(bundled_lid176_path())
    predict = model.f.predict
    b, _ = common.timed(lambda: [predict(x.replace("\n", " ") + "\n", 3, 0.0, "replace") for x in texts],
                        rep, min_cpu)
    t, _ = run_processor({"filters": []}, text_pages, "process")
    rows.append(_row("langid", "LanguageFilter via PageProcessor", "fastText f.predict", len(docs), text_mb, t, b))

    # -- quality filters -----------------------------------------------------------
    from thresher.stages.filters.registry import build_filter

    plain = [build_filter("gopher_repetition", {}), build_filter("gopher_quality", {})]

    def direct_filters():
        kept = 0
        for d in docs:
            doc = Document(id=d.id, url=d.url, text="".join(d.text))
            for f in plain:
                if f.filter(doc):
                    break
            else:
                kept += 1
        return kept

    b, _ = common.timed(direct_filters, rep, min_cpu)
    t, out = run_processor({"langid": {"enabled": False}}, text_pages, "process")
    rows.append(_row("filters", "default suite via PageProcessor", "none (direct filter calls, signals off)",
                     len(docs), text_mb, t, b, kept=len(docs_of(out))))

    # -- MinHash signatures --------------------------------------------------------
    from engine_jobs import run_step
    from thresher.run.dedup.light import LightRecords
    from thresher.run.dedup.stages import band_records
    from thresher.run.plan import DedupPlan

    params = MinHashParams(hash="xxh3")  # the config's default hash
    # The dedup job's light records with only MinHash on: batched signatures and band keys.
    minhash_only = DedupPlan(url_keep=None, exact_normalization=None, minhash=True, verify_threshold=None,
                             params=params)

    def pipeline_minhash():
        lights = run_step(LightRecords(minhash_only), docs)
        return [pair for light in lights for pair in band_records(light)]

    def bare_minhash():
        sigs = []
        for x in texts:
            m = MinHash(num_perm=112, seed=1, hashfunc=xxh3_hash32)
            m.update_batch(word_shingles(x, 5))
            sigs.append(m.hashvalues)
        return sigs

    t, band_keys = common.timed(pipeline_minhash, rep, min_cpu)
    b, _ = common.timed(bare_minhash, rep, min_cpu)
    rows.append(_row("minhash", "LightRecords + band_records (xxh3, 14x8)", "datasketch MinHash.update_batch",
                     len(docs), text_mb, t, b))

    # -- clustering ------------------------------------------------------------------
    buckets: dict[Any, list[str]] = {}
    for key, doc_id in band_keys:
        buckets.setdefault(key, []).append(doc_id)
    edges = [(m, min(ids)) for ids in buckets.values() if len(ids) > 1 for m in ids if m != min(ids)]

    def bare_components():
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components as cc

        index: dict[str, int] = {}
        a = np.fromiter((index.setdefault(u, len(index)) for u, _ in edges), dtype=np.int64, count=len(edges))
        c = np.fromiter((index.setdefault(v, len(index)) for _, v in edges), dtype=np.int64, count=len(edges))
        n = len(index)
        graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (a, c)), shape=(n, n)).tocsr()
        return cc(graph, directed=False)

    b, _ = common.timed(bare_components, rep, max(min_cpu, 0.2))
    t, (labels, rounds) = common.timed(lambda: star_contraction_components(edges, 20), rep, max(min_cpu, 0.2))
    nodes = len(labels)
    rows.append(_row("clustering", "star contraction, in memory", "scipy csgraph.connected_components", len(docs),
                     text_mb, t, b, edges=len(edges), nodes=nodes, rounds=rounds))
    if not args.skip_beam_components:
        t, labelled = _beam_components(edges)
        if edges and labelled != nodes:
            raise SystemExit(f"clustering on BeamEngine labelled {labelled} nodes, in memory {nodes}")
        rows.append(_row("clustering", "connected_components on BeamEngine, DirectRunner 1 worker", "scipy "
                         "csgraph.connected_components", len(docs), text_mb, t, b, edges=len(edges), nodes=nodes,
                         note="includes building and running a 20-round Beam pipeline (fixed cost)"))

    # -- tokenize ----------------------------------------------------------------------
    if not tokenizer_path.exists():
        from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe

        train_byte_level_bpe(sorted(texts), vocab_size=8192).save(str(tokenizer_path))
    from tokenizers import Tokenizer

    from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row
    from thresher.run.shards import TOKENIZE_BATCH, TokenizeFiles
    from thresher.stages.tokenize.encoder import DocumentTokenizer

    # The step reads a documents file, as the shards job hands it one: written here, outside the timing.
    documents_file = workdir / f"stage-documents-{name}.parquet"
    pq.write_table(pa.Table.from_pylist([document_to_row(_with_language(d)) for d in docs], schema=DOCUMENT_SCHEMA),
                   documents_file)
    raw = Tokenizer.from_file(str(tokenizer_path))
    raw.encode_special_tokens = True
    b, _ = common.timed(lambda: raw.encode_batch(texts, add_special_tokens=False), rep, min_cpu)

    def pipeline_tokenize():
        return run_step(TokenizeFiles(DocumentTokenizer(str(tokenizer_path))), [str(documents_file)])

    t, tokenized = common.timed(pipeline_tokenize, rep, min_cpu)
    tokens = sum(r["token_count"] for r in tokenized)
    rows.append(_row("tokenize", f"TokenizeFiles (Parquet batches of {TOKENIZE_BATCH})", "tokenizers encode_batch",
                     len(docs), text_mb, t, b, tokens=tokens))

    # -- shard writing -------------------------------------------------------------
    from thresher.io.shards import shard_schema

    shard_dir = workdir / f"stage-shards-{name}"
    schema = shard_schema(True)
    # The bare baseline builds its table from plain id lists. The stage code carries ids
    # packed (uint32 bytes), which from_pydict would misread as lists of byte values.
    ordered = [{**r, "token_ids": _token_list(r["token_ids"])} for r in sorted(tokenized, key=lambda r: r["id"])]
    table_t, table = common.timed(lambda: pa.Table.from_pydict(
        {f.name: [r.get(f.name) for r in ordered] for f in schema}, schema=schema), rep, min_cpu)
    shard_dir.mkdir(parents=True, exist_ok=True)
    b, _ = common.timed(lambda: pq.write_table(table, shard_dir / "bare.parquet", compression="zstd",
                                               write_statistics=True, row_group_size=10_000), rep, min_cpu)

    from thresher.run.plan import OutputPlan
    from thresher.run.shards import WriteShard

    # One shard of every row: the shard count of a job whose token target is the whole input.
    one_shard = OutputPlan(keep_text=True, shard_target_tokens=max(1, tokens), shard_target_bytes=None,
                           shuffle_seed=None, compression="zstd")

    def pipeline_shard():
        return run_step(WriteShard(str(shard_dir), one_shard), [(0, tokenized)], sides={"sizes": (tokens, 0)})

    t, _ = common.timed(pipeline_shard, rep, min_cpu)
    rows.append(_row("shards", "WriteShard (write_shard)", "pyarrow pq.write_table", len(docs), text_mb, t, b,
                     shard_mb=round(os.path.getsize(shard_dir / "shard-00000-of-00001.parquet") / 1e6, 3),
                     table_build_cpu_s=round(table_t.cpu_s, 4)))
    return rows


def _beam_components(edges) -> tuple[common.Timing, int]:
    """The dedup job's clustering on BeamEngine (Beam's local runner, 1 worker in memory), timed whole.

    :func:`thresher.run.dedup.components.connected_components` with 20 unrolled rounds
    (``edge_bound=None``: the star-contraction path, not the small-graph one), its labels counted.
    """
    from engine_jobs import CountAs, beam_engine

    from thresher.run.dedup.components import connected_components

    def job(flow) -> None:
        labels = connected_components(flow, flow.create("Edges", edges or [("a", "a")]), max_rounds=20,
                                      edge_bound=None, stage="minhash")
        flow.apply("CountLabels", labels, CountAs("labels"))

    def run() -> int:
        return beam_engine(1).run("components", job).get("labels", 0)

    run()  # warm up (imports, first pipeline)
    t, labels = common.timed(run, 1)
    return t, labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="pages of the generated crawl (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--inputs", default="sample,generated,real", help="comma-separated: sample, generated, real")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of the cheap stages; the best counts")
    ap.add_argument("--extract-repeat", type=int, default=1, help="timed runs of each extraction variant")
    ap.add_argument("--min-cpu", type=float, default=0.3, help="a timed run repeats the stage until this much CPU")
    ap.add_argument("--real-extra-pages", type=int, default=60,
                    help="article pages of extract-scrapinghub-aeb added to the real WARC pages (0: none)")
    ap.add_argument("--skip-beam-components", action="store_true",
                    help="skip the clustering run on BeamEngine (connected_components, 20 rounds)")
    ap.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    ap.add_argument("--out", type=Path, default=common.RESULTS / "stages.json")
    args = ap.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)

    wanted = [x.strip() for x in args.inputs.split(",") if x.strip()]
    inputs: list[tuple[str, list[Path], list]] = []
    skipped: dict[str, str] = {}
    for name in wanted:
        if name == "sample":
            inputs.append(("sample (bundled, 300 pages)", [common.SAMPLE], []))
        elif name == "generated":
            inputs.append((f"generated ({args.pages} pages)", [common.generated_crawl(args.pages, args.seed,
                                                                                     args.workdir)], []))
        elif name == "real":
            files = common.real_warc_files(args.data)
            extra = _aeb_pages(args.data, args.real_extra_pages)
            if not files and not extra:
                skipped["real"] = f"no real data under {args.data}"
                print(f"skipped: real data ({args.data} is absent)")
                continue
            inputs.append((f"real ({len(files)} WARC files + {len(extra)} AEB pages)", files, extra))
        else:
            ap.error(f"unknown input {name!r}")

    # One tokenizer for every input: trained on the largest input's extracted text (outside any timing).
    args.workdir.mkdir(parents=True, exist_ok=True)
    tokenizer_path = args.workdir / f"tokenizer-stages-{os.getpid()}.json"
    all_rows: list[dict[str, Any]] = []
    order = sorted(range(len(inputs)), key=lambda i: -common.file_mb(inputs[i][1]) if inputs[i][1] else 0)
    for i in order:
        name, files, extra = inputs[i]
        print(f"\n== {name}", flush=True)
        rows = bench_input(name.split(" ")[0], files, extra, args, tokenizer_path, args.workdir)
        for r in rows:
            r["input"] = name
        all_rows += rows
        _print(rows, name)

    tokenizer_path.unlink(missing_ok=True)
    common.write_results(args.out, "stages", common.command_line("bench_stages.py", argv), {
        "timing": "CPU time (process, all threads, + extraction worker process), best of repeat; "
                  "per core = per CPU-second",
        "mb": "10**6 bytes of the stage's input: compressed file bytes (read), HTML payload (extract), "
              "UTF-8 text (after)",
        "skipped": skipped,
        "rows": all_rows,
    })
    return 0


def _print(rows: list[dict[str, Any]], name: str) -> None:
    view = [dict(r, load=(r["load_1m"] or [None])[0]) for r in rows]
    common.print_table(view, [
        ("stage", "stage"), ("variant", "pipeline code"), ("items", "docs"), ("docs_per_cpu_s", "docs/CPU-s"),
        ("mb_per_cpu_s", "MB/CPU-s"), ("bare_library", "bare"), ("bare_docs_per_cpu_s", "bare docs/CPU-s"),
        ("bare_mb_per_cpu_s", "bare MB/CPU-s"), ("overhead", "overhead"), ("load", "load 1m"),
    ], title=f"{name}: per core (CPU time)")


def _token_list(ids: Any) -> list[int]:
    """Token ids as a list of ints, whether the stage code packed them as uint32 bytes or not."""
    if isinstance(ids, (bytes, bytearray, memoryview)):
        import numpy as np

        return np.frombuffer(ids, dtype="<u4").tolist()
    return list(ids)


def _with_language(doc):
    """``doc`` with a language (a documents file's rows have one; langid-off extraction leaves none)."""
    from dataclasses import replace

    return replace(doc, language=doc.language or "en", language_score=doc.language_score or 1.0)

if __name__ == "__main__":
    raise SystemExit(main())
