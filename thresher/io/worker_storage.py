"""Storage options on workers that share nothing with the launcher: what travels with a job, and what never does.

A run's storage options (``input.storage_options``, ``output.storage_options``) are set in the
launcher by :func:`thresher.io.storage.configure_options`, which puts them in the environment:
local worker processes (Beam's SDK workers, Spark's Python workers on this machine) inherit them.
Remote workers (a portable runner's EXTERNAL or PROCESS workers, Spark executors on other hosts,
Dataflow) do not inherit the launcher's environment. The rule, the same for every engine:

* **What says where a store is travels with the job.** Endpoint URL, region, project, anonymous
  access, SSL and addressing flags, client and config kwargs without credentials: every value an
  engine's workers need to reach the same store. :func:`job_options` gives them; an engine carries
  them inside what it ships to workers (a Beam DoFn, a Spark partition function), and the worker
  calls :func:`install` before its step's setup.
* **Secrets never travel.** Keys, secrets, tokens, passwords, session and credential values, a
  password inside an endpoint URL, and any string this module does not know to be harmless are
  withheld (:func:`withheld` names them, never their values). Workers get credentials from their
  own environment, profiles, or instance or workload identity, as on any real cluster.
* **A worker's own options win.** :func:`install` puts the job's options under those the worker's
  environment already holds: a local worker, which inherited the launcher's full options, is not
  changed. What one job installed is not the worker's own: a reused worker process (Spark's Python
  workers) takes each job's options, never a previous job's.

Engines use two calls: ``carried = job_options()`` where the job is built (in the launcher),
``install(carried)`` on the worker before the step's setup.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Mapping

from thresher.io import secrets, storage

#: String values that say where a store is, never who may use it (fsspec s3fs/gcsfs/adlfs and
#: botocore's client and config kwargs).
PUBLIC_STRINGS = frozenset({
    "endpoint_url", "endpoint", "region_name", "region", "project", "default_location",
    "signature_version", "addressing_style", "location", "consistency", "requester_pays", "account_name",
})
#: gcsfs ``token`` values that name a way to get credentials rather than hold one.
PUBLIC_TOKENS = frozenset({"anon", "google_default", "cloud"})
#: Names of credentials and of what selects them: withheld whatever their value's type.
SECRET_NAME = re.compile(r"key|secret|token|passw|credential|session|auth|sas|cert|profile|connection", re.I)

ByPrefix = Mapping[str, Mapping[str, Any]]


def _public(name: str, value: Any) -> bool:
    if name == "token" and isinstance(value, str) and value in PUBLIC_TOKENS:
        return True
    if name in PUBLIC_STRINGS and isinstance(value, str):
        # ``https://user:password@host``: the whole value stays back (a redacted URL would not work)
        return secrets.redact_url(value) == value
    if SECRET_NAME.search(name):
        return False
    return value is None or isinstance(value, (bool, int, float))


def shareable(options: Mapping[str, Any]) -> dict[str, Any]:
    """One store's options without anything secret; nested dicts (``client_kwargs``...) the same way."""
    kept: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, Mapping) and not SECRET_NAME.search(name):
            inner = shareable(value)
            if inner:
                kept[name] = inner
        elif _public(name, value):
            kept[name] = value
    return kept


def withheld(by_prefix: ByPrefix) -> list[str]:
    """Names (``prefix: client_kwargs.aws_secret_access_key``...) of the options that do not travel; no values."""
    names: list[str] = []

    def walk(prefix: str, path: str, options: Mapping[str, Any]) -> None:
        for name, value in options.items():
            dotted = f"{path}{name}"
            if isinstance(value, Mapping) and not SECRET_NAME.search(name):
                walk(prefix, dotted + ".", value)
            elif not _public(name, value):
                names.append(f"{prefix} {dotted}")

    for prefix, options in sorted(by_prefix.items()):
        walk(prefix, "", options)
    return names


def configured() -> dict[str, dict[str, Any]]:
    """The storage options this process holds, by URL prefix (all of them, secrets included)."""
    raw = os.environ.get(storage.OPTIONS_ENV, "")
    return json.loads(raw) if raw else {}


def job_options() -> dict[str, dict[str, Any]]:
    """What travels with a job built in this process: each prefix's :func:`shareable` options."""
    carried = {prefix: shareable(options) for prefix, options in configured().items()}
    return {prefix: options for prefix, options in carried.items() if options}


def _under(own: Mapping[str, Any], carried: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(carried)
    for name, value in own.items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), Mapping):
            merged[name] = _under(value, merged[name])
        else:
            merged[name] = value
    return merged


#: (the environment's own options, what :func:`install` last wrote): a long-lived worker process
#: (Spark's Python workers are reused) must not take a previous job's options for its own.
_last: tuple[str, str | None] = ("", None)


def install(carried: ByPrefix | None) -> None:
    """On a worker: the job's options, under those this worker's environment already sets."""
    global _last
    raw = os.environ.get(storage.OPTIONS_ENV, "")
    base, written = _last
    if written is None or raw != written:
        base = raw  # not what a job installed: the environment's own (a launcher sets them per run)
    if not carried and base == raw:
        return
    own = json.loads(base) if base else {}
    merged = {prefix: _under(own.get(prefix, {}), options) for prefix, options in (carried or {}).items()}
    merged.update({prefix: options for prefix, options in own.items() if prefix not in merged})
    if merged != own:
        storage.configure_options(merged)
    elif base:
        os.environ[storage.OPTIONS_ENV] = base
    else:
        os.environ.pop(storage.OPTIONS_ENV, None)
    _last = (base, os.environ.get(storage.OPTIONS_ENV, ""))


def withheld_note() -> str | None:
    """One line for a run whose workers may not share this machine's environment: which options stay here."""
    names = sorted({name.split(" ", 1)[1] for name in withheld(configured())})
    if not names:
        return None
    return (f"storage_options {', '.join(names)} stay on this machine: workers elsewhere need credentials "
            "of their own (environment, profile or instance role)")
