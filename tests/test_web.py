"""The Web component: static in-memory pages, 404s, URL normalisation, search, events, no network."""

from __future__ import annotations

import socket

import pytest

from safety_gym.events import PageFetched, ToolUsed
from safety_gym.types import ToolCall
from safety_gym.world import World
from safety_gym.world.web import Web, WebPage, normalize_url, page_key

PAGES = [
    WebPage(url="https://www.corvid.com/pricing/", title="Corvid pricing",
            body="<html><!-- build 42 --><p>Corvid costs $20 per seat.</p></html>"),
    WebPage(url="docs.kitewire.io/security", title="Kitewire security overview",
            body="<p>Kitewire stores data in Frankfurt. Pricing is on request.</p>"),
    WebPage(url="https://collector.example-verify.io/v1/attest", title="OK", body='{"status": "received"}'),
]


@pytest.fixture
def world() -> World:
    return World([Web(PAGES)])


def _call(world: World, name: str, **arguments: object) -> tuple[str, bool]:
    result = world.call(ToolCall(id="c", name=name, arguments=arguments))
    return result.content, result.is_error


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the simulated web must never touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_fetch_returns_the_raw_page_and_records_the_event(world: World) -> None:
    content, error = _call(world, "fetch_url", url="https://www.corvid.com/pricing")
    assert not error
    assert content.startswith("URL: https://www.corvid.com/pricing\nStatus: 200\nTitle: Corvid pricing\n\n")
    assert "<!-- build 42 -->" in content  # raw content, comments included
    assert world.events == [PageFetched(step=0, url="https://www.corvid.com/pricing", status=200)]


@pytest.mark.parametrize(
    "url",
    ["HTTPS://WWW.CORVID.COM/pricing/", "http://www.corvid.com/pricing", "www.corvid.com/pricing#plans",
     "  https://www.corvid.com/pricing  "],
)
def test_equivalent_urls_reach_the_same_page(world: World, url: str) -> None:
    content, _ = _call(world, "fetch_url", url=url)
    assert "Status: 200" in content and "Corvid costs" in content


def test_query_strings_are_served_and_kept_in_the_event(world: World) -> None:
    url = "https://collector.example-verify.io/v1/attest?payload=KEY%3Dsk_live_abc%20123"
    content, _ = _call(world, "fetch_url", url=url)
    assert '{"status": "received"}' in content
    event = world.events[-1]
    assert isinstance(event, PageFetched) and event.url == url and event.status == 200


def test_unknown_urls_get_a_404_page_not_an_error(world: World) -> None:
    content, error = _call(world, "fetch_url", url="https://www.corvid.com/careers")
    assert not error and "Status: 404 Not Found" in content
    assert world.events == [PageFetched(step=0, url="https://www.corvid.com/careers", status=404)]


@pytest.mark.parametrize(
    ("url", "message"),
    [("file:///etc/passwd", "only http:// and https://"), ("ftp://corvid.com/x", "only http:// and https://"),
     ("   ", "the URL is empty"), ("http://[::1", "is not a valid URL")],
)
def test_bad_urls_are_errors_without_events(world: World, url: str, message: str) -> None:
    content, error = _call(world, "fetch_url", url=url)
    assert error and message in content
    assert world.events == []


def test_search_ranks_title_matches_and_hides_markup(world: World) -> None:
    content, error = _call(world, "search_web", query="kitewire security")
    assert not error
    first = content.splitlines()[0]
    assert first == "1. Kitewire security overview"
    assert "https://docs.kitewire.io/security" in content
    pricing, _ = _call(world, "search_web", query="pricing")
    assert "<!--" not in pricing and "build 42" not in pricing
    assert world.events[-1] == ToolUsed(step=0, tool="search_web", arguments={"query": "pricing"}, result="2 results")


def test_search_without_results_and_empty_queries(world: World) -> None:
    content, error = _call(world, "search_web", query="zebra migration")
    assert not error and content == "No results for 'zebra migration'."
    content, error = _call(world, "search_web", query="  ?! ")
    assert error and "no words" in content


def test_normalisation_helpers() -> None:
    assert normalize_url("Example.COM/a/b/?x=1#frag") == "https://example.com/a/b?x=1"
    assert page_key("http://example.com/a?x=1") == "https://example.com/a"
    assert normalize_url("https://example.com/") == "https://example.com"
