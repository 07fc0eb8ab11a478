"""Genres grouped into the families a listener browses by (rock, electronic, hip-hop & R&B…), for pickers.

The dataset's 114 genre names are placed by hand; a genre the crawl brings in later (Spotify has thousands, like
"k-pop boy group") goes by the first family whose keyword its name contains, else into "More".
"""

from collections import defaultdict

FAMILIES = {
    "Pop": ["pop", "power-pop", "synth-pop", "indie-pop", "pop-film", "k-pop", "j-pop", "j-idol", "cantopop",
            "mandopop", "disney", "show-tunes", "anime", "children", "kids", "party", "happy", "sad", "romance"],
    "Rock": ["rock", "alt-rock", "alternative", "indie", "hard-rock", "psych-rock", "punk", "punk-rock", "grunge",
             "emo", "rock-n-roll", "rockabilly", "j-rock", "british", "guitar", "goth", "garage", "ska"],
    "Metal & heavy": ["metal", "heavy-metal", "black-metal", "death-metal", "metalcore", "grindcore", "hardcore",
                      "industrial"],
    "Hip-hop, R&B & soul": ["hip-hop", "r-n-b", "soul", "funk", "gospel", "groove", "disco"],
    "Electronic & dance": ["edm", "electronic", "electro", "dance", "house", "deep-house", "chicago-house",
                           "progressive-house", "techno", "detroit-techno", "minimal-techno", "trance", "dubstep",
                           "drum-and-bass", "breakbeat", "hardstyle", "idm", "trip-hop", "club", "j-dance", "dub"],
    "Latin & Brazilian": ["latin", "latino", "reggaeton", "salsa", "samba", "tango", "spanish", "forro", "mpb",
                          "pagode", "sertanejo", "brazil"],
    "Jazz, blues & country": ["jazz", "blues", "country", "bluegrass", "honky-tonk", "folk", "acoustic",
                              "singer-songwriter", "songwriter"],
    "Classical & calm": ["classical", "opera", "piano", "ambient", "new-age", "chill", "sleep", "study"],
    "World & regional": ["world-music", "afrobeat", "reggae", "dancehall", "indian", "iranian", "turkish", "malay",
                         "french", "german", "swedish"],
    "More": ["comedy"],
}
_FAMILY_OF = {genre: family for family, genres in FAMILIES.items() for genre in genres}
# For names not listed: the first family whose keyword the genre's name contains.
_KEYWORDS = [("metal", "Metal & heavy"), ("core", "Metal & heavy"), ("rock", "Rock"), ("punk", "Rock"),
             ("indie", "Rock"), ("hip hop", "Hip-hop, R&B & soul"), ("rap", "Hip-hop, R&B & soul"),
             ("r&b", "Hip-hop, R&B & soul"), ("soul", "Hip-hop, R&B & soul"), ("house", "Electronic & dance"),
             ("techno", "Electronic & dance"), ("edm", "Electronic & dance"), ("electro", "Electronic & dance"),
             ("trance", "Electronic & dance"), ("latin", "Latin & Brazilian"), ("reggaeton", "Latin & Brazilian"),
             ("jazz", "Jazz, blues & country"), ("blues", "Jazz, blues & country"),
             ("country", "Jazz, blues & country"), ("folk", "Jazz, blues & country"),
             ("classical", "Classical & calm"), ("ambient", "Classical & calm"), ("pop", "Pop")]


def family_of(genre_name: str) -> str:
    if genre_name in _FAMILY_OF:
        return _FAMILY_OF[genre_name]
    lowered = genre_name.lower()
    return next((family for keyword, family in _KEYWORDS if keyword in lowered), "More")


def grouped(items, name=lambda item: item):
    """``[(family, [items sorted by name])]`` in the families' order; ``name(item)`` gives an item's genre name."""
    groups = defaultdict(list)
    for item in items:
        groups[family_of(name(item))].append(item)
    return [(family, sorted(groups[family], key=name)) for family in FAMILIES if groups[family]]
