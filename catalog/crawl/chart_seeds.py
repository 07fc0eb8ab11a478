"""Optional crawl seeds from Korean chart pages (Bugs, Melon): title and artist of each ranked track.

Off by default (SPOTIFY_CHART_SOURCE=""). Turn it on only where the site's terms of use allow automated
access; the crawler fetches one chart page per run and searches Spotify for each entry. Parsing uses the
standard library's HTMLParser to build a small tree, so no extra dependency is needed.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

import requests
from django.conf import settings

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
USER_AGENT = "songrec-crawler/1.0 (+self-hosted music recommender)"


class ChartError(Exception):
    pass


@dataclass(frozen=True)
class ChartEntry:
    rank: int
    title: str
    artist: str

    def __str__(self):
        return f"#{self.rank} {self.artist} – {self.title}"


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.parent, self.children = tag, parent, []
        self.attrs = {name: value or "" for name, value in attrs}

    @property
    def classes(self):
        return set(self.attrs.get("class", "").split())

    def text(self):
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag, css_class=None):
        return [node for node in self.iter()
                if node.tag == tag and (css_class is None or css_class in node.classes)]

    def find(self, tag, css_class=None):
        return next(iter(self.find_all(tag, css_class)), None)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs, self.stack[-1]))

    def handle_endtag(self, tag):
        # Close up to the matching open tag; a stray end tag (common on real pages) is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _rank(text, fallback):
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else fallback


def _first_link_text(node):
    if node is None:
        return ""
    link = next((child for child in node.children if isinstance(child, Node) and child.tag == "a"), None)
    return (link or node).text()


def parse_bugs(html):
    """Bugs chart rows: ``<tr rowType="track">`` with p.title, p.artist and div.ranking > strong."""
    entries = []
    for row in parse_html(html).find_all("tr"):
        if row.attrs.get("rowtype") != "track":
            continue
        title = _first_link_text(row.find("p", "title"))
        artist = _first_link_text(row.find("p", "artist"))
        ranking = row.find("div", "ranking")
        rank = ranking.find("strong") if ranking else None  # the rest of div.ranking is the rank change
        if title and artist:
            entries.append(ChartEntry(_rank(rank.text() if rank else "", len(entries) + 1), title, artist))
    return entries


def parse_melon(html):
    """Melon chart rows: ``<tr class="lst50|lst100">`` with div.rank01 (title), div.rank02 (artists), span.rank."""
    entries = []
    for row in parse_html(html).find_all("tr"):
        if not row.classes & {"lst50", "lst100"}:
            continue
        title_box = row.find("div", "rank01")
        title = title_box.find("a").text() if title_box and title_box.find("a") else ""
        # rank02 repeats the artist list in a hidden span.checkEllipsis; the direct links are the visible ones.
        artist = _first_link_text(row.find("div", "rank02"))
        rank = row.find("span", "rank")
        if title and artist:
            entries.append(ChartEntry(_rank(rank.text() if rank else "", len(entries) + 1), title, artist))
    return entries


SOURCES = {
    "bugs": ("https://music.bugs.co.kr/chart/track/day/total", parse_bugs),
    "melon": ("https://www.melon.com/chart/index.htm", parse_melon),
}


def fetch_chart(source, url=""):
    """Download one chart page and parse it; raise ChartError with a one-line reason on any failure."""
    if source not in SOURCES:
        raise ChartError(f"unknown chart source {source!r}; choose one of {', '.join(SOURCES)}")
    default_url, parse = SOURCES[source]
    url = url or default_url
    try:
        response = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=settings.SPOTIFY_REQUEST_TIMEOUT)
    except requests.RequestException as exc:
        raise ChartError(f"could not fetch {url}: {exc}") from None
    if response.status_code != 200:
        raise ChartError(f"{url} answered HTTP {response.status_code}")
    if "charset" not in response.headers.get("Content-Type", "").lower():
        response.encoding = "utf-8"  # both sites serve UTF-8; requests would otherwise guess ISO-8859-1
    entries = parse(response.text)
    if not entries:
        raise ChartError(f"no chart entries found on {url}; the page layout may have changed")
    return entries
