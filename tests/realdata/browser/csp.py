"""A Content-Security-Policy for the browser suite: scripts only from the site, frames only from the player.

So a page that needs an inline script, or a player that frames anything but Spotify's embed, fails the walk (the
browser reports the violation as a console error). Only added where the app sent no policy of its own: once it
sends one, that one is what the browser tests. Styles are not restricted here (the feature bars still set their
width inline); the Swagger/ReDoc pages under /api/ come from drf-spectacular and are left as they are.
"""

PLAYER_FRAME_ORIGIN = "https://open.spotify.com"
POLICY = f"script-src 'self'; object-src 'none'; frame-src {PLAYER_FRAME_ORIGIN}"


def strict_policy(get_response):
    def middleware(request):
        response = get_response(request)
        if not request.path.startswith("/api/") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY
        return response

    return middleware
