"""HTML: decode a page (declared charset as a hint), and extract its text and metadata.

Extraction cascade for a page: trafilatura (main text, with its own readability/jusText
fallbacks), then the page's visible text block by block (lxml); metadata (title, site name,
url, htmldate's date, author) from trafilatura. Feed fragments go straight to the lxml renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from trafilatura import bare_extraction, extract_metadata, load_html
from trafilatura.settings import Document

from ..errors import InputError
from ..model import RawDocument
from .decode import decode_bytes
from .records import warning

DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
LOOKS_LIKE_PAGE = re.compile(r"<html|<!doctype\s+html", re.I)
HAS_TAG = re.compile(r"<[A-Za-z!/]")
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
SKIPPED_TAGS = frozenset("head script style noscript template svg math iframe object select button".split())
SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")


@dataclass(slots=True)
class Extraction:
    """Text and metadata extracted from HTML (None where the page says nothing)."""

    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None


def read_html(data: bytes, *, source: str, origin: str) -> RawDocument:
    """The RawDocument of an HTML file: decoded markup, extracted later by ``to_article``.

    Raises InputError when the bytes hold no text.
    """
    match = DECLARED_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else None
    decoded = decode_bytes(data, declared=declared)
    if not decoded.text.strip():
        raise InputError("the file holds only white space", code="read.empty")
    doc = RawDocument(source=source, origin=origin, html=decoded.text, encoding=decoded.encoding)
    doc.meta["format"] = "html"
    if decoded.lossy:
        doc.errors.append(warning("read.lossy", f"bytes not valid {decoded.encoding} were replaced"))
    return doc


def extract_page(html: str, *, url: str | None = None) -> Extraction:
    """Main text and metadata of a whole page (empty text when the markup holds none)."""
    tree = _load_tree(html)
    if tree is None:
        return Extraction(text="")
    found = extract_metadata(tree, default_url=url)
    document = bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    text = (document.text or "") if isinstance(document, Document) else ""
    if not text.strip():
        text = render_text(tree)
    return Extraction(
        text=text,
        title=found.title or None,
        outlet=found.sitename or None,
        url=found.url or url,
        date=found.date or None,
        author=found.author or None,
    )


def extract_fragment(html: str) -> str:
    """Visible text of an HTML fragment (a feed entry's content), one block per line."""
    if not HAS_TAG.search(html):
        return _tidy_lines(html)
    try:
        tree = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""
    return render_text(tree)


def render_text(tree: lxml.html.HtmlElement) -> str:
    """The visible text of a tree, a line per block element, spaces collapsed."""
    parts: list[str] = []
    # An explicit stack, not recursion: scraped pages nest thousands of levels deep.
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(tree, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if closing or tag is None or tag in SKIPPED_TAGS:
            # comments and skipped elements hide their content, never their tail
            if closing and tag in BLOCK_TAGS:
                parts.append("\n")
            if element.tail and element is not tree:
                parts.append(element.tail)
            continue
        if tag in BLOCK_TAGS:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    return _tidy_lines("".join(parts))


def _tidy_lines(text: str) -> str:
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _load_tree(html: str) -> lxml.html.HtmlElement | None:
    # trafilatura refuses markup without an <html> near the start; a saved fragment is still a page.
    if not LOOKS_LIKE_PAGE.search(html[:1024]):
        html = f"<html><body>{html}</body></html>"
    return load_html(html)
