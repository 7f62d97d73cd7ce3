"""The one YAML config of a run: its schema and defaults, loading and validation, and presets."""

from thresher.config.load import (
    PipelineConfig,
    bundled_sample_path,
    config_from_dict,
    load_config,
)

__all__ = ["PipelineConfig", "bundled_sample_path", "config_from_dict", "load_config"]
