"""The download formats of a playlist (JSPF, XSPF, M3U8, CSV) as DRF renderers, chosen by ``?format=``.

``EXPORT_RENDERERS`` is what the playlist's API view adds to its JSON renderer, so one URL serves the playlist
as JSON and as each file format. When ``request.accepted_renderer.format`` is in ``EXPORT_FORMATS`` the view
answers ``Response(exports.playlist_export_data(playlist, request))``: each renderer writes that dict as a file
with its media type and a download name (``Content-Disposition``). An error answer (a 404 for another listener's
private playlist, a 429) stays JSON whatever format was asked: a renderer seeing a 4xx/5xx or anything but
export data writes JSON and says so in ``Content-Type``.

Each format carries every track's Spotify URL (``https://open.spotify.com/track/<id>``) where the format has a
place for one, and its artists and title, so ``imports.py`` reads the files back by id and, elsewhere, by name.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET  # noqa: N817 (writing only; imports parse with defusedxml)

from django.utils.http import content_disposition_header
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer, JSONRenderer

XSPF_NAMESPACE = "http://xspf.org/ns/0/"
# ListenBrainz's JSPF track extension (https://musicbrainz.org/doc/jspf): where the track's artists and id go.
JSPF_TRACK_EXTENSION = "https://musicbrainz.org/doc/jspf#track"
CSV_COLUMNS = ("position", "title", "artists", "album", "spotify_id", "duration_ms")
# Spreadsheets run a cell starting with one of these as a formula ("CSV injection"); such cells get a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def artists_text(track: dict) -> str:
    return ", ".join(track["artists"])


def download_name(data: dict, extension: str) -> str:
    return f"{slugify(data['name']) or 'playlist'}-{data['id']}.{extension}"


class PlaylistFileRenderer(BaseRenderer):
    """A playlist download: ``write(data)`` gives the file's text; errors fall back to JSON."""

    charset = "utf-8"
    extension = ""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if not _is_export_data(data) or (response is not None and response.status_code >= 400):
            if response is not None:
                response["Content-Type"] = "application/json"
            return JSONRenderer().render(data)
        if response is not None:
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=download_name(data, self.extension))
        return self.write(data).encode(self.charset)

    def write(self, data: dict) -> str:
        raise NotImplementedError


def _is_export_data(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("tracks"), list) and "name" in data and "id" in data


class JSPFRenderer(PlaylistFileRenderer):
    """JSPF, the JSON form of XSPF as ListenBrainz reads and writes it."""

    media_type = "application/jspf+json"
    format = "jspf"
    extension = "jspf"

    def write(self, data: dict) -> str:
        playlist = {"title": data["name"], "creator": data["owner"] or "songrec", "identifier": data["url"],
                    "track": [_jspf_track(track) for track in data["tracks"]]}
        if data["description"]:
            playlist["annotation"] = data["description"]
        return json.dumps({"playlist": playlist}, ensure_ascii=False, indent=1)


def _jspf_track(track: dict) -> dict:
    entry = {"title": track["title"], "creator": artists_text(track), "identifier": [track["spotify_url"]],
             "location": [track["spotify_url"]], "info": track["url"],
             "extension": {JSPF_TRACK_EXTENSION: {"additional_metadata": {
                 "artists": [{"artist_credit_name": name} for name in track["artists"]],
                 "spotify_id": track["spotify_id"]}}}}
    if track["album"]:
        entry["album"] = track["album"]
    if track["duration_ms"] is not None:
        entry["duration"] = track["duration_ms"]
    return entry


class XSPFRenderer(PlaylistFileRenderer):
    """XSPF 1 (https://xspf.org/spec), written with ElementTree so every text is escaped as XML."""

    media_type = "application/xspf+xml"
    format = "xspf"
    extension = "xspf"

    def write(self, data: dict) -> str:
        ET.register_namespace("", XSPF_NAMESPACE)
        playlist = ET.Element(_xspf("playlist"), version="1")
        _text(playlist, "title", data["name"])
        _text(playlist, "creator", data["owner"] or "songrec")
        if data["description"]:
            _text(playlist, "annotation", data["description"])
        _text(playlist, "info", data["url"])
        track_list = ET.SubElement(playlist, _xspf("trackList"))
        for track in data["tracks"]:
            element = ET.SubElement(track_list, _xspf("track"))
            _text(element, "location", track["spotify_url"])
            _text(element, "identifier", track["spotify_url"])
            _text(element, "title", track["title"])
            _text(element, "creator", artists_text(track))
            if track["album"]:
                _text(element, "album", track["album"])
            if track["duration_ms"] is not None:
                _text(element, "duration", str(track["duration_ms"]))
            _text(element, "info", track["url"])
        ET.indent(playlist, space=" ")
        return ET.tostring(playlist, encoding="unicode", xml_declaration=True) + "\n"


def _xspf(tag: str) -> str:
    return f"{{{XSPF_NAMESPACE}}}{tag}"


def _text(parent, tag, text):
    ET.SubElement(parent, _xspf(tag)).text = text


class M3U8Renderer(PlaylistFileRenderer):
    """Extended M3U in UTF-8: ``#EXTINF:<seconds>,<artists> - <title>`` then the track's Spotify URL."""

    media_type = "audio/x-mpegurl"
    format = "m3u8"
    extension = "m3u8"

    def write(self, data: dict) -> str:
        lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(data['name'])}"]
        for track in data["tracks"]:
            seconds = round(track["duration_ms"] / 1000) if track["duration_ms"] is not None else -1
            lines.append(f"#EXTINF:{seconds},{_one_line(artists_text(track))} - {_one_line(track['title'])}")
            lines.append(track["spotify_url"])
        return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """A line break inside a name would start a new M3U line (a bogus entry or URL)."""
    return " ".join(text.split())


class CSVRenderer(PlaylistFileRenderer):
    """One row per track: position (from 1), title, artists (";"-separated), album, Spotify id, duration in ms."""

    media_type = "text/csv"
    format = "csv"
    extension = "csv"

    def write(self, data: dict) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for position, track in enumerate(data["tracks"], start=1):
            writer.writerow([position, _cell(track["title"]), _cell("; ".join(track["artists"])),
                             _cell(track["album"]), track["spotify_id"],
                             "" if track["duration_ms"] is None else track["duration_ms"]])
        return out.getvalue()


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


EXPORT_RENDERERS: list[type[BaseRenderer]] = [JSPFRenderer, XSPFRenderer, M3U8Renderer, CSVRenderer]
EXPORT_FORMATS = frozenset(renderer.format for renderer in EXPORT_RENDERERS)

# For the playlist view's ``@extend_schema(parameters=[EXPORT_FORMAT_PARAMETER])``: the schema names the formats.
EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", *sorted(EXPORT_FORMATS)],
    description="json (default) or a download: jspf (ListenBrainz), xspf, m3u8 (Spotify URLs) or csv")
