"""Admin URLs of models that moved to another app redirect (301) to the same page under the new app's label.

A bookmark such as /admin/catalog/crawlrun/3/change/ keeps working after CrawlRun moved to the crawl app. Add a row
here with each state-only model move (songrec/lib/model_moves.py); the old label's other models are untouched.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import re_path, reverse

# (old app label, model name) → new app label, for the moved models the admin shows (Cluster is an inline)
MOVED_MODELS = {
    ("catalog", "crawlrun"): "crawl",
    ("catalog", "crawlcursor"): "crawl",
    ("catalog", "crawlmark"): "crawl",
    ("recommender", "clustering"): "clusters",
}


def moved_model_redirect(request, new_label, model, rest):
    """301 to the page ``rest`` of ``model`` under ``new_label``, query string kept."""
    url = f"{reverse('admin:index')}{new_label}/{model}/{rest}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


# Mounted before the admin's own URLs (songrec/urls.py), which would answer 404 for the old label's models.
urlpatterns = [
    re_path(rf"^admin/{old_label}/{model}/(?P<rest>.*)$", moved_model_redirect,
            {"new_label": new_label, "model": model})
    for (old_label, model), new_label in MOVED_MODELS.items()
]
