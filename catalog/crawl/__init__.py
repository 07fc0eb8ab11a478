"""The Spotify crawl: a nested Django app inside catalog whose models keep the catalog's app label and tables."""
