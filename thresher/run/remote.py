"""A run's locations, checked and configured before any work: filesystems, options, access.

Every place a run reads or writes may be a URL. Before a job starts: each scheme's fsspec
package must be installed (one line naming it otherwise), the storage options of the config
are set for the URLs they belong to (:func:`thresher.io.storage.configure_options`), inputs
must be readable and the output writable (one line naming the URL and the cause otherwise).
"""

from __future__ import annotations

from typing import Any, Iterable

from thresher.config import PipelineConfig
from thresher.errors import ThresherError
from thresher.io import schemes, storage


def bucket_prefix(url: str) -> str:
    """``s3://bucket/`` of ``s3://bucket/a/b``: the options of a store apply to its whole bucket."""
    head, _, rest = url.partition("://")
    return f"{head}://{rest.split('/', 1)[0]}/" if rest else f"{head}://"


def config_locations(config: PipelineConfig) -> list[str]:
    """Every location the config names (inputs, output, index, model, tokenizer)."""
    paths = list(config.input_paths()) + [config.output.path]
    paths += list(config.dedup.index.read) + ([config.dedup.index.write] if config.dedup.index.write else [])
    paths += [p for p in (config.langid.model, config.tokenize.tokenizer) if p]
    return paths


def storage_prefixes(config: PipelineConfig) -> dict[str, dict[str, Any]]:
    """URL prefix -> options: input options for the inputs' buckets, output options for the output's;
    each also serves as the default of its scheme (output's first) for the other locations there."""
    prefixes: dict[str, dict[str, Any]] = {}
    sections = ((config.input.paths, config.input.storage_options), ([config.output.path], config.output.storage_options))
    for paths, options in sections:
        for path in paths:
            if storage.is_url(path) and options:
                prefixes[bucket_prefix(path)] = dict(options)
                prefixes[storage.scheme(path) + "://"] = dict(options)
    return prefixes


def prepare_storage(config: PipelineConfig) -> None:
    """Check that every scheme is served and set the storage options; before the plan expands inputs."""
    schemes.check_installed(config_locations(config))
    storage.configure_options(storage_prefixes(config))


def check_access(inputs: Iterable[str], output: str, reads: Iterable[tuple[str, str]] = ()) -> None:
    """Inputs (and other things read) readable, the output writable: else one error line, before any work."""
    inputs = list(inputs)
    schemes.check_installed(inputs)  # files a path list named may be of another scheme
    # One input per bucket: what fails here is a bucket or credentials, and a dump names tens of
    # thousands of objects. A single missing object is counted as a read error by phase A instead.
    first_per_bucket: dict[str, str] = {}
    for path in inputs:
        if storage.is_url(path):
            first_per_bucket.setdefault(bucket_prefix(path), path)
    for prefix, path in first_per_bucket.items():
        try:
            schemes.check_readable("input", path)
        except ThresherError as object_error:
            try:
                schemes.check_readable("input", prefix)
            except ThresherError:
                raise object_error from None
            # the bucket is readable: that one missing object is counted by phase A
    for what, path in reads:
        schemes.check_readable(what, path)
    schemes.check_writable("output", output)
