"""The playlist import page: the same file or link as the API, the new playlist and its unmatched entries shown."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from songrec.lib.errors import DomainError

from .exports import playlist_page_path
from .imports import import_playlist_file, import_spotify_playlist
from .transfer_forms import PlaylistImportForm


@login_required
def import_playlist(request):
    if request.method != "POST":
        return render(request, "playlists/import.html", {"form": PlaylistImportForm()})
    form = PlaylistImportForm(request.POST, request.FILES)
    refused = getattr(request, "upload_refused", None)  # set by the upload handler that stopped the body
    if refused:
        form.add_error(None, refused)
    elif form.is_valid():
        try:
            if form.cleaned_data["file"]:
                report = import_playlist_file(owner=request.user, upload=form.cleaned_data["file"],
                                              name=form.cleaned_data["name"])
            else:
                report = import_spotify_playlist(owner=request.user, link=form.cleaned_data["url"],
                                                 name=form.cleaned_data["name"])
        except DomainError as error:
            # The form shows the message beside its field: that is the page's content, not an HTTP mapping.
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return render(request, "playlists/import.html", {"form": form}, status=error.status_code)
        return render(request, "playlists/import.html",
                      {"form": PlaylistImportForm(), "report": report,
                       "playlist_url": playlist_page_path(report.playlist)}, status=201)
    return render(request, "playlists/import.html", {"form": form}, status=400)
