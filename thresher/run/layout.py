"""Where a run reads and writes: input expansion and the output directory's layout."""

from __future__ import annotations

import glob
import gzip
import os
from dataclasses import dataclass

from thresher.errors import ThresherError


def expand_inputs(patterns: list[str]) -> list[str]:
    """Expand globs and ``*.paths``/``*.paths.gz`` lists (Common Crawl style) to sorted files."""
    files: list[str] = []
    for pattern in patterns:
        if pattern.endswith((".paths", ".paths.gz")):
            opener = gzip.open if pattern.endswith(".gz") else open
            with opener(pattern, "rt", encoding="utf-8") as fh:
                base = os.path.dirname(pattern)
                for line in fh:
                    line = line.strip()
                    if line and not line.startswith("#"):
                        files.append(line if "://" in line or os.path.isabs(line) else os.path.join(base, line))
            continue
        if "://" in pattern:
            files.append(pattern)
            continue
        matches = sorted(glob.glob(os.path.expanduser(pattern)))
        if not matches:
            raise ThresherError(f"input: no file matches {pattern!r}")
        files.extend(m for m in matches if os.path.isfile(m))
    # Sorted and unique: the input set, not the order it was named in, defines the run.
    return sorted(set(files))


@dataclass(frozen=True)
class RunLayout:
    root: str
    input_files: tuple[str, ...]

    @classmethod
    def create(cls, root: str, patterns: list[str]) -> "RunLayout":
        return cls(root=os.path.abspath(root), input_files=tuple(expand_inputs(patterns)))

    @property
    def work(self) -> str:
        return os.path.join(self.root, "_work")

    @property
    def phase_a(self) -> str:
        return os.path.join(self.work, "phase_a")

    @property
    def documents_prefix(self) -> str:
        return os.path.join(self.work, "documents", "part")

    @property
    def documents_glob(self) -> str:
        return os.path.join(self.work, "documents", "part*.parquet")

    @property
    def duplicates_prefix(self) -> str:
        return os.path.join(self.work, "duplicates", "part")

    @property
    def manifest(self) -> str:
        return os.path.join(self.root, "manifest.json")

    @property
    def stats(self) -> str:
        return os.path.join(self.root, "stats.json")

    @property
    def worker_log(self) -> str:
        return os.path.join(self.work, "logs", "workers.log")

    @property
    def progress(self) -> str:
        return os.path.join(self.work, "progress")

    @property
    def audit(self) -> str:
        return os.path.join(self.root, "audit.json")

    @property
    def run_log(self) -> str:
        return os.path.join(self.root, "run.log.jsonl")

    @property
    def report(self) -> str:
        return os.path.join(self.root, "report.html")

    @property
    def tokenizer(self) -> str:
        return os.path.join(self.root, "tokenizer.json")
