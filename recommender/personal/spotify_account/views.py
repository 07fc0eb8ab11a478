"""Listener pages of the Spotify account: status, connect (to Spotify and back), disconnect, import, save a
playlist, and the private-playlists choice. Domain errors reach the error page through the middleware."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.playlists.selectors import owned_playlist

from . import selectors, services
from .errors import MissingScope, NeedsReconnect, NotConnected
from .models import SAVE_SCOPES


def _redirect_uri(request):
    return settings.SPOTIFY_REDIRECT_URI or request.build_absolute_uri(reverse("spotify_account:callback"))


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    same_site = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())
    return target if target and same_site else fallback


@login_required
def account(request):
    connection = selectors.connection_of(request.user)
    return render(request, "spotify_account/account.html", {
        "connection": connection, "remove_on_spotify": services.REMOVE_ON_SPOTIFY,
        "private_playlists_in_model": selectors.private_playlists_in_model(request.user)})


@login_required
def connect(request):
    """Start the authorization: to Spotify with the scopes this purpose needs (GET ?for=import|save)."""
    purpose = request.GET.get("for", "import")
    then = {"next": _back(request, reverse("spotify_account:account"))}
    url = services.start_authorization(request.session, request.user, purpose=purpose,
                                       redirect_uri=_redirect_uri(request), then=then)
    return redirect(url)


@login_required
def callback(request):
    """Spotify sends the listener back here with ?code&state (or ?error&state)."""
    connection, then = services.finish_authorization(request.session, request.user,
                                                     state=request.GET.get("state"), code=request.GET.get("code"),
                                                     error=request.GET.get("error"))
    messages.success(request, f"Connected to Spotify as {connection.display_name or connection.spotify_user_id}.")
    then = then or {}
    if then.get("save"):  # the "Save to Spotify" that sent the listener here: do it now
        link = services.request_save(request.user, then["save"])
        messages.success(request, f"Saving “{link.playlist.name}” to Spotify.")
    return redirect(then.get("next") or reverse("spotify_account:account"))


@login_required
@require_POST
def disconnect(request):
    if services.disconnect(request.user):
        messages.success(request, f"Disconnected: songrec deleted your Spotify tokens. {services.REMOVE_ON_SPOTIFY}")
    return redirect("spotify_account:account")


@login_required
@require_POST
def import_now(request):
    try:
        services.request_import(request.user)
    except (NotConnected, NeedsReconnect, MissingScope):
        return redirect(f"{reverse('spotify_account:connect')}?for=import")
    messages.success(request, "Importing from Spotify: your saved tracks become likes, recent and top tracks plays.")
    return redirect(_back(request, reverse("spotify_account:account")))


@login_required
@require_POST
def save_playlist(request, pk):
    """"Save to Spotify": queue it, or first connect (or re-authorize with the playlist scopes) and come back."""
    playlist = owned_playlist(request.user, pk)
    back = _back(request, reverse("spotify_account:account"))
    connection = selectors.connection_of(request.user)
    if connection is None or connection.status != connection.Status.CONNECTED or not connection.has_scopes(
            SAVE_SCOPES):
        url = services.start_authorization(request.session, request.user, purpose="save",
                                           redirect_uri=_redirect_uri(request),
                                           then={"next": back, "save": playlist.pk})
        return redirect(url)
    link = services.request_save(request.user, playlist.pk)
    messages.success(request, f"Saving “{playlist.name}” to Spotify ({link.get_status_display().lower()}).")
    return redirect(back)


@login_required
@require_POST
def privacy(request):
    allowed = request.POST.get("private_playlists_in_model") == "on"
    services.set_private_playlists_in_model(request.user, allowed)
    messages.success(request, "The recommender may learn from your private playlists (in aggregate)." if allowed
                     else "The recommender no longer learns from your private playlists, from its next training on.")
    return redirect(_back(request, reverse("spotify_account:account")))
