"""Engine-neutral document filters (datatrove style), one module per filter.

Each filter is a :class:`~thresher.stages.filters.base.DocumentFilter`: configured by
keyword arguments carrying the published defaults (``None`` switches a check
off), ``filter(doc)`` returns ``None`` to keep or a reason to drop. Build them
by name with :func:`~thresher.stages.filters.registry.build_filter` or a preset with
:func:`~thresher.stages.filters.registry.build_preset`, and run them with
:func:`~thresher.stages.filters.registry.apply_filters`. Nothing here imports an
engine (Beam, Spark).
"""

from thresher.stages.filters.base import DocumentFilter
from thresher.stages.filters.c4_quality import C4QualityFilter
from thresher.stages.filters.fineweb_quality import FineWebQualityFilter
from thresher.stages.filters.gopher_quality import GopherQualityFilter
from thresher.stages.filters.gopher_repetition import GopherRepetitionFilter
from thresher.stages.filters.pii import PIIMasker
from thresher.stages.filters.refinedweb_lines import RefinedWebLineFilter
from thresher.stages.filters.registry import FILTERS, PRESETS, apply_filters, build_filter, build_filters, build_preset
from thresher.stages.filters.url import URLFilter

__all__ = [
    "C4QualityFilter",
    "DocumentFilter",
    "FILTERS",
    "FineWebQualityFilter",
    "GopherQualityFilter",
    "GopherRepetitionFilter",
    "PIIMasker",
    "PRESETS",
    "RefinedWebLineFilter",
    "URLFilter",
    "apply_filters",
    "build_filter",
    "build_filters",
    "build_preset",
]
