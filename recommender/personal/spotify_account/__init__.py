"""A listener's Spotify account: OAuth (PKCE) connection, "Save to Spotify", "Import from Spotify", privacy choices."""
