from rest_framework.routers import SimpleRouter

from . import api
from .crawl import api as crawl_api

router = SimpleRouter()
router.register("tracks", api.TrackViewSet, basename="track")
router.register("artists", api.ArtistViewSet, basename="artist")

urlpatterns = router.urls + crawl_api.router.urls
