"""Feed fetching against a real HTTP server on 127.0.0.1: private addresses refused unless allowed,
bodies over the size cap refused, a silent or dripping server times out."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.errors import InputError
from storyline.fetch import check_address, fetch

FEED = b"<rss><channel><title>Local</title><item><title>One</title><description>Text</description></item></channel></rss>"
STOP = threading.Event()


class Handler(BaseHTTPRequestHandler):
    """/feed answers at once, /big sends 2 MB, /silent never answers, /drip sends a byte every 0.3 s for 7.5 s."""

    def log_message(self, *args: object) -> None:  # the test output stays clean
        pass

    def do_GET(self) -> None:
        if self.path == "/silent":
            STOP.wait(30)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if self.path == "/drip":
            self.end_headers()
            for _ in range(25):
                if STOP.wait(0.3):
                    return
                self.wfile.write(b" ")
                self.wfile.flush()
            return
        body = FEED if self.path == "/feed" else b"x" * 2_000_000
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        STOP.set()
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def refused(code: str) -> Iterator[None]:
    with pytest.raises(InputError) as caught:
        yield
    assert caught.value.code == code, caught.value


def test_loopback_is_refused_by_default(server: str) -> None:
    with refused("fetch.private_address"):
        fetch(server + "/feed")


def test_loopback_is_fetched_when_allowed(server: str) -> None:
    assert fetch(server + "/feed", allow_private=True) == FEED


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/feed",
        "http://10.1.2.3/feed",
        "http://192.168.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/feed",
        "http://0.0.0.0/feed",
        "http://[::ffff:127.0.0.1]/feed",
    ],
)
def test_private_link_local_and_unspecified_addresses_are_refused(url: str) -> None:
    with refused("fetch.private_address"):
        check_address(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/", "http:///nohost"]
)
def test_other_schemes_are_refused(url: str) -> None:
    with refused("fetch.bad_url"):
        fetch(url, allow_private=True)


def test_a_body_over_the_size_cap_is_refused(server: str) -> None:
    with refused("fetch.too_large"):
        fetch(server + "/big", allow_private=True, max_bytes=1_000_000)


def test_a_silent_server_times_out(server: str) -> None:
    started = time.monotonic()
    with refused("fetch.failed"):
        fetch(server + "/silent", allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 5


# urllib's timeout bounds each socket read, not the whole transfer: without fetch's own deadline a
# server sending one byte every 0.3 s kept a fetch with timeout=1 going for all 7.5 s.
def test_a_dripping_server_times_out_as_a_whole(server: str) -> None:
    started = time.monotonic()
    with refused("fetch.failed"):
        fetch(server + "/drip", allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 5


def test_a_redirect_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public URL that redirects to loopback must not get through: each hop is checked again."""
    from storyline import fetch as fetching

    handler = fetching._CheckedRedirects(allow_private=False)
    with refused("fetch.private_address"):
        handler.redirect_request(None, None, 302, "Found", {}, "http://127.0.0.1:9/secret")
