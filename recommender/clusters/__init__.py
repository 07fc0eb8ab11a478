"""Clusters of the index's feature vectors, their labels, and a 2-D map of the catalog.

Several clusterings are fitted per index version and compared (MLflow); the best by a fixed rule becomes
the active one that pages, the API and the track page show.
"""
