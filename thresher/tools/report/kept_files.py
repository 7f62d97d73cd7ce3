"""The kept documents, read once: lengths, token counts, domains kept and example documents.

Shards are read column by column and batch by batch (token ids are never loaded); when the shards
keep no text, lengths and example texts come from ``_work/documents``, which the shards phase
tokenized exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from thresher.io import storage
from thresher.errors import ThresherError
from thresher.tools.report.domains import DomainCounts
from thresher.tools.report.run_paths import BATCH, dataset_parts, value_set
from thresher.run.layout import RunLayout

#: Kept documents shown per language, and the characters of each one's text kept for the page.
EXAMPLES_PER_LANGUAGE = 3
EXAMPLE_CHARS = 1200


@dataclass
class ShardMeasures:
    """Per-document measurements over every shard, in manifest order."""

    #: Characters (code points, as ``len(text)`` counts them) per document; None when no text is kept.
    char_lengths: list[int] | None
    token_counts: list[int]
    #: Where the characters were counted: "shards", or "_work/documents" when the shards hold no text.
    chars_source: str | None = None

    @property
    def total_chars(self) -> int | None:
        return None if self.char_lengths is None else sum(self.char_lengths)


@dataclass(frozen=True)
class KeptExample:
    id: str
    url: str
    language: str
    token_count: int | None
    #: The first :data:`EXAMPLE_CHARS` characters; ``None`` when no text is left anywhere.
    text: str | None
    chars: int | None


@dataclass
class KeptDocuments:
    """What the shards hold besides lengths: example documents per language and the domains kept."""

    #: language → the documents with the smallest ids (a deterministic, hash-random sample).
    examples: dict[str, list[KeptExample]] = field(default_factory=dict)
    domains: DomainCounts = field(default_factory=DomainCounts)
    #: Where the examples' text came from: "shards", "_work/documents" or None (nowhere).
    text_source: str | None = None


class _ExamplePicker:
    """The ``count`` smallest ids per language, streamed: a short sorted list per language."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._picked: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def wants(self, language: str, doc_id: str) -> bool:
        picked = self._picked.get(language)
        return picked is None or len(picked) < self.count or doc_id < picked[-1][0]

    def add(self, language: str, doc_id: str, row: dict[str, Any]) -> None:
        picked = self._picked.setdefault(language, [])
        bisect.insort(picked, (doc_id, row), key=lambda item: item[0])
        del picked[self.count:]

    def picked(self) -> dict[str, list[dict[str, Any]]]:
        return {lang: [row for _, row in picked] for lang, picked in self._picked.items()}


def read_kept_documents(root: str, manifest: dict[str, Any]) -> tuple[ShardMeasures, KeptDocuments]:
    """One pass over the shards: lengths, token counts, domains kept and example documents.

    Columns are read batch by batch (token ids are never loaded); text is read only when the
    shards keep it, otherwise lengths and example texts come from ``_work/documents``.
    """
    import pyarrow.compute as pc

    char_lengths: list[int] | None = []
    token_counts: list[int] = []
    kept = KeptDocuments()
    picker = _ExamplePicker(EXAMPLES_PER_LANGUAGE)
    for shard in manifest["shards"]:
        path = storage.join(root, str(shard.get("name", "")))
        if not storage.exists(path):
            raise ThresherError(f"shard {path} named in manifest.json is missing")
        parquet = storage.open_parquet(path)
        present = set(parquet.schema_arrow.names)
        if "text" not in present:
            char_lengths = None  # keep_text: false, lengths are unknowable from the shards
        wanted = [c for c in ("id", "url", "language", "token_count", "text") if c in present]
        if "text" in wanted and char_lengths is None:
            wanted.remove("text")
        for batch in parquet.iter_batches(columns=wanted, batch_size=BATCH):
            columns = dict(zip(batch.schema.names, batch.columns))
            tokens = columns["token_count"].to_pylist()
            token_counts.extend(tokens)
            lengths = pc.utf8_length(columns["text"]).to_pylist() if "text" in columns else None
            if char_lengths is not None and lengths is not None:
                char_lengths.extend(lengths)
            urls = columns["url"].to_pylist() if "url" in columns else [""] * len(tokens)
            kept.domains.add_kept(urls, tokens)
            if "id" in columns:
                _pick_examples(picker, columns, tokens, lengths, urls)
    kept.examples = _examples(picker.picked())
    if char_lengths is not None:
        kept.text_source = "shards" if kept.examples else None
        return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source="shards"), kept
    # keep_text: false. The shards phase tokenized exactly the documents table, so its text
    # gives the same lengths and texts, as long as the work directory is still there.
    wanted_ids = {ex.id for examples in kept.examples.values() for ex in examples}
    char_lengths, texts = _document_table_text(root, wanted_ids)
    if texts:
        kept.examples = {
            lang: [_with_text(ex, texts.get(ex.id)) for ex in examples] for lang, examples in kept.examples.items()
        }
        kept.text_source = "_work/documents"
    source = "_work/documents" if char_lengths is not None else None
    return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source=source), kept


def _pick_examples(picker: _ExamplePicker, columns: dict, tokens: list, lengths: list | None, urls: list) -> None:
    ids = columns["id"].to_pylist()
    languages = columns["language"].to_pylist() if "language" in columns else [None] * len(ids)
    text = columns.get("text")
    for i, (doc_id, language) in enumerate(zip(ids, languages)):
        lang = language or "unknown"  # the manifest's name for documents without a language
        if picker.wants(lang, doc_id):
            picker.add(lang, doc_id, {
                "id": doc_id, "url": urls[i] or "", "language": lang, "token_count": tokens[i],
                "text": text[i].as_py()[:EXAMPLE_CHARS] if text is not None else None,
                "chars": lengths[i] if lengths is not None else None,
            })


def _examples(picked: dict[str, list[dict[str, Any]]]) -> dict[str, list[KeptExample]]:
    return {lang: [KeptExample(**row) for row in rows] for lang, rows in picked.items()}


def _with_text(example: KeptExample, text: str | None) -> KeptExample:
    if text is None:
        return example
    return KeptExample(example.id, example.url, example.language, example.token_count,
                       text[:EXAMPLE_CHARS], len(text))


def _document_table_text(root: str, ids: set[str]) -> tuple[list[int] | None, dict[str, str]]:
    """Every text length of ``_work/documents``, and the whole texts of ``ids``."""
    import pyarrow.compute as pc

    files = dataset_parts(RunLayout.of(root).documents)
    if not files:
        return None, {}
    lengths: list[int] = []
    texts: dict[str, str] = {}
    for path in files:
        for batch in storage.open_parquet(path).iter_batches(columns=["id", "text"], batch_size=BATCH):
            lengths.extend(pc.utf8_length(batch.column("text")).to_pylist())
            if ids:
                for row in batch.filter(pc.is_in(batch.column("id"), value_set(ids))).to_pylist():
                    texts[row["id"]] = row["text"]
    return lengths, texts
