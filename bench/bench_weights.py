"""Weight sweep and song dedup on the real dataset, each weighting logged as an MLflow run (experiment
"songrec-weight-sweep" in MLFLOW_TRACKING_URI).

Usage: python bench/bench_weights.py [CSV] [--seeds 3000] [--genre-weights 0,0.25,0.5,0.75] [--audio-weights 1]
       [--no-mlflow]

No database: the CSV is read with catalog.importers into the same TrackTable an index build uses; the sweep
itself is recommender.index.weight_sweep, the module behind ``manage.py sweep_weights`` (which reads the catalog from
the database instead). For 3,000 random seed tracks and each weighting, the exact top ``2k+20`` neighbours
(k = 10) by cosine and by euclidean distance are folded to one release per song as the index build does.
Printed per weighting and metric, before and after folding: the share of lists showing one song twice, the
share recommending the seed's own song back; after folding: genre precision@10, mean audio-feature distance of
the list (standardised features, unweighted), artist diversity@10 and coverage (distinct tracks over all lists
÷ catalog size).
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--seeds", type=int, default=3000)
    parser.add_argument("--genre-weights", default="0,0.25,0.5,0.75")
    parser.add_argument("--audio-weights", default="1")
    parser.add_argument("--no-mlflow", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from bench.synthetic import dataset_path
    from catalog.importers import read_tracks
    from recommender.index.features import table_from_records
    from recommender.index.weight_sweep import Sweep, describe, mlflow_logger

    path = dataset_path(options.csv)
    table = table_from_records(read_tracks(path).records.values())
    songs = len(np.unique(table.songs))
    print(f"{path.name}: {len(table)} indexable tracks, {songs} songs ({len(table) - songs} tracks repeat a "
          f"song), {min(options.seeds, len(table))} seeds, k = 10, load {os.getloadavg()[0]:.1f}")
    sweep = Sweep(table, genre_weights=[float(value) for value in options.genre_weights.split(",")],
                  audio_weights=[float(value) for value in options.audio_weights.split(",")], seeds=options.seeds)
    log = None if options.no_mlflow else mlflow_logger(settings.MLFLOW_TRACKING_URI, dataset=path.name)
    sweep.run(on_result=lambda result: print(describe(result)), log=log)


if __name__ == "__main__":
    main()
