"""POST /api/token: Spotify's client-credentials token endpoint (HTTP Basic ``client_id:secret`` or the form
fields ``client_id`` and ``client_secret``, ``grant_type=client_credentials``) → a bearer token (auth.py).
Errors are OAuth 2's ``{"error", "error_description"}`` with status 400, as Spotify's accounts service answers."""

from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .auth import authenticate_client, basic_credentials, issue_token
from .serializers import OAuthErrorSerializer, TokenSerializer


class TokenView(APIView):
    authentication_classes = []
    permission_classes = []
    parser_classes = [FormParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "spotify-token"
    schema = None  # Spotify's accounts service, not songrec's API (docs/spotify_api.md)

    def post(self, request):
        if request.data.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", "grant_type must be client_credentials")
        credentials = basic_credentials(request) or (request.data.get("client_id"), request.data.get("client_secret"))
        client_id, secret = credentials
        if not client_id or not secret:
            return _oauth_error("invalid_client", "Invalid client")
        client = authenticate_client(str(client_id), str(secret))
        if client is None:
            return _oauth_error("invalid_client", "Invalid client")
        return Response(TokenSerializer(issue_token(client)).data, headers={"Cache-Control": "no-store"})

    def get_exception_handler(self):
        return _oauth_exception_handler


def _oauth_error(code, description, status=400):
    return Response(OAuthErrorSerializer({"error": code, "error_description": description}).data, status=status)


def _oauth_exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"error": "invalid_request" if response.status_code != 429 else "too_many_requests",
                         "error_description": str(detail)}
    return response
