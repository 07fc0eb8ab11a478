"""JSON API routes of the evaluation app, mounted under /api/."""

urlpatterns = []
