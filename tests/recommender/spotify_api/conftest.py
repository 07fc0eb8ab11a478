import pytest
from rest_framework.test import APIClient

from recommender.spotify_api.auth import issue_token
from recommender.spotify_api.services import create_api_client


@pytest.fixture
def credentials(db):
    return create_api_client("test client")


@pytest.fixture
def spotify(credentials):
    """A DRF test client holding a bearer token from /api/token's signer."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(credentials.client)['access_token']}")
    return client
