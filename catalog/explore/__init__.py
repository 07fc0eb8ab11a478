"""Exploring the catalog: a data profile (distributions, correlations) and feature drift per crawl run.

Explore is split in two apps on purpose. This one reads only the catalog (its tracks' audio features), so it sits
in the catalog's layer and the crawl can call it. The clusters and the catalog map (``recommender/clusters/``)
are fitted on the recommendation index's vectors, so they sit above the recommender, which the catalog may not
import.
"""
