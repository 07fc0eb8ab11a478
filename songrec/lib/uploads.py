"""An upload handler that refuses an over-sized body while it streams in, before the rest has arrived."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Room for the multipart boundaries and the other form fields around the file.
ENVELOPE_BYTES = 64 * 1024

# Request path → the name of the setting holding that path's smaller limit (an app registers its upload forms in
# its AppConfig.ready(); the setting is read per request, so tests and deployments may change it).
_path_limits: dict[str, str] = {}


def register_upload_limit(path: str, setting_name: str) -> None:
    """Uploads to ``path`` (exactly, e.g. "/me/playlists/import/") are cut off at ``settings.<setting_name>``."""
    _path_limits[path] = setting_name


def upload_limit(path: str) -> int:
    """The most bytes a file uploaded to ``path`` may have: its registered limit, else ``UPLOAD_MAX_BYTES``."""
    return getattr(settings, _path_limits.get(path, "UPLOAD_MAX_BYTES"))


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading at the path's ``upload_limit`` (``UPLOAD_MAX_BYTES`` unless a smaller one is registered): at
    once when Content-Length says more, else when the file's bytes pass it. ``request.upload_refused`` then holds
    the message for the user. First in ``FILE_UPLOAD_HANDLERS``, so it guards every multipart body, whoever reads
    it first (the middleware does)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.content_length, self.received = content_length or 0, 0
        self.limit = upload_limit(self.request.path_info) if self.request is not None else settings.UPLOAD_MAX_BYTES

    def new_file(self, *args, **kwargs):
        if self.content_length > self.limit + ENVELOPE_BYTES:
            self._refuse()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data  # the next handlers store it

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        limit = self.limit
        self.request.upload_refused = f"The file is larger than the {limit // 1024 ** 2} MB limit ({limit:,} bytes)."
        raise StopUpload(connection_reset=True)  # don't read (or wait for) the rest of the body
