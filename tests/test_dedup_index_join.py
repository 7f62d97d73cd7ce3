"""The index rule as a join (thresher.stages.dedup.index_join) against the in-memory reference (match_index)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from thresher.stages.dedup.index import MATCHES, REASONS, document_keys, load_index, match_index, read_meta, write_index
from thresher.stages.dedup.index_join import (
    TABLE_OF,
    batch_match_keys,
    best_hit,
    hit_outcome,
    index_row_key,
    iter_index_rows,
    key_hits,
)

from test_dedup_index import PARAMS, _crawls


def _joined(index_dir: str, docs, matches) -> dict[str, tuple[str, str | None] | None]:
    """The two joins, done with dicts: keys with index rows, then hits with documents."""
    files = read_meta(index_dir)
    groups: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for key, doc_id in batch_match_keys(docs, PARAMS, matches):
        groups[key][0].append(doc_id)
    for match in matches:
        for path in files.table_files(TABLE_OF[match]):
            for row in iter_index_rows(path):
                key, indexed_id = index_row_key(match, row)
                groups[key][1].append(indexed_id)
    hits: dict[str, list] = defaultdict(list)
    for key, (doc_ids, indexed_ids) in groups.items():
        for doc_id, hit in key_hits(key, doc_ids, indexed_ids):
            hits[doc_id].append(hit)
    out = {}
    for d in docs:
        hit = best_hit(hits[d.id])
        out[d.id] = None if hit is None else hit_outcome(hit)
    return out


@pytest.mark.parametrize("matches", [MATCHES, ("url",), ("text", "near"), ("near",)])
def test_the_join_rule_is_the_reference_rule(tmp_path, matches):
    old, new = _crawls()
    write_index(str(tmp_path / "idx"), old, PARAMS)
    index = load_index(str(tmp_path / "idx"), PARAMS)
    expected = {}
    for keys in document_keys(new, PARAMS):
        found = match_index(keys, index, matches)
        expected[keys.id] = None if found is None else (REASONS[found[0]], found[1])
    assert _joined(str(tmp_path / "idx"), new, matches) == expected
    assert any(v is not None for v in expected.values()) and any(v is None for v in expected.values())


def test_a_key_no_document_holds_reads_no_index_row():
    def rows():
        raise AssertionError("index rows read for a key no document holds")
        yield  # pragma: no cover

    assert list(key_hits(("u", "k"), [], rows())) == []
    assert list(key_hits(("n", 3, b"h"), ["b", "a"], ["", ""])) == [("b", (2, "")), ("a", (2, ""))]
    assert hit_outcome((2, "")) == ("in_index_near", None)
