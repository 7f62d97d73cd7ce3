"""The pipeline on Apache Spark, natively (RDDs over PySpark, no Beam runner in between).

The stages are the engine-neutral ones of :mod:`thresher.run.pages` and
:mod:`thresher.stages.dedup`; this package only wires them into Spark jobs:

* :mod:`.session`: the SparkContext from ``runner`` options and ``--master``/``--conf`` arguments;
* :mod:`.phase_a`: read, URL filter, spread, extract/langid/filters -> one result per input file;
* :mod:`.dedup`: URL, exact and MinHash dedup with star-contraction components;
* :mod:`.shards`: tokenize, shard, manifest;
* :mod:`.stats`: dedup and shard counters through one idempotent accumulator;
* :mod:`.files`: Parquet files written from executors, one per partition;
* :mod:`.driver`: the two entry points :mod:`thresher.run.driver` calls.
"""
