"""JSON API of playlist import: POST a playlist file or a Spotify link, get the new playlist and what did not match.

Export is not here: it is the playlist's own API URL with ``?format=jspf|xspf|m3u8|csv`` (``renderers.py``).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from songrec.lib.schema import error_response
from songrec.lib.users import signed_in_user

from .exports import playlist_page_path
from .imports import ImportReport, import_playlist_file, import_spotify_playlist
from .transfer_serializers import FileImportSerializer, ImportReportSerializer, LinkImportSerializer


def report_data(report: ImportReport, request: Request) -> dict:
    """The report as ``ImportReportSerializer`` writes it (the page shows the same report)."""
    playlist = report.playlist
    return ImportReportSerializer({
        **vars(report), "tracks": report.tracks,
        "playlist": {"id": playlist.pk, "name": playlist.name, "visibility": playlist.visibility,
                     "url": request.build_absolute_uri(playlist_page_path(playlist))},
    }).data


class PlaylistImportView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="Import a playlist from a JSPF/XSPF/M3U file or a public Spotify playlist link",
        description="A multipart `file` (JSPF, XSPF, M3U or M3U8), or a `url` of a public Spotify playlist. "
                    "Entries are matched by Spotify id, then by artist and title; the new playlist is private "
                    "and the answer lists what did not match. Nothing is stored when the import fails.",
        request={"multipart/form-data": FileImportSerializer, "application/json": LinkImportSerializer,
                 "application/x-www-form-urlencoded": LinkImportSerializer},
        responses={201: ImportReportSerializer,
                   400: OpenApiResponse(description="The file or link is unreadable, too large, hostile, too long "
                                                    "(over 10,000 tracks) or holds no track of the catalog."),
                   415: error_response("The body is neither multipart/form-data, JSON nor a form."),
                   503: error_response("Spotify could not be read now (down, rate-limiting, not configured); "
                                       "nothing was imported")})
    def post(self, request: Request) -> Response:
        refused = getattr(request, "upload_refused", None)  # set by the upload handler that stopped the body
        if refused:
            raise ValidationError({"file": [refused]})
        owner = signed_in_user(request)
        data = request.data
        if isinstance(data, dict) and ("file" in data or (request.content_type.startswith("multipart/")
                                                          and "url" not in data)):
            file_given = FileImportSerializer(data=data)
            file_given.is_valid(raise_exception=True)
            report = import_playlist_file(owner=owner, upload=file_given.validated_data["file"],
                                          name=file_given.validated_data.get("name", ""))
        else:
            link_given = LinkImportSerializer(data=data)
            link_given.is_valid(raise_exception=True)
            report = import_spotify_playlist(owner=owner, link=link_given.validated_data["url"],
                                             name=link_given.validated_data.get("name", ""))
        return Response(report_data(report, request), status=status.HTTP_201_CREATED)
