"""Engines: thin layers that run the engine-neutral run plan (Beam, Spark)."""
