"""The API documentation pages, served under the site's Content-Security-Policy.

Swagger UI loads its start-up script from a URL instead of inlining it (drf-spectacular's split view). Redoc
builds its styles at run time (styled-components) and its search index in a blob: worker, so its page alone
adds `style-src 'unsafe-inline'` and `worker-src blob:`; it shows nothing but the schema.
"""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}

swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
redoc = csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api-schema"))
