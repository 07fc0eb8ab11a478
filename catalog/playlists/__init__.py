"""Playlists from every source in one table: curated files (TidyTuesday), the crawl's seed playlists, listeners'."""
