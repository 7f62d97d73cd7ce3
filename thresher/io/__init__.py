"""Input and output.

Reading (``iter_input`` in :mod:`thresher.io.inputs` is the entry point):

* ``inputs``: formats, detection, ``InputOptions``, ``iter_input``;
* ``pages``: ``HtmlPage`` (to extract) and ``TextPage`` (text already extracted);
* ``rejects``: read counters, the ``RejectSink`` protocol and ``ListRejects``;
* ``fs``: opening any fsspec path, compression and magic bytes;
* ``warc`` (WARC/WET via FastWARC), ``arc`` (legacy ARC via warcio), ``rows`` (JSONL/Parquet);
* ``responses``, ``http``, ``content_types``, ``charset``, ``dates``: one response's way to a page.

Writing: ``shards``, ``manifest``, ``documents``.
"""
