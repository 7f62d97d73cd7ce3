"""Object-store requests that failed and were tried again: counted, and the failures that outlast them.

Stores fail a share of requests now and then (HTTP 500/503, throttling, a dropped connection).
The store's own client retries them with backoff (botocore for S3: its ``retries`` config,
``AWS_MAX_ATTEMPTS`` and ``AWS_RETRY_MODE``), so Thresher does not retry again on top. What
Thresher adds:

* **Counting.** :func:`watch` hooks the client of every S3 filesystem :mod:`thresher.io.storage`
  hands out: each request botocore sends again (its attempt number above 1) counts once, by
  operation, into a counter of this process. gcsfs retries inside ``gcsfs.retry.retry_request``
  (up to 6 attempts with backoff) and has no event hooks: the question it asks before each retry
  (``is_retriable``) is wrapped once per process, and each retry counts once as ``gcs``.
  Whoever reports a process's counts takes them with :func:`take` (each retry is taken once):
  engines' sinks at the end of each bundle or partition (:class:`thresher.io.live_counts.LiveStats`), the driver at the end of a run. They reach
  stats.json as ``storage/retries`` and ``storage/retries/<operation>`` (measurements: they differ
  between runs and are never compared).
* **Failures beyond the retries** are never counted as a bad input: :func:`store_failure` tells a
  store that kept failing from a file that is broken, and :class:`StoreUnavailable` stops the
  run with one line naming the URL (found again in an engine's error by :func:`from_engine_error`).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any, Iterator

from thresher.errors import ThresherError

#: Counter names in stats.json.
RETRIES = "storage/retries"

_lock = threading.Lock()
_counts: Counter[str] = Counter()
_HOOK_ID = "thresher-count-retries"


def _count_request(request: Any = None, operation_name: str = "", **_: Any) -> None:
    """botocore's ``request-created`` event, emitted for every attempt of a request."""
    context = getattr(request, "context", None) or {}
    attempt = (context.get("retries") or {}).get("attempt", 1)
    if attempt and attempt > 1:
        _count(operation_name or "unknown")


def _count(operation: str) -> None:
    with _lock:
        _counts[f"{RETRIES}/{operation}"] += 1


def watch(fs: Any) -> None:
    """Count the retries of ``fs``'s client (S3 and GCS filesystems; others are left alone)."""
    package = type(fs).__module__.split(".")[0]
    if package == "gcsfs":
        _watch_gcsfs()
        return
    if package != "s3fs":
        return
    try:
        client = getattr(fs, "_s3", None)
        if client is None:
            client = fs.connect()  # makes the client only: no request
        if getattr(client, "_thresher_counted", False):
            return
        # unique_id: registering twice (another filesystem object sharing the client) counts once.
        client.meta.events.register("request-created.s3", _count_request, unique_id=_HOOK_ID)
        client._thresher_counted = True
    except Exception:  # noqa: BLE001 - a client that cannot be made fails at its first use, with its own cause
        return


def _watch_gcsfs() -> None:
    """Wrap gcsfs's retry question once in this process: ``retry_request`` asks the module's
    ``is_retriable`` only when another attempt is left, so each True is one retry."""
    try:
        from gcsfs import retry
    except ImportError:
        return
    asked = getattr(retry, "is_retriable", None)
    if asked is None or getattr(asked, "_thresher_counted", False):
        return

    def counted(exc: BaseException) -> bool:
        answer = asked(exc)
        if answer:
            _count("gcs")
        return answer

    counted._thresher_counted = True  # type: ignore[attr-defined]
    retry.is_retriable = counted


def take() -> dict[str, int]:
    """The retries counted in this process since the last take: ``storage/retries`` and per operation."""
    with _lock:
        taken = dict(_counts)
        _counts.clear()
    if not taken:
        return {}
    return {RETRIES: sum(taken.values()), **taken}


def summary(counters: dict[str, int]) -> dict[str, Any]:
    """stats.json's ``storage`` section: retries in all and by operation."""
    prefix = RETRIES + "/"
    return {
        "retries": counters.get(RETRIES, 0),
        "retries_by_operation": {k[len(prefix):]: v for k, v in sorted(counters.items()) if k.startswith(prefix)},
    }


#: Error codes of a store that is failing, not of a request that is wrong.
_TRANSIENT_CODES = frozenset({
    "500", "502", "503", "504", "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout",
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "BadGateway", "GatewayTimeout",
})


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc`` and what caused it (``raise ... from``, or raised while handling), each once."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _store_answer(exc: BaseException) -> dict[str, Any] | None:
    response = getattr(exc, "response", None)
    return response if isinstance(response, dict) and "Error" in response else None


def store_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a store failing after its client's retries: a 5xx
    answer, throttling, or a connection that could not be made or was cut."""
    for current in _chain(exc):
        if isinstance(current, StoreUnavailable):
            return True
        answer = _store_answer(current)
        if answer is not None:
            status = (answer.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
            if int(status) >= 500 or str(answer["Error"].get("Code", "")) in _TRANSIENT_CODES:
                return True
        if type(current).__module__.startswith("botocore") and type(current).__name__ in (
                "EndpointConnectionError", "ConnectionClosedError", "ReadTimeoutError", "ConnectTimeoutError"):
            return True
        if _gcs_failing(current):
            return True
    return False


def _gcs_failing(exc: BaseException) -> bool:
    """gcsfs's ``HttpError`` for a 5xx answer or throttling (429), which it raises after its retries."""
    if not (type(exc).__module__.startswith("gcsfs") and type(exc).__name__ == "HttpError"):
        return False
    code = getattr(exc, "code", 0)
    return isinstance(code, int) and (code >= 500 or code == 429)


class StoreUnavailable(ThresherError):
    """A store kept failing a request after its client's retries: ``<url>: <cause>`` (one argument,
    so that it pickles and engines can rebuild it)."""

    @classmethod
    def of(cls, url: str, cause: BaseException) -> "StoreUnavailable":
        return cls(f"{url}: the store kept failing after its retries ({_cause(cause)})")


def _cause(exc: BaseException) -> str:
    """The store's answer (``ServiceUnavailable, HTTP 503: <message>``) when the chain holds one."""
    for current in _chain(exc):
        answer = _store_answer(current)
        if answer is not None:
            error = answer["Error"]
            status = (answer.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            code = error.get("Code") or "error"
            text = f"{code}, HTTP {status}" if status else str(code)
            return f"{text}: {error['Message']}" if error.get("Message") else text
    return " ".join(str(exc).split()) or type(exc).__name__


def check(url: str, exc: BaseException) -> None:
    """Raise :class:`StoreUnavailable` for ``url`` when ``exc`` is a store failure (else return)."""
    if isinstance(exc, StoreUnavailable):
        raise exc
    if store_failure(exc):
        raise StoreUnavailable.of(url, exc) from exc


# How the error reads in a traceback an engine hands back from a worker (Spark's, Beam's).
_IN_TRACEBACK = re.compile(r"StoreUnavailable: ([^\n]+)")


def from_engine_error(exc: BaseException) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` a worker raised, found in the error an engine raised for it."""
    for current in _chain(exc):
        found = str(current) if isinstance(current, StoreUnavailable) else None
        if found is None:
            match = _IN_TRACEBACK.search(str(current))
            found = match.group(1) if match else None
        if found:
            # Without what an engine appends to a message (Beam: " [while running 'Step']").
            return StoreUnavailable(re.sub(r"\s*\[while running [^\]]*\]\s*$", "", found).strip())
    return None


class WatchedStream:
    """A remote file read by an input reader, remembering a store failure in :attr:`failure`.

    Readers count a stream that breaks as a damaged file (a truncated record) and go on; a store
    that kept failing is no damage of the file, so :func:`thresher.io.inputs.iter_input` raises
    what is recorded here once the reader is done, instead of letting the count stand.
    """

    _WATCHED = frozenset({"read", "read1", "readinto", "readline", "readlines", "seek", "tell", "peek"})

    def __init__(self, raw: Any, url: str) -> None:
        self._raw = raw
        self._url = url
        self.failure: StoreUnavailable | None = None

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._raw, name)
        if name not in self._WATCHED or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except Exception as exc:
                if self.failure is None and store_failure(exc):
                    self.failure = StoreUnavailable.of(self._url, exc)
                raise

        return call

    def __iter__(self):
        return iter(self._raw)

    def __enter__(self) -> "WatchedStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._raw.close()
