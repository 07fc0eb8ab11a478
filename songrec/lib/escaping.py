"""HTML escaping for markup built in Python on hot pages, without Django's lazy-string wrappers.

``django.utils.html.conditional_escape`` and ``format_html`` go through ``keep_lazy`` wrappers that inspect every
argument; a track page called them ~500 times for its 20 similar rows and players, about a quarter of the page's
CPU (issue 14). ``escaped`` gives the same text: safe strings as they are, anything else through ``html.escape``,
which is what Django's own ``escape`` calls.
"""

import html

from django.utils.safestring import SafeData


def escaped(value):
    """``conditional_escape(value)`` as a plain str (no lazy translations here)."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))
