"""Models of the recommender app."""
