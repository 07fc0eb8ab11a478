"""An upload handler that refuses an over-sized body while it streams in, before the rest has arrived."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Room for the multipart boundaries and the other form fields around the file.
ENVELOPE_BYTES = 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading at ``UPLOAD_MAX_BYTES``: at once when Content-Length says more, else when the file's
    bytes pass it. ``request.upload_refused`` then holds the message for the user. First in
    ``FILE_UPLOAD_HANDLERS``, so it guards every multipart body, whoever reads it first (the middleware does)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.content_length, self.received = content_length or 0, 0

    def new_file(self, *args, **kwargs):
        if self.content_length > settings.UPLOAD_MAX_BYTES + ENVELOPE_BYTES:
            self._refuse()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self._refuse()
        return raw_data  # the next handlers store it

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        limit = settings.UPLOAD_MAX_BYTES
        self.request.upload_refused = f"The file is larger than the {limit // 1024 ** 2} MB limit ({limit:,} bytes)."
        raise StopUpload(connection_reset=True)  # don't read (or wait for) the rest of the body

