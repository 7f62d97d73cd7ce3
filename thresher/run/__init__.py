"""The engine-neutral run: plan, phases, results on disk, the driver every engine shares."""
