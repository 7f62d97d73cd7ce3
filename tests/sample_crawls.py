"""Several small generated crawls: inputs of many files for resume, interrupt and object-store tests."""

from __future__ import annotations

from pathlib import Path

from thresher.tools.sample.generator import write_sample_crawl


def write_small_crawls(root: Path, files: int, pages: int, first_seed: int) -> list[str]:
    """``files`` crawls ``part-<i>.warc.gz`` of ``pages`` pages each, seeds ``first_seed`` upwards."""
    paths = []
    for i in range(files):
        path = root / f"part-{i}.warc.gz"
        write_sample_crawl(path, pages=pages, seed=first_seed + i)
        paths.append(str(path))
    return paths
