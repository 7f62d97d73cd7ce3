"""Which input files are no input at all: empty files, and files that are not crawl archives.

A glob over a crawl folder also matches what lies beside the archives (a README.txt, JSON
metadata, an index). Read as input, such a file turns into hundreds of ``malformed_json``
errors or one ``unknown_format`` error, and an empty archive (real crawls have them) into
nothing at all. Instead each such file counts as one skipped record with its reason:

* ``skipped/empty_file``: the file has no byte (or is a gzip stream of no byte);
* ``skipped/not_a_crawl_file``: the run reads crawl archives (WARC, ARC or WET: ``input.format``
  says so, or, with ``auto``, some input file is named like one) and neither this file's first
  (decompressed) bytes nor its name are a crawl archive's (text, JSON, Parquet, ...). The bytes
  are sniffed first: a ``.json`` file holding a WARC is read; a file named ``.warc.gz`` whose
  bytes are damaged is read too, its damage counted as errors.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Sequence

from thresher.io.fs import OpenedInput

#: The formats of crawl archives.
CRAWL_FORMATS = frozenset({"warc", "arc", "wet"})

EMPTY_FILE = "empty_file"
NOT_A_CRAWL_FILE = "not_a_crawl_file"


def reads_crawl_archives(formats_by_name: Sequence[str | None], input_format: str) -> bool:
    """True when the run reads crawl archives, so that other files among its inputs are skipped.

    ``formats_by_name``: each input file's format as its name says (``inputs.format_from_name``).
    """
    if input_format != "auto":
        return input_format in CRAWL_FORMATS
    return any(fmt in CRAWL_FORMATS for fmt in formats_by_name)


def whole_file_skip(opened: OpenedInput, crawl_only: bool, format_by_name: str | None) -> str | None:
    """The reason to skip the whole file, or None to read it.

    In a run of crawl archives a file is read when its first (decompressed) bytes start a WARC
    or ARC record, or when its name says it is an archive (a damaged one is then read, and its
    damage counted record by record); anything else is skipped as no crawl file.
    """
    if _holds_nothing(opened):
        return EMPTY_FILE
    if not crawl_only or _head_is_crawl(opened) or format_by_name in CRAWL_FORMATS:
        return None
    return NOT_A_CRAWL_FILE


def _holds_nothing(opened: OpenedInput) -> bool:
    """No byte, or a small gzip file that decompresses, intact, to no byte (an archive of nothing)."""
    if not opened.raw_head:
        return True
    if opened.compression != "gzip" or opened.head or len(opened.raw_head) > _SMALL:
        return False
    try:
        return gzip.decompress(opened.raw_head) == b""
    except (OSError, EOFError, zlib.error):
        return False  # damaged, not empty: the reader counts it


#: A gzip stream of nothing is about 20 bytes; a few empty members a little more.
_SMALL = 1024


def _head_is_crawl(opened: OpenedInput) -> bool:
    return opened.head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))
