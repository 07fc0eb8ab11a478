"""Playlist continuation on the real playlists (issue 23): the RecSys Challenge 2018 protocol, through songrec's paths.

Usage: DATABASE_URL=... nice python bench/bench_playlists.py [--quick] [--seed 7] [--folds 5] [--no-mlflow]

Needs the catalog with the curated playlists imported (``import_tracks`` of TidyTuesday's spotify_songs.csv.gz) and
an active index. The playlists with at least 10 indexed songs are split into a development and a test half by a
hash of their Spotify id (bench/playlist_protocol.py), each playlist's songs 80/20 with a seeded shuffle. Every
model asked about a playlist was fitted without it (the half's playlists fall in ``--folds`` groups; a group's
model trains on every other playlist), so its hidden 20 % are invisible and it is as new as a new listener.

Development: the together model's parameters (by the multi-seed fold-in's NDCG@50) and then its three blends (For
you, multi-seed: NDCG@50; similar lists: same-playlist share@10) are chosen on the development half, with models
fitted on development playlists only.
Test: each group's together model is trained and activated through ``train_together_model``; a new bench user
likes the 80 % and asks ``for_you`` (no retrain in between); ``recommend_for_seeds`` takes all the seeds (≤ 100)
and 5 of them (today's cap); ``similar_items`` lists 10 for 3 seeds of each playlist. Baselines in the same run,
trained on the same rows: popularity, genre popularity, the mean of the seed vectors, the seeds' artists' tracks
by popularity, implicit's ALS (library defaults) and item-kNN (cosine, K=100). Prints means with 95 % bootstrap
intervals and ratios to the baselines, the For you / 100-seed latencies against the content path, and the nightly
training time; logs an MLflow run (``PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME``) that the results page reads. Bench
users are deleted at the end, and a model trained on every playlist and listener is left active, as after a nightly run.
"""

import argparse
import os
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from recommender.together import protocol  # noqa: E402  (pure: no Django needed to import it)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

BLEND_GRID = (0.0, 0.15, 0.3, 0.5, 0.7, 0.85, 1.0)
ARTIST_WEIGHTS = (0.0, 0.5, 0.7, 0.85)
SCREEN_BLENDS = (0.3, 0.5)
USERNAME_PREFIX = "bench-playlist-"
METRICS = ("ndcg_at_50", "r_precision", "recall_at_50", "clicks")


def load():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def read_playlists(data, seed):
    """[{pk, external_id, half, tracks (all ids), visible (positions), hidden (songs)}] with ≥ 10 indexed songs."""
    from catalog.playlists.models import Playlist
    from catalog.playlists.selectors import playlist_memberships

    members = playlist_memberships(sources=[Playlist.Source.DATASET])
    found = []
    for pk, external_id in Playlist.objects.filter(source=Playlist.Source.DATASET).values_list("pk", "external_id"):
        tracks = members.get(pk, [])
        positions = data.positions(tracks)
        by_song = {}
        for position in positions[positions >= 0].tolist():
            by_song.setdefault(int(data.songs[position]), position)
        if len(by_song) < 10:
            continue
        visible, hidden = protocol.split_songs(external_id, sorted(by_song), seed)
        found.append({"pk": pk, "external_id": external_id, "half": protocol.half(external_id), "tracks": tracks,
                      "visible": [by_song[song] for song in visible], "hidden": hidden})
    return found


def rows_without(playlists, left_out):
    from recommender.together.sources import PLAYLIST, Rows

    rows = Rows()
    for playlist in playlists:
        if playlist["pk"] not in left_out:
            for track_id in playlist["tracks"]:
                rows.add(PLAYLIST, playlist["pk"], track_id)
    return rows


class Baselines:
    """implicit's ALS (library defaults) and item-kNN fitted on the same rows as the together model."""

    def __init__(self, rows, data):
        from implicit.als import AlternatingLeastSquares  # deferred like every implicit import
        from implicit.nearest_neighbours import CosineRecommender
        from threadpoolctl import threadpool_limits

        from recommender.together.fitting import build_matrix

        matrix = build_matrix(rows)
        self.track_ids, self.data = matrix.track_ids, data
        self.positions = data.positions(matrix.track_ids)
        with threadpool_limits(1, "blas"):
            self.als = AlternatingLeastSquares(random_state=42, num_threads=2)
            self.als.fit(matrix.weights, show_progress=False)
        self.knn = CosineRecommender(K=100, num_threads=2)
        with warnings.catch_warnings():  # its own normalisation hands implicit a COO matrix and warns about it
            warnings.simplefilter("ignore")
            self.knn.fit(matrix.weights, show_progress=False)

    def key(self, model, visible_positions):
        from scipy import sparse

        ids = self.data.track_ids[visible_positions]
        columns = np.searchsorted(self.track_ids, ids)
        columns = np.unique(columns[(columns < len(self.track_ids)) & (self.track_ids[np.minimum(
            columns, len(self.track_ids) - 1)] == ids)])
        key = np.full(len(self.data), -np.inf)
        if not len(columns):
            return key
        row = sparse.csr_matrix((np.ones(len(columns), dtype=np.float32), columns, [0, len(columns)]),
                                shape=(1, len(self.track_ids)))
        items, scores = model.recommend(0, row, N=400, recalculate_user=model is self.als,
                                        filter_already_liked_items=True)
        present = self.positions[items] >= 0
        key[self.positions[items][present]] = scores[present]
        return key


def content_keys(data, visible):
    """{name: key over positions} of the baselines that need no model."""
    from recommender.baselines import popularity_key

    mean = np.asarray(data.normalized[visible], dtype=np.float64).mean(axis=0).astype(np.float32)
    return {"popularity": np.asarray(data.popularity, dtype=np.float64),
            "genre popularity": popularity_key(data, visible)[0],
            "mean of seed vectors": np.asarray(data.normalized_split.dot(mean), dtype=np.float64)}


class SeedArtists:
    """A baseline with no model: tracks by the seeds' artists (by how many seeds each made), the most popular
    first. It shows how much of the together model's artist level any artist lookup would give."""

    def __init__(self, data):
        from scipy import sparse

        from recommender.together.sources import artist_credits

        credits = artist_credits()
        positions = data.positions(credits.track_ids)
        present = positions >= 0
        artists, columns = np.unique(credits.artist_ids[present], return_inverse=True)
        self.by_position = sparse.csr_matrix((np.ones(int(present.sum())), (positions[present], columns)),
                                             shape=(len(data), len(artists)))
        self.by_artist = self.by_position.T.tocsr()
        self.tie_break = np.asarray(data.popularity, dtype=np.float64) / 1000.0

    def key(self, visible):
        seeds = np.asarray(self.by_position[visible].sum(axis=0)).ravel()
        return np.asarray(self.by_position @ seeds).ravel() + self.tie_break * (
            np.asarray(self.by_position @ (seeds > 0)).ravel() > 0)


def songs_of_ids(data, track_ids):
    positions = data.positions(list(track_ids))
    return [int(data.songs[p]) for p in positions if p >= 0]


def tune(playlists, data, version, *, params_grid, folds, quick):
    """On the development half: (best Params, blends, dev figures). The parameters are chosen by the multi-seed
    fold-in's NDCG@50 at the blends of SCREEN_BLENDS (cheap: numpy only); then, for those, each blend of the whole
    grid by NDCG@50 (For you, multi-seed) or share@10 (similar lists)."""
    dev = [p for p in playlists if p["half"] == "dev"]
    grid = (0.0, 0.5, 1.0) if quick else BLEND_GRID
    results = []
    for params in params_grid:
        means = _dev_scores(dev, data, version, params, folds=folds,
                            grid=grid if len(params_grid) == 1 else SCREEN_BLENDS, personal=len(params_grid) == 1)
        results.append((params, means))
        print(f"  dev {params.weighting} factors={params.factors} fold-in {params.fold_in} artists "
              f"{params.artist_weight:g}: seeds " + " ".join(
            f"{weight:g}:{value:.4f}" for weight, value in means["seeds"].items()), flush=True)
    params, means = max(results, key=lambda item: max(item[1]["seeds"].values()))
    if len(params_grid) > 1:
        means = _dev_scores(dev, data, version, params, folds=folds, grid=grid, personal=True)
    for use in ("personal", "similar"):
        print(f"  dev {use}: " + " ".join(f"{weight:g}:{value:.4f}" for weight, value in means[use].items()))
    blends = {f"{use}_blend": max(by_weight, key=by_weight.get) for use, by_weight in means.items()}
    return params, blends, means


# Parameters that only change how a fitted model scores (no refit): the grid's models share their fits.
SERVING_PARAMS = ("fold_in", "artist_weight", "related_artists")
_dev_fits = {}


def _dev_fit(dev, asked, params):
    from recommender.together.fitting import build_matrix, fit
    from recommender.together.sources import artist_credits

    key = (tuple(sorted(p["pk"] for p in asked)),
           tuple(value for name, value in sorted(params.as_dict().items()) if name not in SERVING_PARAMS))
    if key not in _dev_fits:
        if "credits" not in _dev_fits:
            _dev_fits["credits"] = artist_credits()
        _dev_fits[key] = fit(build_matrix(rows_without(dev, {p["pk"] for p in asked})), params,
                             credits=_dev_fits["credits"])
    return _dev_fits[key]


def _dev_scores(dev, data, version, params, *, folds, grid, personal):
    """{use: {blend: mean}} over the development folds; For you and similar lists only when ``personal``."""
    from recommender.personal.foryou import recommend_from
    from recommender.personal.interactions import Interactions
    from recommender.together.files import ModelData
    from recommender.together.scoring import blended, folded_scores, neighbour_scores

    uses = ("seeds", "personal", "similar") if personal else ("seeds",)
    scores = {use: {weight: [] for weight in grid} for use in uses}
    for fold in range(folds):
        asked = [p for p in dev if protocol.fold_of(p["external_id"], folds) == fold]
        model = ModelData(None, _dev_fit(dev, asked, params), params)
        for playlist in asked:
            ids = data.track_ids[playlist["visible"]].tolist()
            skip = {int(data.songs[p]) for p in playlist["visible"]}
            folded = folded_scores(model, version.pk, dict.fromkeys(ids, 1.0))
            content = content_keys(data, playlist["visible"])["mean of seed vectors"]
            for weight in grid:
                key = blended(content, folded, weight)
                key[playlist["visible"]] = -np.inf
                scores["seeds"][weight].append(protocol.metrics(protocol.top_songs(key, data.songs, skip),
                                                                playlist["hidden"])["ndcg_at_50"])
            if not personal:
                continue
            interactions = Interactions(positives=dict.fromkeys(ids, 3.0), excluded=set(ids))
            for weight in grid:
                ranked, _ = recommend_from(interactions, protocol.LIST_LENGTH, version, folded, blend_weight=weight)
                scores["personal"][weight].append(protocol.metrics(
                    songs_of_ids(data, [item.track_id for item in ranked]), playlist["hidden"])["ndcg_at_50"])
            members = skip | set(playlist["hidden"])
            for position in playlist["visible"][:3]:
                cosines = np.asarray(data.normalized_split.dot(np.asarray(data.normalized[position])),
                                     dtype=np.float64)
                together = neighbour_scores(model, version.pk, int(data.track_ids[position]))
                for weight in grid:
                    key = blended(cosines, together, weight)
                    key[position] = -np.inf
                    top = protocol.top_songs(key, data.songs, {int(data.songs[position])}, 10)
                    scores["similar"][weight].append(len(set(top) & members) / 10)
    return {use: {weight: float(np.mean(values)) for weight, values in by_weight.items()}
            for use, by_weight in scores.items()}


def evaluate(playlists, data, version, params, *, blends, folds, seed):
    """The test half through songrec's paths and the baselines; ({system: {metric: [values]}}, timings)."""
    from django.contrib.auth import get_user_model

    from recommender.blending import recommend_for_seeds
    from recommender.personal.foryou import for_you
    from recommender.personal.freshness import signals_changed
    from recommender.personal.models import Reaction
    from recommender.selectors import similar_items
    from recommender.together.training import train_together_model

    user_model = get_user_model()
    test = [p for p in playlists if p["half"] == "test"]
    lists = {}
    shares = {}
    timings = {"for_you_cold": [], "for_you_warm": [], "train_seconds": []}

    def record(system, songs, playlist):
        for name, value in protocol.metrics(songs, playlist["hidden"]).items():
            lists.setdefault(system, {}).setdefault(name, []).append(value)

    seed_artist_baseline = SeedArtists(data)
    for fold in range(folds):
        asked = [p for p in test if protocol.fold_of(p["external_id"], folds) == fold]
        if not asked:
            continue
        rows = rows_without(playlists, {p["pk"] for p in asked})
        started = time.perf_counter()
        train_together_model(rows, params=params, blends=blends, log_to_mlflow=False)
        timings["train_seconds"].append(time.perf_counter() - started)
        baselines = Baselines(rows, data)
        users = user_model.objects.bulk_create([user_model(username=f"{USERNAME_PREFIX}{p['pk']}", password="!")
                                                for p in asked])
        Reaction.objects.bulk_create([Reaction(user=user, track_id=int(data.track_ids[position]), value=Reaction.LIKE)
                                      for user, playlist in zip(users, asked, strict=True)
                                      for position in playlist["visible"]])
        for user, playlist in zip(users, asked, strict=True):
            visible = playlist["visible"]
            ids = data.track_ids[visible].tolist()
            skip = {int(data.songs[p]) for p in visible}
            signals_changed(user.pk)
            started = time.perf_counter()
            personal = for_you(user, limit=protocol.LIST_LENGTH, version=version)
            timings["for_you_cold"].append(time.perf_counter() - started)
            started = time.perf_counter()
            for_you(user, limit=protocol.LIST_LENGTH, version=version)
            timings["for_you_warm"].append(time.perf_counter() - started)
            record("songrec For you, new listener", songs_of_ids(data, [item.track.id for item in personal.items]),
                   playlist)
            for system, seeds, name in (("blend", ids[:100], "songrec multi-seed, all seeds"),
                                        ("cosine", ids[:100], "songrec multi-seed content, all seeds"),
                                        ("cosine", ids[:5], "songrec multi-seed content, 5 seeds (today)")):
                result = recommend_for_seeds(system, seeds, protocol.LIST_LENGTH, version=version)
                record(name, songs_of_ids(data, [item.track_id for item in result.recommendations]), playlist)
            seed_artists = seed_artist_baseline.key(visible)
            seed_artists[visible] = -np.inf
            record("seed artists, most popular first", protocol.top_songs(seed_artists, data.songs, skip), playlist)
            for name, key in content_keys(data, visible).items():
                key = np.array(key, dtype=np.float64)
                key[visible] = -np.inf
                record(name, protocol.top_songs(key, data.songs, skip), playlist)
            for name, model in (("implicit ALS, other playlists", baselines.als),
                                ("implicit item-kNN, other playlists", baselines.knn)):
                record(name, protocol.top_songs(baselines.key(model, visible), data.songs, skip), playlist)
            members = skip | set(playlist["hidden"])
            rng = np.random.default_rng([seed, playlist["pk"]])
            for position in rng.choice(visible, size=min(3, len(visible)), replace=False):
                for system in ("blend", "together", "cosine", "popularity", "random"):
                    items = similar_items(system, int(data.track_ids[position]), 10, version).items
                    top = songs_of_ids(data, [item.track.id for item in items])
                    shares.setdefault(system, []).append(len(set(top) & members) / 10)
        user_model.objects.filter(pk__in=[user.pk for user in users]).delete()
        print(f"  test fold {fold + 1}/{folds}: {len(asked)} playlists (load {load()})", flush=True)
    return lists, shares, timings


def seed_latency(playlists, data, version, count):
    """p50 ms of 100-seed blended_recommendations (the API's path) per system, over the test playlists."""
    from catalog.refs import track_refs
    from recommender.blending import blended_recommendations

    test = [p for p in playlists if p["half"] == "test" and len(p["visible"]) >= 20][:count]
    timings = {"blend": [], "cosine": []}
    for playlist in test:
        ids = data.track_ids[playlist["visible"][:100]].tolist()
        refs = track_refs(ids)
        seeds = [refs[i] for i in ids if i in refs]
        for system in timings:
            started = time.perf_counter()
            blended_recommendations(system, seeds, 20, None, version=version)
            timings[system].append(time.perf_counter() - started)
    return {system: 1000 * statistics.median(values) for system, values in timings.items() if values}


def content_for_you_latency(playlists, data, version, count):
    """p50 ms of for_you cold with no together model active: today's content path, for the ratio."""
    from django.contrib.auth import get_user_model

    from recommender.personal.foryou import for_you
    from recommender.personal.models import Reaction
    from recommender.together.active import models_changed
    from recommender.together.models import TogetherModel

    TogetherModel.objects.filter(status=TogetherModel.Status.ACTIVE).update(status=TogetherModel.Status.RETIRED)
    models_changed()
    user_model = get_user_model()
    test = [p for p in playlists if p["half"] == "test"][:count]
    users = user_model.objects.bulk_create([user_model(username=f"{USERNAME_PREFIX}c{p['pk']}", password="!")
                                            for p in test])
    Reaction.objects.bulk_create([Reaction(user=user, track_id=int(data.track_ids[position]), value=Reaction.LIKE)
                                  for user, playlist in zip(users, test, strict=True)
                                  for position in playlist["visible"]])
    timings = []
    for user in users:
        started = time.perf_counter()
        personal = for_you(user, limit=protocol.LIST_LENGTH, version=version)
        timings.append(time.perf_counter() - started)
        assert personal.together is None
    user_model.objects.filter(pk__in=[user.pk for user in users]).delete()
    return 1000 * statistics.median(timings) if timings else float("nan")


def report(lists, shares):
    """Printed table and the flat figures for MLflow."""
    figures = {}
    print(f"\n{'system (test half)':<46} {'NDCG@50':>22} {'R-prec':>7} {'rec@50':>7} {'clicks':>6}")
    for system, values in sorted(lists.items(), key=lambda item: -np.mean(item[1]["ndcg_at_50"])):
        mean, low, high = protocol.bootstrap(values["ndcg_at_50"])
        others = [np.mean(values[name]) for name in METRICS[1:]]
        print(f"{system:<46} {mean:.4f} [{low:.4f}, {high:.4f}] {others[0]:7.4f} {others[1]:7.4f} {others[2]:6.2f}")
        slug = system.split(",")[0].replace(" ", "_").replace("-", "_") + ("_5" if "5 seeds" in system else "") \
            + ("_all" if "all seeds" in system else "")
        figures.update({f"{slug}_ndcg_at_50": mean, f"{slug}_ndcg_at_50_low": low, f"{slug}_ndcg_at_50_high": high})
        figures.update({f"{slug}_{name}": value for name, value in zip(METRICS[1:], others, strict=True)})
    print(f"\n{'similar lists (test half)':<46} {'same-playlist share@10':>22}")
    for system, values in sorted(shares.items(), key=lambda item: -np.mean(item[1])):
        mean, low, high = protocol.bootstrap(values)
        print(f"{system:<46} {mean:.4f} [{low:.4f}, {high:.4f}]")
        figures.update({f"similar_{system}_share_at_10": mean, f"similar_{system}_share_at_10_low": low,
                        f"similar_{system}_share_at_10_high": high})
    return figures


def ratios(lists, shares):
    mean = {system: float(np.mean(values["ndcg_at_50"])) for system, values in lists.items()}
    lines = {}
    for ours in ("songrec For you, new listener", "songrec multi-seed, all seeds"):
        for base in ("implicit ALS, other playlists", "implicit item-kNN, other playlists", "mean of seed vectors",
                     "seed artists, most popular first", "popularity",
                     "songrec multi-seed content, 5 seeds (today)"):
            if ours in mean and base in mean and mean[base] > 0:
                lines[f"{ours} / {base}"] = mean[ours] / mean[base]
    share = {system: float(np.mean(values)) for system, values in shares.items()}
    for base in ("cosine", "popularity", "random"):
        if share.get(base):
            lines[f"similar blend / {base}"] = share["blend"] / share[base]
    print("\nNDCG@50 ratios (share@10 for similar lists):")
    for name, value in lines.items():
        print(f"  {name}: {value:.2f}x")
    return lines


def metric_name(text):
    """MLflow accepts letters, digits, ``_-. /`` and spaces in a metric's name."""
    return re.sub(r"[^\w.\- /]", "", text)[:250]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke test: 24 playlists a half, 2 folds, no grid")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folds", type=int, default=5, help="folds of the test half (default 5)")
    parser.add_argument("--dev-folds", type=int, default=3, help="folds of the development half (default 3)")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from recommender import storage
    from recommender.selectors import active_version
    from recommender.together.fitting import Params
    from recommender.together.training import train_together_model
    from songrec.lib.mlflow_runs import log_run

    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()  # a crashed run's
    version = active_version()
    if version is None:
        sys.exit("No active index: run manage.py rebuild_index first.")
    data = storage.version_data(version.pk)
    playlists = read_playlists(data, args.seed)
    if args.quick:
        playlists = ([p for p in playlists if p["half"] == "dev"][:24]
                     + [p for p in playlists if p["half"] == "test"][:24])
    halves = {name: sum(p["half"] == name for p in playlists) for name in ("dev", "test")}
    if min(halves.values()) < 4:
        sys.exit(f"Too few curated playlists with 10 indexed songs ({halves}): import TidyTuesday's "
                 f"spotify_songs.csv.gz and rebuild the index.")
    folds = 2 if args.quick else args.folds
    print(f"{len(playlists)} playlists (dev {halves['dev']}, test {halves['test']}), index version {version.pk}, "
          f"{len(data)} tracks, seed {args.seed}, {folds} folds; load {load()}", flush=True)
    started = time.perf_counter()
    base = Params(threads=settings.TOGETHER_THREADS)
    grid = [base] if args.quick else [
        Params(**{**base.as_dict(), "weighting": weighting, "factors": factors, "fold_in": fold_in,
                  "artist_weight": artist_weight})
        for weighting, factors in (("bm25", 128),) for fold_in in ("als", "both") for artist_weight in ARTIST_WEIGHTS]
    params, blends, dev = tune(playlists, data, version, params_grid=grid,
                                folds=2 if args.quick else args.dev_folds, quick=args.quick)
    print(f"chosen on dev: {params.weighting}, {params.factors} factors, fold-in {params.fold_in}, artists "
          f"{params.artist_weight:g}; blends {blends}",
          flush=True)
    lists, shares, timings = evaluate(playlists, data, version, params, blends=blends, folds=folds, seed=args.seed)
    figures = report(lists, shares)
    ratio_lines = ratios(lists, shares)
    latency = seed_latency(playlists, data, version, 10 if args.quick else 50)
    content_cold = content_for_you_latency(playlists, data, version, 10 if args.quick else 50)
    nightly = time.perf_counter()
    final = train_together_model(params=params, blends=blends, log_to_mlflow=not args.no_mlflow).model
    nightly = time.perf_counter() - nightly
    speed = {"for_you_cold_p50_ms": 1000 * statistics.median(timings["for_you_cold"]),
             "for_you_warm_p50_ms": 1000 * statistics.median(timings["for_you_warm"]),
             "for_you_content_cold_p50_ms": content_cold, "seeds_100_blend_p50_ms": latency.get("blend", float("nan")),
             "seeds_100_cosine_p50_ms": latency.get("cosine", float("nan")), "nightly_train_seconds": nightly}
    print("\n" + "; ".join(f"{name} {value:.1f}" for name, value in speed.items())
          + f"; final model {final.pk if final else None}; {time.perf_counter() - started:.0f} s; load {load()}")
    if not args.no_mlflow:
        run_id = log_run(
            settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME, f"playlists{'-quick' if args.quick else ''}-v{version.pk}",
            tags={"songrec.quick": str(args.quick)},
            params={"seed": args.seed, "folds": folds, "dev_folds": args.dev_folds, "quick": args.quick,
                    "index_version": version.pk,
                    "dev_playlists": halves["dev"], "test_playlists": halves["test"], "weighting": params.weighting,
                    "factors": params.factors, "fold_in": params.fold_in, "artist_weight": params.artist_weight,
                    "related_artists": params.related_artists, **blends,
                    "default_similar_system": "blend", "load": load()},
            metrics={metric_name(name): value for name, value in {
                **figures, **{f"ratio {name}": value for name, value in ratio_lines.items()}, **speed,
                **{f"dev_{use}_{weight:g}": value for use, by_weight in dev.items()
                   for weight, value in by_weight.items()}}.items() if np.isfinite(value)}).run_id
        print(f"MLflow run {run_id} ({settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME})")
        return run_id
    return None


if __name__ == "__main__":
    main()
