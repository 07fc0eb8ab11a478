"""`make run` serves pages while the first index is built in the background: every page says how far it is."""

from recommender.models import IndexVersion

from .conftest import build

Status = IndexVersion.Status
BANNER = "Recommendations are on their way"


def test_while_the_first_index_is_built_every_page_says_how_far_it_is(client, catalog):
    IndexVersion.objects.create(status=Status.BUILDING, stage="neighbours", progress=0.4)
    track = catalog["rock"][0]

    for path in ("/", track.get_absolute_url(), "/?q=rock"):
        page = client.get(path).content.decode()
        assert BANNER in page, path
        assert "(computing cosine and euclidean neighbours, 40% done)" in page


def test_once_an_index_serves_a_later_rebuild_is_not_announced(client, catalog):
    build()
    IndexVersion.objects.create(status=Status.BUILDING, stage="neighbours", progress=0.4)
    assert BANNER not in client.get("/").content.decode()


def test_without_an_index_or_a_build_running_pages_keep_their_own_words(client, catalog):
    assert BANNER not in client.get("/").content.decode()
