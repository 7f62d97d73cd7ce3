"""The config's schema: every section and key, with the defaults (the RefinedWeb/FineWeb recipe)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def bundled_sample_path() -> str:
    return str(Path(__file__).resolve().parent.parent / "resources" / "sample.warc.gz")


@dataclass
class InputConfig:
    #: Paths or globs (any scheme), or ``*.paths(.gz)`` lists; empty means the bundled sample.
    paths: list[str] = field(default_factory=list)
    #: ``auto`` (by file name and content), ``warc``, ``arc``, ``wet``, ``jsonl`` or ``parquet``.
    format: str = "auto"
    #: Payloads larger than this, after decompression, are counted and skipped.
    max_payload_bytes: int = 10 * 1024 * 1024
    #: Field names of pre-extracted JSONL/Parquet corpora.
    text_field: str = "text"
    url_field: str = "url"
    #: The document id, as it is (null: ids derived from URL and date).
    id_field: str | None = "id"
    date_field: str | None = None
    #: Input columns carried into the shards as they are, with their Arrow types.
    keep_fields: list[str] = field(default_factory=list)
    #: fsspec options for remote paths (credentials, ``endpoint_url``, ...); remote workers get the
    #: non-secret ones only (io/worker_storage.py).
    storage_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class OutputConfig:
    #: A local folder or any fsspec URL (``s3://bucket/run``, ``gs://...``): shards, manifest and ``_work/``.
    path: str = "thresher-out"
    #: fsspec options for the output's store (credentials, ``endpoint_url``...); never recorded, and
    #: remote workers get the non-secret ones only (io/worker_storage.py).
    storage_options: dict[str, Any] = field(default_factory=dict)
    #: Keep the document text in the shards beside the token ids.
    keep_text: bool = True
    #: Target tokens per shard; the number of shards follows from the corpus size.
    shard_target_tokens: int = 100_000_000
    #: Target Parquet bytes per shard (estimated before writing); when set, the
    #: shard count is the larger of what the token and the byte targets ask for.
    shard_target_bytes: int | None = None
    #: Null: shards by id hash, rows sorted by id. A seed: a seeded global shuffle of
    #: documents across and within shards, the same on every run with that seed.
    shuffle_seed: int | None = None
    compression: str = "zstd"
    #: While the kept documents' files hold at most this many bytes, one task writes every shard
    #: with no shuffle (a local runner then holds no document in its driver); above it, documents
    #: meet their shard's writer through a grouping across workers. The shards are the same.
    one_writer_max_bytes: int = 1 << 30
    #: Keep measured filter signals (ratios, scores) on documents.
    keep_signals: bool = False
    #: Dropped documents kept per drop reason in audit.json (0 switches it off).
    audit_samples_per_reason: int = 5
    #: A run whose input records are errors in a larger share than this exits with status 5.
    max_error_share: float = 0.05
    #: Write every dropped document (stage, reason, signals, text) to ``dropped/*.parquet``.
    keep_dropped: bool = False


@dataclass
class UrlFilterConfig:
    enabled: bool = True
    #: Keyword arguments of the URL filter (blocklist and word-list paths, ...).
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractConfig:
    #: ``combined`` (trafilatura and resiliparse, the better text per page), ``trafilatura`` or ``resiliparse``.
    extractor: str = "combined"
    #: For ``combined``: ``default`` (both libraries on every page) or ``fast`` (resiliparse first,
    #: leaving out containers named like boilerplate and keeping to the page's main <article>;
    #: trafilatura only where resiliparse finds no text); in both, ``language_gate`` below may leave
    #: trafilatura out on a page. See docs/EXTRACTION.md.
    profile: str = "default"
    #: For ``combined``, when ``langid.languages`` lists the languages to keep: skip trafilatura on a
    #: page whose resiliparse text is confidently (lid.176 score >= 0.5) in another language, since the
    #: language stage drops it whatever its text. ``false`` runs trafilatura on every such page too.
    language_gate: bool = True
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class LangIdConfig:
    enabled: bool = True
    #: fastText model path; null means the bundled quantised lid.176.
    model: str | None = None
    threshold: float | None = 0.65
    #: Languages to keep; null keeps every language.
    languages: list[str] | None = None
    #: Per-language thresholds overriding ``threshold``.
    thresholds: dict[str, float] = field(default_factory=dict)
    top_k: int = 3


@dataclass
class UrlDedupConfig:
    enabled: bool = True
    #: Which copy of a URL to keep: the ``latest`` or the ``earliest`` crawl.
    keep: str = "latest"


@dataclass
class ExactDedupConfig:
    enabled: bool = True


@dataclass
class MinHashConfig:
    enabled: bool = True
    ngram: int = 5
    bands: int = 14
    rows: int = 8
    seed: int = 1
    #: ``default`` (lower case, folded whitespace) or ``refinedweb``.
    normalization: str = "default"
    #: Shingle hash: ``xxh3`` (fast) or ``sha1`` (datasketch's default hashfunc);
    #: either way signatures equal datasketch's given the same hash function.
    hash: str = "xxh3"
    #: Unrolled connected-component rounds; raise for very long duplicate chains.
    max_rounds: int = 20
    #: Check each LSH candidate pair by exact shingle Jaccard before clustering (off, as in FineWeb).
    verify: bool = False
    #: Jaccard a candidate pair needs when verify is on; null = the S-curve threshold (1/bands)^(1/rows).
    verify_threshold: float | None = None
    #: (FineWeb-2) Compare documents only within their language.
    per_language: bool = False
    #: (FineWeb-2) Keep each kept document's duplicate-cluster size as a shard column (it upsamples by it).
    keep_cluster_size: bool = False


@dataclass
class IndexDedupConfig:
    #: Dedup indexes of earlier runs: documents they already hold are dropped.
    read: list[str] = field(default_factory=list)
    #: What drops a document: any of url, text, near.
    matches: list[str] = field(default_factory=lambda: ["url", "text", "near"])
    #: Write this run's index (of its kept documents) here; null writes none.
    write: str | None = None


@dataclass
class DedupConfig:
    url: UrlDedupConfig = field(default_factory=UrlDedupConfig)
    exact: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    index: IndexDedupConfig = field(default_factory=IndexDedupConfig)


@dataclass
class TokenizeConfig:
    #: tokenizer.json path; null trains a byte-level BPE on the run's kept text.
    tokenizer: str | None = None
    vocab_size: int = 8192
    eos_token: str = "<|endoftext|>"
    #: Cap on documents used to train a tokenizer.
    train_max_documents: int = 200_000


@dataclass
class RunnerConfig:
    #: An engine of :mod:`thresher.engines`: ``direct`` (Beam, this machine), ``local`` (this machine,
    #: no Beam), ``prism``, ``portable``, ``dataflow`` or ``spark``.
    name: str = "direct"
    #: Local parallelism; null uses every core.
    workers: int | None = None
    #: Phase A processes input files in passes of this many, each committed when it
    #: ends: a crash loses at most one pass. Null: one pass over every file.
    files_per_pass: int | None = None
    #: Phase A reads input files in ranges of about this many bytes, one per task (per-record gzip
    #: WARC/WET and Parquet files split; others are read whole); small inputs are cut finer so
    #: every worker has work.
    unit_bytes: int = 64 * 1024 * 1024
    #: Extra engine options passed through (Beam pipeline options or Spark conf).
    options: dict[str, Any] = field(default_factory=dict)


def _default_filters() -> list[dict[str, dict[str, Any]]]:
    return [{"gopher_repetition": {}}, {"gopher_quality": {}}]


@dataclass
class PipelineConfig:
    #: ``refinedweb``, ``fineweb`` or ``fineweb2``: start from that recipe (keys set here still win).
    preset: str | None = None
    input: InputConfig = field(default_factory=InputConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    url_filter: UrlFilterConfig = field(default_factory=UrlFilterConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    langid: LangIdConfig = field(default_factory=LangIdConfig)
    #: Ordered quality filters: a list of ``{filter_name: {param: value}}``.
    filters: list[dict[str, dict[str, Any]]] = field(default_factory=_default_filters)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)

    def input_paths(self) -> list[str]:
        return list(self.input.paths) or [bundled_sample_path()]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
