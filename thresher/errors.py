"""Errors Thresher raises on purpose, with messages meant for the user."""


class ThresherError(Exception):
    """Base class for errors that stop a run with a clear message."""


class ConfigError(ThresherError):
    """The configuration is invalid; raised before any work starts."""
