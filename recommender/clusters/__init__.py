"""Clusters of the index's feature vectors, their labels, and a 2-D map of the catalog.

Several clusterings are fitted per index version and compared (MLflow); the best by a fixed rule becomes
the active one that pages, the API and the track page show. This is the half of exploring the catalog that needs
the recommendation index's vectors, so it lives above the recommender; the profile and drift, which read only
the catalog, are ``catalog/explore/``.
"""
