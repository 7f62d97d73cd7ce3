"""Deduplication, engine-neutral: pure functions an engine (Beam, Spark) wires together.

* :mod:`~thresher.stages.dedup.normalize`: text normalizations, :func:`exact_text_key`;
* :mod:`~thresher.stages.dedup.urls`: :func:`url_key`;
* :mod:`~thresher.stages.dedup.shingles`: word n-gram shingles;
* :mod:`~thresher.stages.dedup.minhash`: vectorized signatures identical to datasketch;
* :mod:`~thresher.stages.dedup.lsh`: band keys, the S-curve, star edges per bucket;
* :mod:`~thresher.stages.dedup.components`: union-find and star-contraction rounds;
* :mod:`~thresher.stages.dedup.keep`: which document of a duplicate group survives;
* :mod:`~thresher.stages.dedup.params`: MinHash parameters and presets (``fineweb``, ``refinedweb``);
* :mod:`~thresher.stages.dedup.synthetic`: generated near-duplicates for evaluation.

Nothing here imports Beam or PySpark.
"""
