"""A fake Spotify Web API (plus ReccoBeats and chart pages) on 127.0.0.1, for tests that run the real spotipy.

It serves a small catalog you build with add_artist/add_album/add_track, pages lists with absolute `next`
links, checks the bearer token its own token endpoint issued, records every request, and can be told to
misbehave: `fail(path, status, headers=..., body=..., delay=..., times=...)` scripts 429s with Retry-After,
5xx, malformed JSON or slow answers; `batch_endpoints=False` and `audio_features_allowed=False` mimic a
development-mode app (403 on /tracks?ids=, /artists?ids= and /audio-features).

Listeners' accounts too (`add_user`): `/authorize` sends the browser back with a code and the state (as the
account `authorizing` says), `/api/token` exchanges it only with the right PKCE verifier and refreshes with a
refresh token until `revoke_user` makes that an `invalid_grant`; `/v1/me`, saved tracks (paged), recently played,
top tracks, and creating and filling playlists (at most 100 items a request) answer for the token's account and
check its scopes.
"""

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

FEATURES = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness", "instrumentalness",
            "liveness", "valence", "tempo", "time_signature")
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def make_id(prefix, number):
    """A valid 22-character base62 Spotify id such as ``ar00000000000000000007``."""
    return f"{prefix}{number:0{22 - len(prefix)}d}"


def features_for(number):
    return {"danceability": 0.5, "energy": round(0.1 + (number % 9) / 10, 2), "key": number % 12,
            "loudness": -6.5, "mode": number % 2, "speechiness": 0.05, "acousticness": 0.2,
            "instrumentalness": 0.0, "liveness": 0.1, "valence": 0.4, "tempo": 60.0 + number % 140, "time_signature": 4}


@dataclass
class Fault:
    path: str
    status: int | None
    times: int
    headers: dict
    body: str | None
    delay: float
    query_contains: str | None

    def matches(self, path, query):
        prefix = self.path.endswith("*")
        hit = path.startswith(self.path[:-1]) if prefix else path == self.path
        return hit and self.times > 0 and (self.query_contains is None or self.query_contains in query)


@dataclass
class Request:
    method: str
    path: str
    query: dict = field(default_factory=dict)
    body: object = None


@dataclass
class Account:
    """A listener's Spotify account: what they saved, played and made, and the scopes each token carries."""

    user_id: str
    display_name: str
    saved: list = field(default_factory=list)  # track ids, most recently saved first
    recent: list = field(default_factory=list)  # (track id, ISO time) pairs, latest first
    top: list = field(default_factory=list)  # track ids
    playlists: list = field(default_factory=list)  # ids of playlists made through the API


class FakeSpotify:
    def __init__(self, client_id="test-client", client_secret="test-secret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.artists, self.albums, self.tracks, self.playlists = {}, {}, {}, {}
        self.playlist_facts = {}
        self.features, self.reccobeats, self.pages = {}, {}, {}
        # Spotify ids /oembed knows besides the fake's own tracks (the dataset's tracks, in cover-art tests).
        self.oembed_ids = set()
        self.requests, self.faults, self.tokens = [], [], set()
        self.batch_endpoints = True
        self.audio_features_allowed = True
        self.search_max_limit = 10
        self.max_page = 50
        self.lock = threading.Lock()
        self._counter = 0
        self.server = None
        # Listeners' accounts and the OAuth state: codes waiting for exchange, tokens → (user id, scope).
        self.accounts, self.codes, self.user_tokens, self.refresh_tokens = {}, {}, {}, {}
        self.authorizing = None  # the account that is logged in on "Spotify" when /authorize is visited
        self.deny_authorization = False
        self.access_token_seconds = 3600

    # --- lifecycle -----------------------------------------------------------------------------------------
    def start(self):
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- building the catalog ------------------------------------------------------------------------------
    def _next_number(self):
        self._counter += 1
        return self._counter

    def add_artist(self, name, popularity=50, genres=()):
        artist_id = make_id("ar", self._next_number())
        self.artists[artist_id] = {"id": artist_id, "name": name, "popularity": popularity, "genres": list(genres)}
        return artist_id

    def add_album(self, name, artist_ids, release_date="2024-05-01"):
        album_id = make_id("al", self._next_number())
        self.albums[album_id] = {"id": album_id, "name": name, "release_date": release_date,
                                 "artists": list(artist_ids), "tracks": []}
        return album_id

    def add_track(self, name, album_id, *, artist_ids=None, popularity=40, features=True, reccobeats=False):
        number = self._next_number()
        track_id = make_id("tr", number)
        album = self.albums[album_id]
        self.tracks[track_id] = {"id": track_id, "name": name, "album": album_id, "popularity": popularity,
                                 "artists": list(artist_ids or album["artists"]), "duration_ms": 180000 + number,
                                 "explicit": False}
        album["tracks"].append(track_id)
        if features:
            self.features[track_id] = features if isinstance(features, dict) else features_for(number)
        if reccobeats:
            values = reccobeats if isinstance(reccobeats, dict) else features_for(number)
            self.reccobeats[track_id] = {k: v for k, v in values.items() if k != "time_signature"}
        return track_id

    def add_playlist(self, track_ids, name=None, description=""):
        """A playlist of these ids in order (an id no track has stands for a local file or an episode)."""
        playlist_id = make_id("pl", self._next_number())
        self.playlists[playlist_id] = list(track_ids)
        self.playlist_facts[playlist_id] = {"name": name or f"Playlist {playlist_id}", "description": description}
        return playlist_id

    def playlist_item(self, item_id):
        if item_id in self.tracks:
            return {"track": self.track_full(item_id)}
        return {"track": {"id": None, "name": item_id, "type": "track", "is_local": True}}

    sample_features = staticmethod(features_for)

    @staticmethod
    def unknown_id(prefix, number=999):
        """A well-formed id the fake has never heard of."""
        return make_id(prefix, 10_000 + number)

    # --- scripting faults and reading what happened --------------------------------------------------------
    def fail(self, path, status=None, *, times=1, headers=None, body=None, delay=0.0, query_contains=None):
        self.faults.append(Fault(path, status, times, headers or {}, body, delay, query_contains))

    def calls(self, prefix="/"):
        return [request for request in self.requests if request.path.startswith(prefix)]

    def revoke_tokens(self):
        self.tokens.clear()

    # --- listeners' accounts -------------------------------------------------------------------------------
    def add_user(self, user_id="listener1", display_name="Listener One", **lists):
        self.accounts[user_id] = Account(user_id, display_name, **lists)
        self.authorizing = self.authorizing or user_id
        return self.accounts[user_id]

    def revoke_user(self, user_id):
        """The listener removed the app on Spotify's account page: their refresh and access tokens stop working."""
        with self.lock:
            for table in (self.user_tokens, self.refresh_tokens):
                for token in [t for t, (owner, _scope) in table.items() if owner == user_id]:
                    del table[token]

    def expire_access_tokens(self):
        with self.lock:
            self.user_tokens.clear()

    def track_object(self, track_id):
        if track_id in self.tracks:
            return self.track_full(track_id)
        return {"id": track_id, "name": f"Track {track_id}", "type": "track", "duration_ms": 200000,
                "artists": [], "is_local": False}

    # --- JSON shapes ---------------------------------------------------------------------------------------
    def artist_ref(self, artist_id):
        return {"id": artist_id, "name": self.artists[artist_id]["name"], "type": "artist"}

    def album_simple(self, album_id):
        album = self.albums[album_id]
        return {"id": album_id, "name": album["name"], "release_date": album["release_date"], "album_type": "album",
                "album_group": "album", "artists": [self.artist_ref(a) for a in album["artists"]],
                "images": self.album_images(album_id)}

    @staticmethod
    def album_images(album_id):
        """Spotify's three sizes of an album image, largest first (the URLs are never fetched by tests)."""
        return [{"url": f"https://i.scdn.co/image/{album_id}-{size}", "width": size, "height": size}
                for size in (640, 300, 64)]

    @staticmethod
    def oembed_thumbnail(track_id):
        """The thumbnail the fake /oembed gives a track (its album's cover on Spotify's image CDN)."""
        return f"https://image-cdn-ak.spotifycdn.com/image/cover-of-{track_id}"

    def track_simple(self, track_id):
        track = self.tracks[track_id]
        return {"id": track_id, "name": track["name"], "type": "track", "duration_ms": track["duration_ms"],
                "explicit": track["explicit"], "artists": [self.artist_ref(a) for a in track["artists"]]}

    def track_full(self, track_id):
        return {**self.track_simple(track_id), "album": self.album_simple(self.tracks[track_id]["album"]),
                "popularity": self.tracks[track_id]["popularity"], "is_local": False}


class _Handler(BaseHTTPRequestHandler):
    server_fake = None
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; don't let them wait for ACKs

    def log_message(self, *args):
        pass

    # --- plumbing ------------------------------------------------------------------------------------------
    def _send(self, status, payload=None, *, headers=None, raw=None, content_type="application/json"):
        body = raw.encode() if isinstance(raw, str) else raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, message):
        self._send(status, {"error": {"status": status, "message": message}})

    def _page(self, items, query, path):
        fake = self.server_fake
        limit = min(int(query.get("limit", ["20"])[0]), fake.max_page)
        offset = int(query.get("offset", ["0"])[0])
        chunk = items[offset:offset + limit]
        next_url = None
        if offset + limit < len(items):
            params = {key: values[0] for key, values in query.items()}
            params.update(offset=offset + limit, limit=limit)
            next_url = f"{fake.url}{path}?{urlencode(params)}"
        return {"items": chunk, "total": len(items), "limit": limit, "offset": offset, "next": next_url,
                "href": f"{fake.url}{path}"}

    def _handle(self, method):
        fake = self.server_fake
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query)
        self.body = None
        if method in ("POST", "PUT"):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            content_type = self.headers.get("Content-Type") or ""
            if "json" in content_type and raw:
                try:
                    self.body = json.loads(raw)
                except ValueError:
                    return self._error(400, "Malformed JSON")
            elif raw:
                self.body = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        with fake.lock:
            fake.requests.append(Request(method, path, {key: values[0] for key, values in query.items()}, self.body))
            fault = next((f for f in fake.faults if f.matches(path, parts.query)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None or fault.body is not None:
                status = fault.status or 200
                if fault.body is not None:
                    return self._send(status, headers=fault.headers, raw=fault.body)
                return self._send(status, {"error": {"status": status, "message": "scripted failure"}},
                                  headers=fault.headers)
        if path == "/api/token" and method == "POST":
            return self._token()
        if path == "/authorize" and method == "GET":
            return self._authorize(query)
        if path in fake.pages:
            content_type, body = fake.pages[path]
            return self._send(200, raw=body, content_type=content_type)
        if path.startswith("/reccobeats/v1/"):
            return self._reccobeats(path, query)
        if path == "/oembed":
            return self._oembed(query)
        if not path.startswith("/v1/"):
            return self._error(404, "no such endpoint")
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token in fake.user_tokens:
            user_id, scope = fake.user_tokens[token]
            return self._user_api(method, path[len("/v1"):], query, account=fake.accounts[user_id],
                                  scopes=scope.split())
        if token not in fake.tokens:
            return self._error(401, "Invalid access token")
        if method != "GET" or path.startswith("/v1/me"):
            return self._error(401, "This endpoint needs a user's token")
        return self._api(path[len("/v1"):], query)

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_PUT(self):  # noqa: N802
        self._handle("PUT")

    # --- endpoints -----------------------------------------------------------------------------------------
    def _authorize(self, query):
        fake = self.server_fake
        given = {key: values[0] for key, values in query.items()}
        if given.get("client_id") != fake.client_id:
            return self._error(400, "INVALID_CLIENT: Invalid client")
        if given.get("response_type") != "code" or given.get("code_challenge_method") != "S256" \
                or not given.get("code_challenge") or not given.get("redirect_uri"):
            return self._error(400, "response_type=code with an S256 code_challenge and a redirect_uri")
        back = {"state": given["state"]} if "state" in given else {}
        if fake.deny_authorization:
            back["error"] = "access_denied"
        else:
            code = uuid.uuid4().hex
            with fake.lock:
                fake.codes[code] = {"user": fake.authorizing, "challenge": given["code_challenge"],
                                    "redirect_uri": given["redirect_uri"], "scope": given.get("scope", "")}
            back["code"] = code
        separator = "&" if "?" in given["redirect_uri"] else "?"
        return self._send(302, {}, headers={"Location": f"{given['redirect_uri']}{separator}{urlencode(back)}"})

    def _user_tokens(self, user_id, scope, refresh_token=None):
        fake = self.server_fake
        access = uuid.uuid4().hex
        refresh_token = refresh_token or uuid.uuid4().hex
        with fake.lock:
            fake.user_tokens[access] = (user_id, scope)
            fake.refresh_tokens[refresh_token] = (user_id, scope)
        return self._send(200, {"access_token": access, "token_type": "Bearer", "scope": scope,
                                "expires_in": fake.access_token_seconds, "refresh_token": refresh_token})

    def _token(self):
        fake = self.server_fake
        form = self.body if isinstance(self.body, dict) else {}
        grant = form.get("grant_type", "client_credentials")
        if grant == "authorization_code":
            with fake.lock:
                waiting = fake.codes.pop(form.get("code"), None)  # a code works once
            verifier = form.get("code_verifier") or ""
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if form.get("client_id") != fake.client_id:
                return self._send(400, {"error": "invalid_client", "error_description": "Invalid client"})
            if waiting is None or waiting["redirect_uri"] != form.get("redirect_uri"):
                return self._send(400, {"error": "invalid_grant", "error_description": "Invalid authorization code"})
            if challenge != waiting["challenge"]:
                return self._send(400, {"error": "invalid_grant", "error_description": "code_verifier was incorrect"})
            return self._user_tokens(waiting["user"], waiting["scope"])
        if grant == "refresh_token":
            known = fake.refresh_tokens.get(form.get("refresh_token"))
            if known is None:
                return self._send(400, {"error": "invalid_grant", "error_description": "Refresh token revoked"})
            return self._user_tokens(*known, refresh_token=form.get("refresh_token"))
        expected = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            return self._send(400, {"error": "invalid_client", "error_description": "Invalid client"})
        token = uuid.uuid4().hex
        with fake.lock:
            fake.tokens.add(token)
        return self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _api(self, path, query):
        fake = self.server_fake
        ids = [i for i in query.get("ids", [""])[0].split(",") if i]
        segments = path.strip("/").split("/")
        if segments == ["search"]:
            return self._search(query)
        if segments[0] in ("tracks", "artists") and len(segments) == 1:
            return self._several(segments[0], ids)
        if segments[0] == "tracks" and len(segments) == 2:
            return self._one(segments[1], fake.tracks, fake.track_full)
        if segments[0] == "artists" and len(segments) == 2:
            return self._one(segments[1], fake.artists, lambda i: dict(fake.artists[i], type="artist"))
        if segments[0] == "artists" and len(segments) == 3 and segments[2] == "albums":
            if segments[1] not in fake.artists:
                return self._error(404, "Resource not found")
            albums = [fake.album_simple(a) for a, album in fake.albums.items() if album["artists"][0] == segments[1]]
            return self._send(200, self._page(albums, query, f"/v1{path}"))
        if segments[0] == "albums" and len(segments) == 3 and segments[2] == "tracks":
            if segments[1] not in fake.albums:
                return self._error(404, "Resource not found")
            tracks = [fake.track_simple(t) for t in fake.albums[segments[1]]["tracks"]]
            return self._send(200, self._page(tracks, query, f"/v1{path}"))
        if segments[0] == "playlists" and len(segments) == 3 and segments[2] in ("items", "tracks"):
            if segments[1] not in fake.playlists:
                return self._error(404, "Resource not found")
            items = [fake.playlist_item(t) for t in fake.playlists[segments[1]]]
            return self._send(200, self._page(items, query, f"/v1{path}"))
        if segments[0] == "playlists" and len(segments) == 2:
            return self._one(segments[1], fake.playlist_facts,
                             lambda i: dict(fake.playlist_facts[i], id=i, type="playlist"))
        if segments == ["audio-features"]:
            if not fake.audio_features_allowed:
                return self._error(403, "Forbidden")
            if len(ids) > 100:
                return self._error(400, "Too many ids requested")
            return self._send(200, {"audio_features": [dict(fake.features[i], id=i, type="audio_features")
                                                       if i in fake.features else None for i in ids]})
        return self._error(404, "Service not found")

    def _user_api(self, method, path, query, *, account, scopes):
        fake = self.server_fake
        segments = path.strip("/").split("/")
        needs = {("me", "tracks"): "user-library-read", ("me", "player"): "user-read-recently-played",
                 ("me", "top"): "user-top-read"}.get(tuple(segments[:2]))
        if needs and needs not in scopes:
            return self._error(403, "Insufficient client scope")
        if method == "GET" and segments == ["me"]:
            return self._send(200, {"id": account.user_id, "display_name": account.display_name, "type": "user"})
        if method == "GET" and segments == ["me", "tracks"]:
            items = [{"added_at": "2024-01-01T00:00:00Z", "track": fake.track_object(t)} for t in account.saved]
            return self._send(200, self._page(items, query, "/v1/me/tracks"))
        if method == "GET" and segments == ["me", "player", "recently-played"]:
            limit = min(int(query.get("limit", ["20"])[0]), 50)
            items = [{"track": fake.track_object(t), "played_at": at} for t, at in account.recent[:limit]]
            return self._send(200, {"items": items, "next": None, "limit": limit, "cursors": None})
        if method == "GET" and segments == ["me", "top", "tracks"]:
            return self._send(200, self._page([fake.track_object(t) for t in account.top], query, "/v1/me/top/tracks"))
        if method == "POST" and (segments == ["me", "playlists"]
                                 or segments == ["users", account.user_id, "playlists"]):
            if not {"playlist-modify-private", "playlist-modify-public"} & set(scopes):
                return self._error(403, "Insufficient client scope")
            body = self.body if isinstance(self.body, dict) else {}
            playlist_id = fake.add_playlist([], name=body.get("name"), description=body.get("description", ""))
            account.playlists.append(playlist_id)
            return self._send(201, {"id": playlist_id, "name": body.get("name"), "type": "playlist",
                                    "public": body.get("public", True)})
        if segments[0] == "playlists" and len(segments) == 3 and segments[2] in ("items", "tracks") \
                and method in ("PUT", "POST"):
            if segments[1] not in account.playlists:
                return self._error(404 if segments[1] not in fake.playlists else 403, "Resource not found")
            body = self.body
            uris = body.get("uris") if isinstance(body, dict) else body
            if not isinstance(uris, list) or len(uris) > 100:
                return self._error(400, "You can add a maximum of 100 tracks per request.")
            ids = [uri.rpartition(":")[2] for uri in uris]
            with fake.lock:
                if method == "PUT":
                    fake.playlists[segments[1]] = ids
                else:
                    fake.playlists[segments[1]] += ids
            return self._send(200 if method == "PUT" else 201, {"snapshot_id": uuid.uuid4().hex})
        if method == "GET":
            return self._api(path, query)
        return self._error(404, "Service not found")

    def _one(self, item_id, table, render):
        if not SPOTIFY_ID.match(item_id):
            return self._error(400, "Invalid base62 id")
        if item_id not in table:
            return self._error(404, "Resource not found")
        return self._send(200, render(item_id))

    def _several(self, kind, ids):
        fake = self.server_fake
        if not fake.batch_endpoints:
            return self._error(403, "Forbidden")
        if len(ids) > 50:
            return self._error(400, "Too many ids requested")
        if kind == "tracks":
            items = [fake.track_full(i) if i in fake.tracks else None for i in ids]
        else:
            items = [dict(fake.artists[i], type="artist") if i in fake.artists else None for i in ids]
        return self._send(200, {kind: items})

    def _search(self, query):
        fake = self.server_fake
        text = query.get("q", [""])[0]
        limit, offset = int(query.get("limit", ["10"])[0]), int(query.get("offset", ["0"])[0])
        if limit > fake.search_max_limit:
            return self._error(400, "Invalid limit")
        filters = dict(re.findall(r'(\w+):"([^"]*)"', text))
        filters.update({key: value for key, value in re.findall(r'(\w+):([^\s"]+)', text)})
        free = re.sub(r'\w+:("[^"]*"|\S+)', "", text).strip().lower()

        def artist_ok(artist):
            if "artist" in filters and artist["name"].lower() != filters["artist"].lower():
                return False
            if "genre" in filters and filters["genre"] not in artist["genres"]:
                return False
            return free in artist["name"].lower()

        def track_ok(track):
            lead = fake.artists[track["artists"][0]]
            if "track" in filters and track["name"].lower() != filters["track"].lower():
                return False
            if ("artist" in filters or "genre" in filters) and not artist_ok(lead):
                return False
            return free in track["name"].lower() or free in lead["name"].lower()

        body = {}
        for kind in query.get("type", ["track"])[0].split(","):
            if kind == "artist":
                found = [dict(a, type="artist") for a in fake.artists.values() if artist_ok(a)]
            else:
                found = [fake.track_full(t) for t, track in fake.tracks.items() if track_ok(track)]
            page = self._page(found, {"limit": [str(limit)], "offset": [str(offset)], "q": [text],
                                      "type": [kind]}, "/v1/search")
            body[f"{kind}s"] = page
        return self._send(200, body)

    def _oembed(self, query):
        """Spotify's public oEmbed: no token; a track's embed with its thumbnail, 404 for an unknown track."""
        fake = self.server_fake
        match = re.fullmatch(r"https://open\.spotify\.com/track/([0-9A-Za-z]{22})", query.get("url", [""])[0])
        if match is None:
            return self._send(400, {"error": "invalid url"})
        track_id = match.group(1)
        if track_id not in fake.tracks and track_id not in fake.oembed_ids:
            return self._send(404, {"error": "not found"})
        return self._send(200, {"type": "rich", "version": "1.0", "provider_name": "Spotify", "width": 456,
                                "height": 152, "title": fake.tracks.get(track_id, {}).get("name", track_id),
                                "html": f'<iframe src="https://open.spotify.com/embed/track/{track_id}"></iframe>',
                                "thumbnail_url": fake.oembed_thumbnail(track_id), "thumbnail_width": 300,
                                "thumbnail_height": 300})

    def _reccobeats(self, path, query):
        fake = self.server_fake
        if path != "/reccobeats/v1/audio-features":
            return self._error(404, "no such endpoint")
        ids = [i for i in query.get("ids", [""])[0].split(",") if i]
        if not ids or len(ids) > 40:
            return self._send(400, {"error": "ids must hold 1 to 40 ids"})
        content = [dict(fake.reccobeats[i], id=str(uuid.uuid5(uuid.NAMESPACE_URL, i)),
                        href=f"https://open.spotify.com/track/{i}") for i in ids if i in fake.reccobeats]
        return self._send(200, {"content": content})


def build_world(fake):
    """Two artists: Aurora Lines (synthpop; 3 albums, 6 tracks, one featuring Guest Star) and Blue Harbor (jazz)."""
    aurora = fake.add_artist("Aurora Lines", popularity=61, genres=["synthpop"])
    guest = fake.add_artist("Guest Star", popularity=33)
    harbor = fake.add_artist("Blue Harbor", popularity=47, genres=["jazz"])
    first = fake.add_album("First Light", [aurora], release_date="2021-03-04")
    second = fake.add_album("Second Wind", [aurora], release_date="2023")
    single = fake.add_album("Echo", [aurora], release_date="2024-06")
    nights = fake.add_album("Harbor Nights", [harbor])
    tracks = {
        "dawn": fake.add_track("Dawn", first, popularity=70, reccobeats=True),
        "noon": fake.add_track("Noon", first, artist_ids=[aurora, guest], popularity=55, reccobeats=True),
        "dusk": fake.add_track("Dusk", first, popularity=20, reccobeats=True),
        "gale": fake.add_track("Gale", second, popularity=45, reccobeats=True),
        "calm": fake.add_track("Calm", second, popularity=12, reccobeats=True),
        "echo": fake.add_track("Echo", single, popularity=38, reccobeats=True),
        "tide": fake.add_track("Tide", nights, popularity=41, reccobeats=True),
        "moor": fake.add_track("Moor", nights, popularity=30, reccobeats=True),
    }
    return {"aurora": aurora, "guest": guest, "harbor": harbor, "first": first, "second": second,
            "single": single, "nights": nights, "tracks": tracks}


@pytest.fixture
def world(fake_spotify):
    return build_world(fake_spotify)


@pytest.fixture
def fake_spotify():
    fake = FakeSpotify().start()
    yield fake
    fake.stop()


@pytest.fixture
def crawl_settings(settings, fake_spotify):
    """Point the crawl at the fake server, with no throttle, tiny backoffs, and no seeds unless a test adds some."""
    settings.SPOTIFY_CLIENT_ID = fake_spotify.client_id
    settings.SPOTIFY_CLIENT_SECRET = fake_spotify.client_secret
    settings.SPOTIFY_API_PREFIX = f"{fake_spotify.url}/v1/"
    settings.SPOTIFY_TOKEN_URL = f"{fake_spotify.url}/api/token"
    settings.RECCOBEATS_API_URL = f"{fake_spotify.url}/reccobeats/v1/"
    settings.SPOTIFY_REQUESTS_PER_SECOND = 0
    settings.RECCOBEATS_REQUESTS_PER_SECOND = 0
    settings.SPOTIFY_BACKOFF_SECONDS = 0.01
    settings.SPOTIFY_MAX_RETRY_AFTER = 2
    settings.SPOTIFY_REQUEST_TIMEOUT = 2
    settings.SPOTIFY_SEED_QUERIES = []
    settings.SPOTIFY_SEED_PLAYLISTS = []
    settings.SPOTIFY_SEED_CATALOG_ARTISTS = 0
    settings.SPOTIFY_CHART_SOURCE = ""
    settings.SPOTIFY_FEATURES_PROVIDER = "auto"
    settings.SPOTIFY_CRAWL_TIME_BUDGET = 60
    return settings


@pytest.fixture
def spotify_accounts(settings, fake_spotify):
    """The fake Spotify with one listener account ("sp-listener"), and every Spotify URL of the settings (accounts,
    token, API) pointing at it, for songrec's "connect your Spotify account"."""
    settings.SPOTIFY_CLIENT_ID = fake_spotify.client_id
    settings.SPOTIFY_ACCOUNTS_URL = fake_spotify.url
    settings.SPOTIFY_TOKEN_URL = f"{fake_spotify.url}/api/token"
    settings.SPOTIFY_API_PREFIX = f"{fake_spotify.url}/v1/"
    settings.SPOTIFY_REQUEST_TIMEOUT = 2
    settings.SPOTIFY_ACCOUNT_BACKOFF_SECONDS = 1
    settings.SPOTIFY_REDIRECT_URI = ""
    # In-process tasks retry at once (eager mode applies the retry again) instead of raising Retry to the caller.
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    fake_spotify.add_user("sp-listener", "Listener on Spotify")
    return fake_spotify


def authorize(client, fake, purpose="import", start=None):
    """Follow "Connect Spotify" as a browser does, up to the callback URL: songrec → the fake's /authorize → back.
    ``start`` is a response that already redirects to /authorize (e.g. from "Save to Spotify")."""
    response = start if start is not None else client.get(f"/me/spotify/connect/?for={purpose}")
    assert response.status_code == 302 and response["Location"].startswith(f"{fake.url}/authorize?")
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    return urlsplit(back.headers["Location"])


def connect(client, fake, purpose="import", start=None):
    """The whole connection in a Django test client's session; returns the callback's response."""
    callback = authorize(client, fake, purpose, start)
    return client.get(f"{callback.path}?{callback.query}")
