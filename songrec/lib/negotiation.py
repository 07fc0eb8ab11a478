"""Content negotiation that holds ``?format=`` to what the OpenAPI schema says of it.

Where a view answers in several formats (JSON and CSV, a playlist's downloads), drf-spectacular documents ``format``
as an enum of them; DRF itself treats an empty ``?format=`` as absent and answers the default. Here an empty one is
refused like an unknown one (404, as DRF answers for a format the view doesn't have), so the API accepts only what
its schema allows. Views with one format (the Browsable API aside) keep ignoring an empty ``?format=``: their schema
has no such parameter.
"""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer
from rest_framework.request import Request


class SchemaFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Request, renderers: list[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        asked = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        formats = [renderer.format for renderer in renderers if not isinstance(renderer, BrowsableAPIRenderer)]
        if asked == "" and len(formats) > 1:
            raise Http404(f"format must be one of {', '.join(formats)}.")
        return super().select_renderer(request, renderers, format_suffix)
