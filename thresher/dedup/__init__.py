"""Deduplication, engine-neutral: pure functions an engine (Beam, Spark) wires together.

* :mod:`~thresher.dedup.normalize`: text normalizations, :func:`exact_text_key`;
* :mod:`~thresher.dedup.urls`: :func:`url_key`;
* :mod:`~thresher.dedup.shingles`: word n-gram shingles;
* :mod:`~thresher.dedup.minhash`: vectorized signatures identical to datasketch;
* :mod:`~thresher.dedup.lsh`: band keys, the S-curve, star edges per bucket;
* :mod:`~thresher.dedup.components`: union-find and star-contraction rounds;
* :mod:`~thresher.dedup.keep`: which document of a duplicate group survives;
* :mod:`~thresher.dedup.params`: MinHash parameters and presets (``fineweb``, ``refinedweb``);
* :mod:`~thresher.dedup.synthetic`: generated near-duplicates for evaluation.

Nothing here imports Beam or PySpark.
"""
