"""Run bookkeeping: counters into stats.json, timings, live progress and the run log."""
