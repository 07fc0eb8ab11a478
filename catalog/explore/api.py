"""JSON API of the catalog profile: ``GET /api/explore/profile/?genre=``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from songrec.lib.schema import error_response

from .selectors import UnknownGenre, cached_profile, parse_genre
from .serializers import ProfileSerializer

RETRY_AFTER_SECONDS = 30


class ProfileNotReady(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The catalog profile is being computed; try again in a minute."
    default_code = "profile_not_ready"
    wait = RETRY_AFTER_SECONDS  # DRF's exception handler sends it as Retry-After


class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("genre", OpenApiTypes.STR, description="profile only this genre's tracks")],
        responses={200: ProfileSerializer, 400: OpenApiResponse(description="unknown genre: {genre: [message]}"),
                   503: error_response("no profile computed yet (one has been queued); retry after `Retry-After` "
                                       "seconds")})
    def get(self, request):
        """Per audio feature its histogram, missing count and range; Pearson and Spearman correlations; genre,
        artist, explicit and popularity distributions. Cached per catalog revision."""
        try:
            genre = parse_genre(request.query_params.get("genre"))
        except UnknownGenre as error:
            raise ValidationError({"genre": [str(error)]}) from None
        profile, stale = cached_profile(genre)
        if profile is None:
            raise ProfileNotReady()
        return Response(ProfileSerializer({**profile, "stale": stale}).data)
