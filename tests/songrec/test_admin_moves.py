"""Admin URLs of models that moved to another app answer with a permanent redirect to the new app's page."""

import pytest
from django.apps import apps
from django.urls import reverse

from catalog.crawl.models import CrawlRun
from recommender.clusters.models import Clustering
from recommender.models import IndexVersion
from songrec.admin_moves import MOVED_MODELS

pytestmark = pytest.mark.django_db


def test_each_moved_model_redirects_from_its_old_label_to_its_admin_pages(admin_client):
    for (old_label, model), new_label in MOVED_MODELS.items():
        assert apps.get_model(new_label, model)._meta.app_label == new_label
        response = admin_client.get(f"/admin/{old_label}/{model}/")
        assert response.status_code == 301 and response["Location"] == f"/admin/{new_label}/{model}/"
        assert admin_client.get(response["Location"]).status_code == 200, model


def test_change_pages_and_query_strings_keep_their_place(admin_client):
    run = CrawlRun.objects.create(status=CrawlRun.Status.SUCCEEDED)
    clustering = Clustering.objects.create(version=IndexVersion.objects.create(), algorithm="pca-kmeans")
    for old, new in ((f"/admin/catalog/crawlrun/{run.pk}/change/",
                      reverse("admin:crawl_crawlrun_change", args=[run.pk])),
                     (f"/admin/recommender/clustering/{clustering.pk}/change/",
                      reverse("admin:clusters_clustering_change", args=[clustering.pk]))):
        response = admin_client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
        assert admin_client.get(new).status_code == 200, new
    response = admin_client.get("/admin/catalog/crawlrun/?status__exact=succeeded")
    assert response["Location"] == "/admin/crawl/crawlrun/?status__exact=succeeded"


def test_the_old_labels_other_models_are_not_redirected(admin_client):
    assert admin_client.get("/admin/catalog/track/").status_code == 200
    assert admin_client.get("/admin/recommender/indexversion/").status_code == 200
    assert admin_client.get("/admin/catalog/").status_code == 200
