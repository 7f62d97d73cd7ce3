"""Run statistics and reports."""
