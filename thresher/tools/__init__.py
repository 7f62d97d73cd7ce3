"""Tools that read finished runs (report, inspect, loader, export, dedup-eval) and make sample crawls."""
