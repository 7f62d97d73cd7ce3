"""Servers on loopback that misbehave on purpose, for the fault tests.

* :class:`FlakyProxy`: an HTTP proxy in front of a store (moto's S3 server) that answers a
  deterministic share of requests with a transient 500 or 503 instead of passing them on: every
  ``every``-th request from request ``start`` on, until ``limit`` faults (optionally only requests
  of some paths and methods). A request it fails never
  reaches the store, so a client's retry is the store's first sight of it.
* :class:`HeldFiles`: serves a local directory over HTTP (HEAD, GET with byte ranges) and holds
  every GET of the files named ``held`` until :meth:`HeldFiles.release`: work that reads them
  cannot finish before the test lets it, without any timing.

Both listen on 127.0.0.1 only, on a free port, and stop with :meth:`close` (or ``with``).
"""

from __future__ import annotations

import http.client
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterable

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the point of these tests) is no error to print


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FlakyProxy(_Server):
    """Passes requests on to ``upstream``, failing every ``every``-th from ``start`` on, ``limit`` in all."""

    def __init__(self, upstream: str, every: int, limit: int, start: int = 1,
                 match: str = "", methods: Iterable[str] = ()) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.every, self.limit, self.start = every, limit, start
        #: Only requests whose path holds ``match`` (and of ``methods``, when given) are counted and failed.
        self.match, self.methods = match, set(methods)
        self.requests = 0
        #: Faults answered, by method (``GET``, ``PUT``...).
        self.faults: dict[str, int] = {}
        self._lock = threading.Lock()
        super().__init__(_ProxyHandler)

    @property
    def fault_count(self) -> int:
        return sum(self.faults.values())

    def _decide(self, method: str, path: str) -> int | None:
        """The status to fail this request with, or None to pass it on."""
        if self.match not in path or (self.methods and method not in self.methods):
            return None
        with self._lock:
            self.requests += 1
            n = self.requests - self.start
            if n < 0 or n % self.every or self.fault_count >= self.limit:
                return None
            self.faults[method] = self.faults.get(method, 0) + 1
            return 503 if self.fault_count % 2 else 500


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _relay(self) -> None:
        proxy: FlakyProxy = self.server.owner  # type: ignore[attr-defined]
        body = self._body()
        status = proxy._decide(self.command, self.path)
        if status is not None:
            code = "ServiceUnavailable" if status == 503 else "InternalError"
            payload = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
                       f"<Message>injected fault</Message></Error>").encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        connection = http.client.HTTPConnection(proxy.upstream, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP | {"expect"}}
            if body or "Content-Length" in self.headers:
                headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                # A HEAD's Content-Length is the object's size: passed on as it is.
                if key.lower() not in _HOP_BY_HOP and (key.lower() != "content-length" or self.command == "HEAD"):
                    self.send_header(key, value)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        finally:
            connection.close()

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay


class HeldFiles(_Server):
    """``root``'s files over HTTP; GETs of the files named in ``held`` wait for :meth:`release`."""

    def __init__(self, root: Path, held: Iterable[str] = ()) -> None:
        self.root = Path(root)
        self.held = set(held)
        self.released = threading.Event()
        super().__init__(_FilesHandler)

    def url(self, name: str) -> str:
        return f"{self.endpoint}/{name}"

    def release(self) -> None:
        self.released.set()

    def hold(self) -> None:
        """Hold the GETs of the held files again (until the next :meth:`release`)."""
        self.released.clear()

    def close(self) -> None:
        self.release()  # no handler thread stays blocked
        super().close()


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class _FilesHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _file(self) -> Path | None:
        files: HeldFiles = self.server.owner  # type: ignore[attr-defined]
        path = files.root / os.path.basename(self.path.split("?", 1)[0])
        if not path.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return path

    def do_HEAD(self) -> None:
        path = self._file()
        if path is None:
            return
        self.send_response(200)
        self.send_header("Content-Length", str(path.stat().st_size))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self) -> None:
        files: HeldFiles = self.server.owner  # type: ignore[attr-defined]
        path = self._file()
        if path is None:
            return
        if path.name in files.held:
            files.released.wait()
        data = path.read_bytes()
        wanted = _RANGE.fullmatch(self.headers.get("Range", "").strip())
        try:
            if wanted and (wanted.group(1) or wanted.group(2)):
                start = int(wanted.group(1)) if wanted.group(1) else max(len(data) - int(wanted.group(2)), 0)
                end = min(int(wanted.group(2)), len(data) - 1) if wanted.group(1) and wanted.group(2) else len(data) - 1
                chunk = data[start:end + 1]
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{start + len(chunk) - 1}/{len(data)}")
            else:
                chunk = data
                self.send_response(200)
            self.send_header("Content-Length", str(len(chunk)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader was killed while it waited


def fault_free_run(inputs: list[str], out: Path) -> tuple[dict, list[str]]:
    """The run a faulty one is compared with: ``inputs`` on one worker into ``out``, through no
    proxy. Its stats (no retry counted) and its shards' names."""
    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline

    result = run_pipeline(config_from_dict({"input": {"paths": inputs}, "output": {"path": str(out)},
                                            "runner": {"workers": 1}}))
    assert result.stats["storage"] == {"retries": 0, "retries_by_operation": {}}
    shard_names = sorted(p.name for p in out.glob("shard-*.parquet"))
    assert shard_names
    return result.stats, shard_names
