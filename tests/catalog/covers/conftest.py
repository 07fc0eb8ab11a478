"""The cover-art tests talk to the fake Spotify server (tests/fake_spotify.py): its album images and /oembed."""

from tests.fake_spotify import crawl_settings, fake_spotify, world  # noqa: F401  (fixtures)
