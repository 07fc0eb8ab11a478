"""Time `import_tracks` of the full dataset into a fresh database (and a second, idempotent run).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/songrec_bench python bench/bench_import.py [CSV]
Without CSV, the real dataset in ../shared/data is used when present, else a synthetic one of the same size.
The target database's catalog tables are emptied first: never point this at a database you care about.
"""

import os
import sys
import time
from pathlib import Path

from synthetic import dataset_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import Album, Artist, Genre, Track

    path = dataset_path(sys.argv[1] if len(sys.argv) > 1 else None)
    call_command("migrate", verbosity=0)
    models = (Track, Album, Artist, Genre)
    if connection.vendor == "postgresql":
        # An ORM delete would fetch and signal every row (the catalog-revision signals): minutes at 90k tracks.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(model._meta.db_table for model in models)} CASCADE")
    else:
        for model in models:
            model.objects.all().delete()
    print(f"dataset: {path} on {connection.vendor}")
    for label in ("first import", "second import (idempotent)"):
        started = time.perf_counter()
        call_command("import_tracks", str(path), "--no-progress")
        print(f"{label}: {time.perf_counter() - started:.1f} s, {Track.objects.count()} tracks")


if __name__ == "__main__":
    main()
