"""``SequenceLoader``: exact sequences, split across ranks without overlap or gap, resumable."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from test_inspect_fixture import make_run
from thresher.errors import ThresherError
from thresher.tools.loader import (
    SequenceLoader,
    full_sequences,
    mix_key,
    open_run,
    permutation,
    rank_range,
    worker_rank,
)

SEQ_LEN = 16


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    # Row groups of 4 rows: the shuffle crosses row-group boundaries inside each shard.
    return make_run(tmp_path_factory.mktemp("loader") / "run", row_group_size=4)


def _windows(stream: np.ndarray, seq_len: int) -> list[np.ndarray]:
    return [stream[i * seq_len : i * seq_len + seq_len + 1] for i in range((len(stream) - 1) // seq_len)]


def _as_tuples(sequences) -> list[tuple[int, ...]]:
    return [tuple(int(t) for t in s) for s in sequences]


def _file_order_stream(run) -> np.ndarray:
    return np.concatenate([np.asarray(r["token_ids"], dtype=np.int64) for r in run.rows])


def _documented_shuffled_stream(run, seed: int, epoch: int) -> np.ndarray:
    """The stream as docs/SHARDS.md defines it, rebuilt from the public permutation function."""
    parts = []
    shard_order = permutation(len(run.shards), mix_key(seed, epoch))
    for s in shard_order:
        table = pq.ParquetFile(run.shard_file(int(s)))
        groups = permutation(table.metadata.num_row_groups, mix_key(seed, epoch, int(s)))
        for g in groups:
            docs = table.read_row_group(int(g), columns=["token_ids"]).column("token_ids").to_pylist()
            for d in permutation(len(docs), mix_key(seed, epoch, int(s), int(g))):
                parts.append(np.asarray(docs[int(d)], dtype=np.int64))
    return np.concatenate(parts)


def test_unshuffled_single_rank_yields_every_full_window_in_file_order(run):
    stream = _file_order_stream(run)
    loader = SequenceLoader(str(run.path), SEQ_LEN, shuffle=False)
    got = list(loader)
    expected = _windows(stream, SEQ_LEN)
    assert len(got) == len(expected) == (len(stream) - 1) // SEQ_LEN == len(loader)
    assert _as_tuples(got) == _as_tuples(expected)
    assert all(s.shape == (SEQ_LEN + 1,) and s.dtype == np.uint16 for s in got)


@pytest.mark.parametrize("world_size", [1, 2, 3])
def test_ranks_tile_the_global_sequences_exactly(run, world_size):
    expected = _as_tuples(_windows(_documented_shuffled_stream(run, seed=11, epoch=0), SEQ_LEN))
    per_rank = [
        _as_tuples(SequenceLoader(str(run.path), SEQ_LEN, rank=r, world_size=world_size, seed=11))
        for r in range(world_size)
    ]
    # Contiguous blocks, in rank order, sizes differing by at most one.
    assert [s for rank in per_rank for s in rank] == expected
    sizes = [len(rank) for rank in per_rank]
    assert sum(sizes) == len(expected) and max(sizes) - min(sizes) <= 1
    start = 0
    for rank, sequences in enumerate(per_rank):
        assert sequences == expected[start : start + len(sequences)], f"rank {rank}"
        start += len(sequences)


def test_shuffle_is_a_permutation_of_documents_fixed_by_seed_and_epoch(run):
    def first(seed, epoch):
        loader = SequenceLoader(str(run.path), SEQ_LEN, seed=seed)
        loader.set_epoch(epoch)
        return _as_tuples(list(loader))

    assert first(1, 0) == first(1, 0)
    assert first(1, 0) != first(1, 1) != first(2, 0)
    assert first(1, 0) != _as_tuples(_windows(_file_order_stream(run), SEQ_LEN))
    shuffled = _documented_shuffled_stream(run, seed=1, epoch=0)
    assert sorted(shuffled.tolist()) == sorted(_file_order_stream(run).tolist())
    # Every document appears whole: the EOS-separated pieces are exactly the documents.
    eos = run.tokenizer.eos_id
    pieces = np.split(shuffled, np.flatnonzero(shuffled == eos)[:-1] + 1)
    assert sorted(map(tuple, pieces)) == sorted(tuple(r["token_ids"]) for r in run.rows)


def test_drop_remainder_gives_equal_counts(run):
    total = SequenceLoader(str(run.path), SEQ_LEN).global_sequences
    lengths = [len(SequenceLoader(str(run.path), SEQ_LEN, rank=r, world_size=3, drop_remainder=True))
               for r in range(3)]
    assert lengths == [total // 3] * 3


def test_resume_from_state_continues_with_the_very_next_sequence(run):
    options = dict(rank=1, world_size=2, seed=5, epochs=2)
    full = _as_tuples(SequenceLoader(str(run.path), SEQ_LEN, **options))
    assert len(full) == 2 * len(SequenceLoader(str(run.path), SEQ_LEN, **options))
    for stop in (0, 7, len(full) // 2, len(full) // 2 + 3, len(full)):  # incl. the epoch boundary
        first = SequenceLoader(str(run.path), SEQ_LEN, **options)
        # islice takes exactly `stop` sequences: none is drawn and then dropped.
        taken = list(itertools.islice(first, stop))
        state = json.loads(json.dumps(first.state_dict()))  # a state survives a JSON checkpoint
        second = SequenceLoader(str(run.path), SEQ_LEN, **options)
        second.load_state_dict(state)
        assert _as_tuples(taken) + _as_tuples(second) == full, f"stopped after {stop}"


def test_iterating_again_after_break_continues(run):
    loader = SequenceLoader(str(run.path), SEQ_LEN, seed=3)
    full = _as_tuples(SequenceLoader(str(run.path), SEQ_LEN, seed=3))
    head = []
    for sequence in loader:
        head.append(sequence)
        if len(head) == 10:
            break
    assert loader.state_dict()["sequence"] == 10
    assert _as_tuples(head) + _as_tuples(loader) == full
    assert loader.state_dict()["epoch"] == 1 and list(loader) == []


def test_state_from_another_configuration_is_refused(run):
    state = SequenceLoader(str(run.path), SEQ_LEN, seed=1).state_dict()
    with pytest.raises(ThresherError, match="seq_len was 16, this loader has 32"):
        SequenceLoader(str(run.path), 32, seed=1).load_state_dict(state)
    with pytest.raises(ThresherError, match="rank was 0, this loader has 1"):
        SequenceLoader(str(run.path), SEQ_LEN, seed=1, rank=1, world_size=2).load_state_dict(
            {**state, "world_size": 2})


def test_remote_style_url_reads_through_fsspec(run):
    fsspec = pytest.importorskip("fsspec", reason="fsspec is not installed")
    memory = fsspec.filesystem("memory")
    for path in run.path.iterdir():
        if path.is_file():
            memory.pipe(f"/thresher-test/run/{path.name}", path.read_bytes())
    try:
        remote = list(SequenceLoader("memory://thresher-test/run", SEQ_LEN, seed=4, rank=1, world_size=2))
        local = list(SequenceLoader(str(run.path), SEQ_LEN, seed=4, rank=1, world_size=2))
        assert _as_tuples(remote) == _as_tuples(local) and len(local) > 0
        assert open_run("memory://thresher-test/run/manifest.json").total_documents == 36
    finally:
        memory.rm("/thresher-test", recursive=True)


def test_dtype_choice(run):
    wide = next(iter(SequenceLoader(str(run.path), SEQ_LEN, dtype=np.int64)))
    narrow = next(iter(SequenceLoader(str(run.path), SEQ_LEN)))
    assert wide.dtype == np.int64 and narrow.dtype == np.uint16 and (wide == narrow).all()
    with pytest.raises(ThresherError, match="cannot hold every token id of a 400-token vocabulary"):
        SequenceLoader(str(run.path), SEQ_LEN, dtype=np.uint8)


def test_sequence_longer_than_the_corpus_yields_nothing(run):
    loader = SequenceLoader(str(run.path), 10**6)
    assert len(loader) == 0 and list(loader) == []


def test_a_manifest_that_miscounts_tokens_is_refused(tmp_path):
    bad = make_run(tmp_path / "run")
    manifest = json.loads(bad.manifest_path.read_text())
    manifest["shards"][0]["tokens"] += 5
    bad.manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ThresherError, match="token_count sums to .* but the manifest says"):
        list(SequenceLoader(str(bad.path), SEQ_LEN, shuffle=False))


def test_partition_arithmetic():
    assert full_sequences(0, 4) == 0 and full_sequences(5, 4) == 1 and full_sequences(9, 4) == 2
    assert [rank_range(10, r, 3) for r in range(3)] == [range(0, 4), range(4, 7), range(7, 10)]
    assert [rank_range(10, r, 3, drop_remainder=True) for r in range(3)] == [range(0, 3), range(3, 6), range(6, 9)]
    assert rank_range(2, 2, 3) == range(2, 2)
    assert sorted(worker_rank(r, 2, w, 3) for r in range(2) for w in range(3)) == [(i, 6) for i in range(6)]
    with pytest.raises(ThresherError, match="rank must be in"):
        rank_range(10, 3, 3)


def test_permutation_is_stable_across_calls_and_keys():
    p = permutation(1000, mix_key(7, 0))
    assert sorted(p.tolist()) == list(range(1000))
    assert (p == permutation(1000, mix_key(7, 0))).all() and not (p == permutation(1000, mix_key(7, 1))).all()
    # Pinned values: the order is part of the contract and must not drift with NumPy versions.
    assert mix_key(0, 0) == 0xA706DD2F4D197E6F
    assert permutation(8, mix_key(0, 0)).tolist() == [0, 1, 6, 3, 5, 4, 2, 7]


def test_splitmix64_matches_the_reference_generator():
    from thresher.tools.loader.order import splitmix64

    # The first output of Vigna's SplitMix64 seeded with 0.
    assert splitmix64(0) == 0xE220A8397B1DCDAF
