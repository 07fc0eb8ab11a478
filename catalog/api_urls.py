from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("tracks", api.TrackViewSet, basename="track")
router.register("artists", api.ArtistViewSet, basename="artist")

urlpatterns = router.urls
