"""A browser stand-in for the harness: HTTPS to the load balancer (checking its certificate),
cookies, the CSRF token, multipart uploads, no redirect following, and a source address of
its own (each partner comes from their own address, as on the internet)."""
from __future__ import annotations

import http.client
import http.cookiejar
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _SourceHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, context: ssl.SSLContext, source: str | None) -> None:
        super().__init__(context=context)
        self._context = context
        self._source = (source, 0) if source else None

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        extra: dict[str, Any] = {"context": self._context}
        if self._source:
            extra["source_address"] = self._source
        return self.do_open(http.client.HTTPSConnection, req, **extra)


class CutOff(Exception):
    """The answer's status and headers arrived, its body did not: the node that was sending
    it died (nginx had already passed the headers on, so it could not try the other node)."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        super().__init__(f"{status} answer cut off")
        self.status = status
        self.node = headers.get("X-Upstream", "").split(",")[-1].strip()


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def node(self) -> str:
        """The web node that gave this answer (the last one nginx tried)."""
        return self.headers.get("X-Upstream", "").split(",")[-1].strip()


class Client:
    def __init__(self, base: str, ca_file: str, source: str | None = None, timeout: float = 30.0) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=ca_file)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect,
                                                  _SourceHTTPS(context, source))
        self.timeout = timeout

    def send(self, method: str, path: str, data: dict[str, Any] | None = None,
             files: dict[str, tuple[str, bytes, str]] | None = None) -> Reply:
        body: bytes | None = None
        request = urllib.request.Request(self.base + path, method=method)
        if method == "POST":
            if files:
                boundary = uuid.uuid4().hex
                body = _multipart(boundary, data or {}, files)
                request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
            else:
                body = urllib.parse.urlencode(data or {}, doseq=True).encode()
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.data = body
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                try:
                    return Reply(response.status, response.read(), dict(response.headers))
                except http.client.IncompleteRead as error:
                    raise CutOff(response.status, dict(response.headers)) from error
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers or {}))

    def get(self, path: str) -> Reply:
        return self.send("GET", path)

    def csrf_token(self) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def post(self, path: str, data: dict[str, Any] | None = None, *, form_page: str | None = None,
             files: dict[str, tuple[str, bytes, str]] | None = None) -> Reply:
        """POST like a browser that first loaded the form."""
        page = self.get(form_page or path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        token = match.group(1) if match else self.csrf_token()
        return self.send("POST", path, {"csrfmiddlewaretoken": token, **(data or {})}, files)

    def post_with_cookie_token(self, path: str, data: dict[str, Any] | None = None) -> Reply:
        return self.send("POST", path, {"csrfmiddlewaretoken": self.csrf_token(), **(data or {})})

    def login(self, email: str, password: str) -> Reply:
        return self.post("/en/accounts/login/", {"login": email, "password": password})


def _multipart(boundary: str, data: dict[str, Any], files: dict[str, tuple[str, bytes, str]]) -> bytes:
    parts: list[bytes] = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
