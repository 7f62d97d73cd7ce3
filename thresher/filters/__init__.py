"""Engine-neutral document filters (datatrove style), one module per filter.

Each filter is a :class:`~thresher.filters.base.DocumentFilter`: configured by
keyword arguments carrying the published defaults (``None`` switches a check
off), ``filter(doc)`` returns ``None`` to keep or a reason to drop. Build them
by name with :func:`~thresher.filters.registry.build_filter` or a preset with
:func:`~thresher.filters.registry.build_preset`, and run them with
:func:`~thresher.filters.registry.apply_filters`. Nothing here imports an
engine (Beam, Spark).
"""

from thresher.filters.base import DocumentFilter
from thresher.filters.c4_quality import C4QualityFilter
from thresher.filters.fineweb_quality import FineWebQualityFilter
from thresher.filters.gopher_quality import GopherQualityFilter
from thresher.filters.gopher_repetition import GopherRepetitionFilter
from thresher.filters.pii import PIIMasker
from thresher.filters.refinedweb_lines import RefinedWebLineFilter
from thresher.filters.registry import FILTERS, PRESETS, apply_filters, build_filter, build_filters, build_preset
from thresher.filters.url import URLFilter

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
