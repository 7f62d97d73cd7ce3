"""The one YAML config of a run: its schema and defaults, loading and validation, and presets."""

from thresher.config.load import config_from_dict, load_config
from thresher.config.schema import PipelineConfig, bundled_sample_path

__all__ = ["PipelineConfig", "bundled_sample_path", "config_from_dict", "load_config"]
