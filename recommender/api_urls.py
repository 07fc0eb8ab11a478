"""JSON API routes of the recommender app, mounted under /api/."""

urlpatterns = []
