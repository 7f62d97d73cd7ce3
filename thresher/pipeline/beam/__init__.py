"""pipeline/beam."""
