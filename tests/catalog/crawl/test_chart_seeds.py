"""Optional Korean chart seeds: parsers on saved pages, fetching, and seeding the crawl (off by default)."""

from pathlib import Path

import pytest

from catalog.crawl import chart_seeds as charts
from catalog.crawl.models import CrawlRun
from catalog.crawl.seeds import ChartSeed, configured_seeds
from catalog.crawl.service import run_crawl
from catalog.models import Track

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "charts"


def page(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_bugs_rows_give_rank_title_and_lead_artist():
    entries = charts.parse_bugs(page("bugs_chart_day.html"))
    assert [(e.rank, e.title, e.artist) for e in entries] == [
        (1, "Supernova", "aespa"),
        (2, "Love wins all", "아이유(IU)"),
        (3, "소나기", "이클립스 (ECLIPSE)"),  # the hidden full artist list is not read as a second artist
        (4, "Magnetic", "ILLIT"),
        (6, "Small girl (feat. 도경수(D.O.))", "이영지"),  # rank 5 had no title (age-restricted), the ad row no track
    ]


def test_melon_rows_give_rank_title_and_artist_once():
    entries = charts.parse_melon(page("melon_chart_top100.html"))
    assert [(e.rank, e.title, e.artist) for e in entries] == [
        (1, "Supernova", "aespa"),
        (2, "How Sweet", "NewJeans"),
        (3, "소나기", "이클립스 (ECLIPSE)"),
        (51, "Seven (feat. Latto) - Clean Ver.", "정국"),
    ]
    assert str(entries[0]) == "#1 aespa – Supernova"


def test_pages_of_another_layout_give_no_entries():
    assert charts.parse_bugs(page("melon_chart_top100.html")) == []
    assert charts.parse_melon(page("bugs_chart_day.html")) == []
    assert charts.parse_melon("<table><tr class='lst50'><td>broken") == []


def test_fetching_a_chart_reads_utf8_and_reports_failures_in_one_line(settings, fake_spotify):
    settings.SPOTIFY_REQUEST_TIMEOUT = 2
    fake_spotify.pages["/chart/bugs"] = ("text/html", page("bugs_chart_day.html").encode())
    fake_spotify.pages["/chart/empty"] = ("text/html; charset=utf-8", b"<html><body>maintenance</body></html>")
    assert charts.fetch_chart("bugs", f"{fake_spotify.url}/chart/bugs")[2].title == "소나기"
    with pytest.raises(charts.ChartError, match="no chart entries found"):
        charts.fetch_chart("melon", f"{fake_spotify.url}/chart/empty")
    with pytest.raises(charts.ChartError, match="answered HTTP 404"):
        charts.fetch_chart("bugs", f"{fake_spotify.url}/chart/missing")
    with pytest.raises(charts.ChartError, match="unknown chart source 'genie'"):
        charts.fetch_chart("genie")


def test_charts_are_off_by_default():
    from songrec import settings as defaults

    assert defaults.SPOTIFY_CHART_SOURCE == ""
    assert not any(isinstance(seed, ChartSeed) for seed in configured_seeds())


@pytest.mark.django_db
def test_a_chart_seed_finds_its_tracks_on_spotify(crawl_settings, fake_spotify):
    aespa = fake_spotify.add_artist("aespa")
    album = fake_spotify.add_album("Armageddon - The 1st Album", [aespa])
    fake_spotify.add_track("Supernova", album, reccobeats=True)
    fake_spotify.add_track("Armageddon", album, reccobeats=True)
    fake_spotify.pages["/chart/melon"] = ("text/html; charset=utf-8", page("melon_chart_top100.html").encode())
    crawl_settings.SPOTIFY_CHART_SOURCE = "melon"
    crawl_settings.SPOTIFY_CHART_URL = f"{fake_spotify.url}/chart/melon"

    run = run_crawl()

    assert run.status == CrawlRun.Status.SUCCEEDED
    assert set(Track.objects.values_list("name", flat=True)) == {"Supernova", "Armageddon"}
    assert "chart entry #2 NewJeans – How Sweet: not found on Spotify" in run.errors
    searches = [r.query["q"] for r in fake_spotify.calls("/v1/search")]
    assert searches[0] == 'track:"Supernova" artist:"aespa"'


@pytest.mark.django_db
def test_an_unreachable_chart_is_logged_and_the_crawl_goes_on(crawl_settings, fake_spotify):
    crawl_settings.SPOTIFY_CHART_SOURCE = "bugs"
    crawl_settings.SPOTIFY_CHART_URL = f"{fake_spotify.url}/chart/gone"
    run = run_crawl()
    assert run.status == CrawlRun.Status.SUCCEEDED
    assert run.errors == [f"chart bugs: {fake_spotify.url}/chart/gone answered HTTP 404"]
