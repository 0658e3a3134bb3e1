"""Fetching feeds and pages for `storyline watch`: timeouts, a size cap, and no private addresses.

A URL whose host resolves to a loopback, private, link-local or reserved address is refused unless
the caller allows it, so that a feed list cannot be turned against the machine's own network.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.request
from urllib.parse import urlparse

from .errors import InputError, LimitError

USER_AGENT = "storyline/0.1 (+https://example.invalid/storyline)"


def check_address(url: str, *, allow_private: bool = False) -> None:
    """Raise InputError unless the URL is http(s) to a public address (or private ones are allowed)."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an http(s) URL: {url}", code="fetch.bad_url")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve {parts.hostname}: {exc}", code="fetch.unresolved") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        public = not (address.is_private or address.is_loopback or address.is_link_local
                      or address.is_reserved or address.is_multicast or address.is_unspecified)
        if not public and not allow_private:
            raise InputError(f"{parts.hostname} resolves to {address}, a non-public address (allow it with "
                             "--allow-private)", code="fetch.private_address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address the first URL would have been allowed to reach."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        check_address(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = 10_000_000, allow_private: bool = False) -> bytes:
    """The body of a URL, refused past ``max_bytes``; raises InputError with a fetch.* code."""
    check_address(url, allow_private=allow_private)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    # `timeout` bounds each socket wait; the deadline bounds the whole transfer, so a server that
    # drips one byte a second cannot hold a poll for ever.
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        opener = urllib.request.build_opener(_CheckedRedirects(allow_private=allow_private))
        with opener.open(request, timeout=timeout) as response:
            while chunk := response.read1(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise LimitError(f"{url} is over {max_bytes} bytes", code="fetch.too_large")
                if time.monotonic() > deadline:
                    raise InputError(f"cannot fetch {url}: no complete answer within {timeout:g} s",
                                     code="fetch.failed")
    except OSError as exc:
        raise InputError(f"cannot fetch {url}: {exc}", code="fetch.failed") from exc
    return b"".join(chunks)
