"""Exploring the catalog: a data profile (distributions, correlations) and feature drift per crawl run.

Read-only over the catalog; the recommender's clusters and map live in ``recommender/clusters/``.
"""
