"""Tokens at rest: sealed with SPOTIFY_TOKEN_KEY (or a key derived from SECRET_KEY), unreadable under another key."""

from cryptography.fernet import Fernet

from recommender.personal.spotify_account.sealing import check_token_key, seal, unseal


def test_a_token_is_sealed_and_unsealed_with_the_configured_key(settings):
    settings.SPOTIFY_TOKEN_KEY = Fernet.generate_key().decode()
    sealed = seal("BQD-access-token")
    assert "BQD-access-token" not in sealed and unseal(sealed) == "BQD-access-token"
    settings.SPOTIFY_TOKEN_KEY = Fernet.generate_key().decode()  # rotated: the listener connects again
    assert unseal(sealed) is None


def test_without_a_key_one_is_derived_from_the_secret_key(settings):
    settings.SPOTIFY_TOKEN_KEY = ""
    sealed = seal("refresh-me")
    assert unseal(sealed) == "refresh-me"
    settings.SECRET_KEY = "another secret key"
    assert unseal(sealed) is None


def test_a_key_that_is_no_fernet_key_fails_the_system_check(settings):
    settings.SPOTIFY_TOKEN_KEY = "too-short"
    assert [error.id for error in check_token_key()] == ["spotify_account.E001"]
    settings.SPOTIFY_TOKEN_KEY = Fernet.generate_key().decode()
    assert check_token_key() == []
