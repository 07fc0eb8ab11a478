"""JSON API of the catalog profile: ``GET /api/explore/profile/?genre=``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from songrec.lib.schema import error_response

from .selectors import ProfileNotReady, cached_profile, parse_genre
from .serializers import ProfileSerializer


class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("genre", OpenApiTypes.STR, description="profile only this genre's tracks")],
        responses={200: ProfileSerializer, 400: OpenApiResponse(description="unknown genre: {genre: [message]}"),
                   503: error_response("no profile computed yet (one has been queued); retry after `Retry-After` "
                                       "seconds")})
    def get(self, request: Request) -> Response:
        """Per audio feature its histogram, missing count and range; Pearson and Spearman correlations; genre,
        artist, explicit and popularity distributions. Cached per catalog revision."""
        genre = parse_genre(request.query_params.get("genre"))
        profile, stale = cached_profile(genre)
        if profile is None:
            raise ProfileNotReady()
        return Response(ProfileSerializer({**profile, "stale": stale}).data)
