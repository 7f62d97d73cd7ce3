"""Secrets stay out of what a run writes and prints.

Credentials reach a run through the environment, a profile, or ``storage_options`` in the
config. The config is recorded (manifest.json); there every ``storage_options`` value is
replaced by :data:`REDACTED` (the keys stay: they say which options were set), and a password
inside a URL (``https://user:secret@host/...``) is taken out.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "<redacted>"
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@:\s]*):(?P<password>[^/@\s]*)@")


def redact_url(text: str) -> str:
    """``scheme://user:<redacted>@host/...`` for a URL carrying a password; anything else as is."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)


def redact_options(options: Any) -> Any:
    """Keys kept, every value (nested ones too) replaced."""
    if isinstance(options, dict):
        return {key: redact_options(value) for key, value in options.items()}
    return REDACTED


def redact_config(record: Any) -> Any:
    """A copy of a config dict fit to be written: ``storage_options`` values and URL passwords removed."""
    if isinstance(record, dict):
        return {key: redact_options(value) if key == "storage_options" else redact_config(value)
                for key, value in record.items()}
    if isinstance(record, list):
        return [redact_config(item) for item in record]
    if isinstance(record, str):
        return redact_url(record)
    return record
