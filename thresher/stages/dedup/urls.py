"""URL normalization for URL-level deduplication.

Two URLs that name the same page after normalization are duplicates:
scheme and host lower-cased, default ports, fragments and trailing slashes
dropped, tracking parameters (``utm_*``, ``fbclid``, ...) removed and the
remaining query parameters sorted. Paths keep their case: servers may treat
``/A`` and ``/a`` differently.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}

#: Query parameters that identify a campaign or a click, never the content.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "__s",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The canonical form of ``url`` used as its dedup key.

    Unparseable URLs (e.g. a broken IPv6 literal) come back stripped but
    otherwise unchanged, so they still dedup against exact copies.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    netloc = host
    if parts.username is not None or parts.password is not None:
        userinfo = parts.username or ""
        if parts.password is not None:
            userinfo += ":" + parts.password
        netloc = f"{userinfo}@{host}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    path = parts.path.rstrip("/")
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(params))
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """The URL dedup key: the normalized URL itself (readable in debugging)."""
    return normalize_url(url)
