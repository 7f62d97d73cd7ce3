"""Tokenization + shard writing against bare ``encode_batch`` on the same text (target <= 1.2x).

    .venv/bin/python bench/bench_shards.py [--pages 2000] [--workers 1,2] [--tiny-docs 20] [--repeat 3]
                                           [--workdir /tmp/thresher-bench] [--out bench/results/shards.json]

The documents: every page of the generated crawl (``common.generated_crawl(
--pages)``) that trafilatura extracts text from, written once (cached in
--workdir) as the intermediate ``_work/documents`` Parquet the shards phase
reads; a byte-level BPE (vocab 8192) trained on them once, given to the runs
as ``tokenize.tokenizer`` so no run trains.

Measured on the same texts:

* bare: ``Tokenizer.encode_batch(all texts)``, and bare encode plus
  ``pa.Table.from_pydict`` + ``pq.write_table`` (zstd);
* stage code, in process: the shards job's steps run as an engine runs
  them, without one (``engine_jobs.run_step``): ``TokenizeFiles`` over the
  documents file (Parquet batches of 256 rows, ``encode_batch_packed`` per
  batch; reading the file is part of the step) then ``WriteShard`` (a
  ``ShardWriter``: buffer, sort, Arrow columns from the packed token ids,
  sha256) on all rows as one shard;
* the shards job (:func:`thresher.run.shards.shards`: read the documents
  dataset, tokenize, shard count, group by shard, write, manifest) through
  ``BeamEngine`` (Beam's local runner) in a fresh interpreter with each
  --workers count: CPU of the call, self + children; and the same on
  --tiny-docs documents (its fixed cost).

Time is CPU time (tokenizers encodes in Rust threads: all counted), best of
--repeat for the in-process figures. Ratio = CPU / bare ``encode_batch`` CPU.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_RATIO = 1.2


def build_documents(crawl: Path, root: Path) -> Path:
    """``root/_work/documents/part-00000-of-00001.parquet`` from the crawl's extracted pages (cached).

    The directory is a committed dataset (its ``_manifest.json`` names the file), as the dedup job leaves it.
    """
    target = root / "_work" / "documents" / "part-00000-of-00001.parquet"
    if target.exists():
        return target
    import pyarrow as pa
    import pyarrow.parquet as pq
    import trafilatura

    import bench_bare
    from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row
    from thresher.record import Document, document_id

    rows = []
    for url, date, rid, body in bench_bare.read_pages([crawl]):
        text = trafilatura.extract(body, url=url or None, **bench_bare.TRAFILATURA_OPTIONS)
        if text and text.strip():
            doc = Document(id=document_id(rid, url, date), url=url, text=text, crawl_date=date,
                           source=str(crawl), offset=0, record_id=rid, language="en", language_score=1.0)
            rows.append(document_to_row(doc))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), tmp)
    os.replace(tmp, target)
    commit_documents(target)
    return target


def commit_documents(path: Path) -> None:
    """Write the ``_manifest.json`` that makes ``path``'s directory a dataset the shards job reads."""
    import pyarrow.parquet as pq

    from thresher.run.layout import write_dataset_manifest

    write_dataset_manifest(str(path.parent), [(path.name, pq.ParquetFile(path).metadata.num_rows)], "documents")


def copy_run_root(documents: Path, root: Path, limit: int | None = None) -> Path:
    """A fresh run directory holding (the first ``limit`` of) the documents."""
    import pyarrow.parquet as pq

    shutil.rmtree(root, ignore_errors=True)
    dest = root / "_work" / "documents" / documents.name
    dest.parent.mkdir(parents=True)
    if limit is None:
        shutil.copyfile(documents, dest)
    else:
        pq.write_table(pq.read_table(documents).slice(0, limit), dest)
    commit_documents(dest)
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="pages of the generated crawl (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", default="1,2", help="DirectRunner worker counts for the Beam runs")
    ap.add_argument("--tiny-docs", type=int, default=20, help="documents of the fixed-cost runs (0: skip)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="also profile the 1-worker Beam run (cProfile, by package)")
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    ap.add_argument("--out", type=Path, default=common.RESULTS / "shards.json")
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]

    import pyarrow as pa
    import pyarrow.parquet as pq
    from tokenizers import Tokenizer

    from engine_jobs import run_step
    from thresher.io.shards import shard_schema
    from thresher.run.plan import OutputPlan
    from thresher.run.shards import TOKENIZE_BATCH, TokenizeFiles, WriteShard
    from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
    from thresher.stages.tokenize.encoder import DocumentTokenizer

    crawl = common.generated_crawl(args.pages, args.seed, args.workdir)
    cache = args.workdir / f"shards-docs-{args.pages}p-s{args.seed}"
    documents = build_documents(crawl, cache)
    if not (documents.parent / "_manifest.json").exists():  # cached by a version that wrote none
        commit_documents(documents)
    table = pq.read_table(documents)
    doc_rows = table.to_pylist()
    texts = [r["text"] for r in doc_rows]
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    tok_path = cache / "tokenizer.json"
    if not tok_path.exists():
        train_byte_level_bpe(sorted(texts), vocab_size=8192).save(str(tok_path))
    print(f"{len(texts)} documents, {text_mb:.2f} MB of text, load {common.load_average()}")

    raw = Tokenizer.from_file(str(tok_path))
    raw.encode_special_tokens = True
    eos = raw.token_to_id("<|endoftext|>")
    rows: list[dict[str, Any]] = []

    def add(label: str, t: common.Timing, kind: str, **extra: Any) -> None:
        rows.append({"variant": label, "kind": kind, "docs": extra.pop("docs", len(texts)),
                     "cpu_s": round(t.cpu_s, 4), "wall_s": round(t.wall_s, 4),
                     "docs_per_cpu_s": round(len(texts) / t.cpu_s, 1) if t.cpu_s else None,
                     "mb_per_cpu_s": round(text_mb / t.cpu_s, 3) if t.cpu_s else None,
                     "load_1m": t.load_before[:1] + t.load_after[:1], **extra})

    bare_t, encodings = common.timed(lambda: raw.encode_batch(texts, add_special_tokens=False), args.repeat)
    add("bare encode_batch (all texts, one call)", bare_t, "bare")
    ids = [e.ids + [eos] for e in encodings]
    schema = shard_schema(True)
    out_dir = args.workdir / "shards-bench-out"
    out_dir.mkdir(parents=True, exist_ok=True)

    def bare_encode_write():
        enc = [e.ids + [eos] for e in raw.encode_batch(texts, add_special_tokens=False)]
        cols = {f.name: [r.get(f.name) for r in doc_rows] for f in schema if f.name not in ("token_ids", "token_count")}
        cols["token_ids"], cols["token_count"] = enc, [len(x) for x in enc]
        pq.write_table(pa.Table.from_pydict(cols, schema=schema), out_dir / "bare.parquet", compression="zstd")

    t, _ = common.timed(bare_encode_write, args.repeat)
    add("bare encode_batch + from_pydict + pq.write_table", t, "bare")

    def stage_code():
        tokenized = run_step(TokenizeFiles(DocumentTokenizer(str(tok_path))), [str(documents)])
        sizes = (sum(r["token_count"] for r in tokenized), 0)
        # One shard of every row, as the shard count of a job whose target is the whole input.
        output = OutputPlan(keep_text=True, shard_target_tokens=max(1, sizes[0]), shard_target_bytes=None,
                            shuffle_seed=None, compression="zstd")
        return run_step(WriteShard(str(out_dir), output), [(0, tokenized)], sides={"sizes": sizes})

    t, _ = common.timed(stage_code, args.repeat)
    add(f"stage code in process (TokenizeFiles x{TOKENIZE_BATCH} + WriteShard)", t, "pipeline")

    fixed: dict[str, Any] = {}
    for w in workers:
        config = {"output": {"path": ""}, "tokenize": {"tokenizer": str(tok_path)},
                  "runner": {"name": "direct", "workers": w}}
        for label, limit in (("", None), ("tiny", args.tiny_docs or None)):
            if label == "tiny" and not args.tiny_docs:
                continue
            root = copy_run_root(documents, args.workdir / f"shards-run-w{w}{label}", limit)
            config["output"]["path"] = str(root)
            print(f"  running the shards job on BeamEngine, {w} worker(s)"
                  f"{', ' + str(limit) + ' docs' if limit else ''} ...", flush=True)
            rep = common.run_child("shards", {"config": config}, args.workdir)
            if not rep["ok"]:
                print(rep["error"][-1500:])
                continue
            t = common.Timing(rep["cpu_s"], rep["wall_s"], rep["load_1m_before"], rep["load_1m_after"])
            if label == "tiny":
                fixed[f"direct_{w}"] = {"docs": limit, "cpu_s": rep["cpu_s"], "wall_s": rep["wall_s"]}
            else:
                add(f"shards job on BeamEngine, DirectRunner {w} worker{'s' if w > 1 else ''}", t, "pipeline",
                    shards=rep.get("shards"), tokens=rep.get("tokens"), roles=rep["roles"])

    profile = None
    if args.profile:
        from bench_e2e import profile_summary, top_functions

        root = copy_run_root(documents, args.workdir / "shards-run-profile")
        prof_path = args.workdir / "shards-profile.pstats"
        config = {"output": {"path": str(root)}, "tokenize": {"tokenizer": str(tok_path)},
                  "runner": {"name": "direct", "workers": 1}}
        print("  running the shards job on BeamEngine, 1 worker, under cProfile ...", flush=True)
        rep = common.run_child("shards", {"config": config, "profile": str(prof_path)}, args.workdir)
        if rep["ok"]:
            profile = {"by_package": profile_summary(prof_path), "top_cumulative": top_functions(prof_path, 40)}

    for r in rows:
        r["vs_bare_encode"] = common.ratio(r["cpu_s"], bare_t.cpu_s)
        r["target_met"] = r["vs_bare_encode"] <= TARGET_RATIO if r["kind"] == "pipeline" else None
        key = None
        if "DirectRunner" in r["variant"]:
            key = f"direct_{r['variant'].split('DirectRunner ')[-1].split(' ')[0]}"
        if key and key in fixed:
            r["fixed_cpu_s"] = fixed[key]["cpu_s"]
            r["marginal_vs_bare_encode"] = round((r["cpu_s"] - fixed[key]["cpu_s"]) / bare_t.cpu_s, 3)
    view = [dict(r, load=r["load_1m"][0] if r["load_1m"] else None) for r in rows]
    common.print_table(view, [
        ("variant", "tokenize + shards"), ("docs", "docs"), ("cpu_s", "CPU s"), ("wall_s", "wall s"),
        ("docs_per_cpu_s", "docs/CPU-s"), ("mb_per_cpu_s", "MB/CPU-s"), ("vs_bare_encode", "x bare encode"),
        ("target_met", f"<= {TARGET_RATIO}x"), ("fixed_cpu_s", f"fixed CPU s ({args.tiny_docs} docs)"),
        ("marginal_vs_bare_encode", "marginal x bare"), ("load", "load 1m"),
    ], title=f"tokenization + shard writing, {len(texts)} documents ({text_mb:.2f} MB of text)")
    if profile:
        common.print_table(profile["by_package"], [("where", "where (own time)"), ("seconds", "s"),
                                                   ("share", "share")],
                           title="cProfile of the 1-worker shards job on BeamEngine, by package")
        common.print_table(profile["top_cumulative"][:25], [("function", "function"), ("calls", "calls"),
                                                            ("own_s", "own s"), ("cumulative_s", "cumulative s")],
                           title="cProfile: most cumulative time")
    common.write_results(args.out, "shards", common.command_line("bench_shards.py", argv), {
        "input": {"crawl": str(crawl), "pages": args.pages, "documents": len(texts), "text_mb": round(text_mb, 3)},
        "target": f"tokenization + shard writing CPU <= {TARGET_RATIO} x bare encode_batch CPU",
        "rows": rows,
        "fixed_costs": fixed,
        "profile_by_package": profile,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
