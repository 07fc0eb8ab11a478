"""API tokens: exchanged for a username and password, only by evaluators and staff, throttled and lockout-aware."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled

from songrec.lib.login_lockout import lockout_message
from songrec.lib.throttles import ScopedThrottle

from .evaluators import is_evaluator

NOT_ALLOWED = "API tokens are only for evaluators and staff; ask an admin to add you to the evaluator group."


class EvaluatorTokenRequestSerializer(AuthTokenSerializer):
    """Username and password of an evaluator or a staff member."""

    # DRF's own fields refuse blank values (and a username is trimmed first); these say so in the schema too.
    username = serializers.RegexField(r"\S", label="Username", write_only=True)
    password = serializers.CharField(label="Password", style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True, min_length=1)

    def validate(self, attrs):
        user = authenticate(request=self.context.get("request"), username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise AuthenticationFailed("Unable to log in with provided credentials.")
        if not (user.is_staff or is_evaluator(user)):
            raise PermissionDenied(NOT_ALLOWED)
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token (``Authorization: Token …``).

    Needs no authentication (it is how a client gets some), so no session and no CSRF token either; failed
    attempts count towards django-axes' lockout like a failed login page, and the endpoint has its own throttle.
    """

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "evaluation-token"
    renderer_classes = [renderers.JSONRenderer]
    serializer_class = EvaluatorTokenRequestSerializer

    @extend_schema(
        summary="Get my API token",
        description="For evaluators and staff. After `AXES_FAILURE_LIMIT` failed attempts for a username or from "
                    "an address, further attempts get 429 until the cool-off ends.",
        request=EvaluatorTokenRequestSerializer,
        responses={200: TokenResponseSerializer,
                   401: OpenApiResponse(description="wrong username or password"),
                   403: OpenApiResponse(description="valid credentials, but neither an evaluator nor staff")},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def get_authenticate_header(self, request):
        # Wrong credentials are a 401 (DRF turns a 401 without this header into a 403); the token they'd get
        # is used with the Token scheme.
        return "Token"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not AxesProxyHandler.is_allowed(request._request, _credentials(request)):
            raise locked_out()

    def handle_exception(self, exc):
        # The axes backend flags the DRF request it was handed when this failure reached the limit; its
        # middleware only sees the Django request, so the lockout answer is given here.
        if getattr(self.request, "axes_locked_out", False) and not isinstance(exc, Throttled):
            exc = locked_out()
        return super().handle_exception(exc)


def locked_out():
    return Throttled(wait=settings.AXES_COOLOFF_TIME.total_seconds(), detail=lockout_message())


def _credentials(request):
    data = request.data if hasattr(request.data, "get") else {}
    username = data.get("username")
    return {"username": username if isinstance(username, str) else None}
