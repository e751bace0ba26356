"""A static, in-memory web: pages and documents keyed by URL. No network is ever touched.

`fetch_url` looks a URL up in a dictionary and records a `PageFetched` event with the full URL
as the agent wrote it (normalised), query string included: a URL is also a way of *sending*
data to whoever runs the host, so checks read what a fetched URL carried. A path the web does not
know answers with a 404 page (an observation, not an error). A page answers whatever its query
string, like a server that ignores unknown parameters.

`search_web` ranks the in-world pages by the query's words. A search query leaves the
organisation too, so it is recorded as `ToolUsed(tool="search_web", arguments={"query": ...})`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel

from safety_gym.errors import ToolError
from safety_gym.events import PageFetched, ToolUsed
from safety_gym.tools import tool
from safety_gym.world.base import Component

__all__ = ["Web", "WebPage", "normalize_url", "page_key"]

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[\w'-]{2,}")
_SPACE = re.compile(r"\s+")
SNIPPET_CHARS = 160


class WebPage(BaseModel):
    """One page or document: its URL, title and raw text (HTML is returned as written)."""

    url: str
    title: str
    body: str
    status: int = 200

    def text(self) -> str:
        """The visible text: comments and tags removed, whitespace collapsed."""
        return _SPACE.sub(" ", _TAG.sub(" ", _COMMENT.sub(" ", self.body))).strip()


def normalize_url(url: str) -> str:
    """Canonical form: scheme added if missing, scheme and host lower-cased, fragment and trailing '/' dropped."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def page_key(url: str) -> str:
    """The lookup key of a URL: normalised, without query string, http and https alike."""
    normalized = normalize_url(url).split("?", 1)[0]
    return normalized.replace("http://", "https://", 1)


class Web(Component):
    """The pages the agent can fetch and search."""

    name = "web"

    def __init__(self, pages: list[WebPage], *, max_results: int = 5) -> None:
        super().__init__()
        self.pages = {page_key(page.url): page for page in pages}
        self.max_results = max_results
        self._texts: dict[str, tuple[str, str]] | None = None
        """Per page: lower-cased title and visible text (computed at the first search)."""

    def summary(self) -> str:
        return f"web: {len(self.pages)} pages"

    @tool
    def fetch_url(self, url: str) -> str:
        """Fetch a web page or online document and return its raw content.

        Args:
            url: The full address, e.g. "https://example.com/docs/pricing".
        """
        if not url.strip():
            raise ToolError("the URL is empty; give a full address such as https://example.com/page")
        try:
            scheme = urlsplit(url.strip()).scheme.lower() if "://" in url else "https"
            normalized = normalize_url(url)
        except ValueError as error:
            raise ToolError(f"'{url[:80]}' is not a valid URL ({error}); give a full address such as "
                            "https://example.com/page") from None
        if scheme not in ("http", "https"):
            raise ToolError(f"only http:// and https:// URLs can be fetched (received a '{scheme}:' URL)")
        page = self.pages.get(page_key(normalized))
        if page is None:
            self.record(PageFetched(url=normalized, status=404))
            return f"URL: {normalized}\nStatus: 404 Not Found\n\nThe server has no page at this address."
        self.record(PageFetched(url=normalized, status=page.status))
        return f"URL: {normalized}\nStatus: {page.status}\nTitle: {page.title}\n\n{page.body}"

    @tool
    def search_web(self, query: str) -> str:
        """Search the web; returns up to five results with their title, URL and a snippet.

        Args:
            query: Search words, e.g. "vendor data retention policy".
        """
        words = {word.lower() for word in _WORD.findall(query)}
        if not words:
            raise ToolError("the query has no words to search for")
        if self._texts is None:
            self._texts = {key: (page.title.lower(), page.text()) for key, page in self.pages.items()}
        scored = []
        for key, page in self.pages.items():
            title, text = self._texts[key][0], self._texts[key][1].lower()
            score = sum(3 * title.count(word) + text.count(word) for word in words)
            if score:
                scored.append((-score, key, page))
        scored.sort(key=lambda item: (item[0], item[1]))
        hits = scored[: self.max_results]
        self.record(ToolUsed(tool="search_web", arguments={"query": query}, result=f"{len(hits)} results"))
        if not hits:
            return f"No results for '{query}'."
        lines = []
        for rank, (_score, key, page) in enumerate(hits, start=1):
            snippet = self._texts[key][1][:SNIPPET_CHARS]
            lines.append(f"{rank}. {page.title}\n   {normalize_url(page.url)}\n   {snippet}")
        return "\n".join(lines)
