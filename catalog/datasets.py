"""Fetch a dataset file: a local path as is, a URL downloaded once and verified by sha256."""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import requests
from django.conf import settings

from .importers import DatasetError


def is_url(source):
    return urlparse(str(source)).scheme in ("http", "https")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, sha256, directory=None, timeout=30):
    """Download url into directory (once), refusing a file whose sha256 differs from the pinned one."""
    if not sha256:
        raise DatasetError("a URL needs a pinned checksum: pass --sha256 HEX")
    sha256 = sha256.strip().lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise DatasetError(f"--sha256 must be 64 hex digits, got {sha256!r}")
    directory = Path(directory or settings.SONGREC_DOWNLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = Path(urlparse(url).path).name or "dataset.csv"
    target = directory / f"{sha256[:12]}-{name}"
    if target.exists() and sha256_of(target) == sha256:
        return target
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            digest = hashlib.sha256()
            with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".part") as part:
                for block in response.iter_content(1 << 20):
                    digest.update(block)
                    part.write(block)
    except requests.RequestException as error:
        raise DatasetError(f"could not download {url}: {error}") from None
    actual = digest.hexdigest()
    if actual != sha256:
        os.unlink(part.name)
        raise DatasetError(f"checksum mismatch for {url}: expected {sha256}, got {actual}")
    os.replace(part.name, target)
    return target


def resolve(source, sha256=""):
    """Return a local path for a path or URL source."""
    if is_url(source):
        return download(source, sha256)
    path = Path(source)
    if not path.exists():
        raise DatasetError(f"no such file: {path}")
    if sha256 and sha256_of(path) != sha256.strip().lower():
        raise DatasetError(f"checksum mismatch for {path}")
    return path
