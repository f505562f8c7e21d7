"""`plan-cal serve`: serves the built folder for a preview or a small deployment.

Only files inside the folder are served: no directory listing, nothing outside it (``..``, encoded slashes,
symbolic links that lead out), only GET and HEAD. ``.ics`` goes out as ``text/calendar; charset=utf-8`` and
nothing is compressed (Outlook fails on compressed feeds). ETag and Last-Modified let clients revalidate with
a 304. Files under a dot-folder (``.git/``) or named with a dot are never served. Files are streamed, a silent
connection is closed after a timeout, a client that goes away is not an error, and the log escapes control
characters. A real deployment puts nginx or any static host in front (README).
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
import sys
import urllib.parse
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from plan_calendar.cleantext import escape_controls

__all__ = ["make_server"]

TIMEOUT = 30.0  # seconds a connection may stay silent (a slow or stalled client holds a thread)
BACKLOG = 128  # connections waiting to be accepted (socketserver's default is 5)
_CHUNK = 64 * 1024

_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_PAGE = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p><p><a href="/">На главную</a></p></body></html>
"""


def make_server(root: Path, host: str, port: int, *, timeout: float = TIMEOUT) -> ThreadingHTTPServer:
    """An HTTP server for ``root`` (not started); ``timeout`` bounds every wait on a client."""
    folder = root.resolve()

    class Handler(_Handler):
        base = folder

    Handler.timeout = timeout
    return _Server((host, port), Handler)


class _Server(ThreadingHTTPServer):
    request_queue_size = BACKLOG

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that disconnects or stalls is routine; anything else is one line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        sys.stderr.write(escape_controls(f"{client_address[0]} — ошибка при ответе: {error!r}\n"))


class _Handler(BaseHTTPRequestHandler):
    base: Path
    server_version = "plan-cal"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _refuse(self) -> None:
        self._page(
            HTTPStatus.METHOD_NOT_ALLOWED,
            "Метод не поддерживается",
            "Здесь можно только получать файлы (GET и HEAD).",
            allow=True,
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _serve(self, *, body: bool) -> None:
        path = self._resolve(self.path)
        if path is None:
            self._page(HTTPStatus.NOT_FOUND, "Страница не найдена", "Такого файла здесь нет.", body=body)
            return
        stat = path.stat()
        etag = '"' + hashlib.sha256(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest()[:20] + '"'
        modified = formatdate(stat.st_mtime, usegmt=True)
        if self._not_modified(etag, stat.st_mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        content_type = (
            _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            with path.open("rb") as handle:
                shutil.copyfileobj(handle, self.wfile, _CHUNK)  # streamed: never the whole file in memory

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _resolve(self, raw: str) -> Path | None:
        """The file a request path names, or None for anything outside the folder or not a file."""
        path = raw.split("?", 1)[0].split("#", 1)[0]
        if "%2f" in path.lower() or "%5c" in path.lower() or "\\" in path:
            return None  # an encoded slash or a backslash is never a path separator here
        decoded = urllib.parse.unquote(path)
        if "\x00" in decoded or not decoded.startswith("/"):
            return None
        parts = [p for p in decoded.split("/") if p]
        if any(p.startswith(".") for p in parts):
            return None  # "..", ".", and dot-folders and dot-files (.git/config, .plan-cal.lock)
        candidate = self.base.joinpath(*parts) if parts else self.base
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if real != self.base and self.base not in real.parents:
            return None  # a symbolic link that leads out of the folder
        if not real.is_file() or any(p.startswith(".") for p in real.relative_to(self.base).parts):
            return None  # also through a symbolic link inside the folder
        return real

    def _page(self, status: HTTPStatus, title: str, text: str, *, body: bool = True, allow: bool = False) -> None:
        data = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if allow:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        # The request line is the client's: control characters in it are shown, not sent to the terminal.
        message = escape_controls(format % args).replace("\n", "\\n")
        sys.stderr.write(f"{self.address_string()} — {message}\n")
