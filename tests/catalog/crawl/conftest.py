"""The crawl tests talk to the fake Spotify server (tests/fake_spotify.py) through these fixtures."""

from tests.fake_spotify import crawl_settings, fake_spotify, world  # noqa: F401  (fixtures)
