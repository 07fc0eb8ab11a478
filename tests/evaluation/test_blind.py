"""Blind means blind: an attacker holding everything evaluators receive over a whole campaign guesses no better
than chance which system made a list and which rank an item had.

The attacker sees, per task and evaluator, the ``tasks/next/`` JSON, the rating page's HTML and the submit
responses, in the order they arrived. It is told the truth for the first half of those observations (as if it had
peeked at the admin), learns the best lookup from each observable number to the system, and then guesses the
second half. Guesses are scored with a one-sided exact test against chance (binomial with 1/4 for the system; for
the rank, the distribution of a random shuffle's matches, each task counted once): the test fails if any guesser's
hit count has p < 1e-4, i.e. if it is very unlikely to be luck.
With the ids of the issue (task ids in system order, item ids in rank order) every guesser hits 100%.
"""

import itertools
import random
import re
import uuid
from collections import Counter, defaultdict

import numpy as np
import pytest
from rest_framework.test import APIClient
from scipy.stats import binomtest

SYSTEMS = ("cosine", "euclidean", "random", "popularity")
SEEDS, K = 8, 6
ALPHA = 1e-4


def as_number(value):
    """An observable identifier as an integer (UUIDs included); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        try:
            return uuid.UUID(value).int
        except ValueError:
            return None
    return None


def path_numbers(url):
    return [as_number(part) for part in url.strip("/").split("/") if as_number(part) is not None]


@pytest.fixture(params=["systems", "weightings"])
def campaign_seen_by_evaluators(request, make_campaign, make_evaluator, client, other_weighting):
    """Four systems on one version, or two systems on two versions (four arms like "cosine@3"): blind alike."""
    if request.param == "systems":
        campaign = make_campaign(systems=SYSTEMS, seeds=SEEDS, k=K, ratings_per_item=2)
    else:
        campaign = make_campaign(systems=SYSTEMS[:2], seeds=SEEDS, k=K, ratings_per_item=2,
                                 compared_versions=[other_weighting])
    assert len(campaign.systems) == 4
    observations = []  # one per (evaluator, task): what they saw, and the truth the attacker must guess
    for name in ("ann", "ben"):
        evaluator = make_evaluator(name)
        api = APIClient()
        api.force_authenticate(evaluator)
        client.force_login(evaluator)
        for arrival in range(len(campaign.systems) * SEEDS):
            response = api.post("/api/evaluation/tasks/next/")
            assert response.status_code == 200, response.content
            task = response.json()
            page_url = f"/evaluate/tasks/{task['id']}/"
            html = client.get(page_url).content.decode()
            ratings = [{"item": item["item"], "score": random.randint(1, 5)} for item in task["items"]]
            submitted = api.post(task["ratings_url"], {"ratings": ratings}, format="json")
            assert submitted.status_code == 200, submitted.content
            from evaluation.models import Assignment

            assignment = Assignment.objects.select_related("task").get(public_id=task["id"])
            truth_by_track = dict(assignment.task.items.values_list("track__spotify_id", "rank"))
            observations.append({
                "evaluator": name, "arrival": arrival, "json": task, "html": html, "url": page_url,
                "submitted": submitted.json(), "system": assignment.task.system,
                "ranks": [truth_by_track[item["track"]["spotify_id"]] for item in task["items"]],
            })
        assert api.post("/api/evaluation/tasks/next/").status_code == 204
    return campaign, observations


def system_features(observation):
    """Every number an evaluator could read off a task that isn't track content, by where it came from."""
    task = observation["json"]
    features = {"arrival": observation["arrival"], "task id": as_number(task["id"]),
                "submit id": as_number(observation["submitted"]["task"]), "number": task["number"]}
    for index, number in enumerate(path_numbers(observation["url"])):
        features[f"url {index}"] = number
    for index, number in enumerate(path_numbers(task["ratings_url"])):
        features[f"ratings url {index}"] = number
    html_numbers = sorted(int(n) for n in re.findall(r'name="(?:score|comment)-(\d+)"', observation["html"]))
    features["smallest html field number"] = html_numbers[0] if html_numbers else None
    return features


def learned_guesser(train, feature):
    """The attacker's best lookup from ``feature mod m`` to the system, learned on observations with the truth."""
    best = None
    for modulus in (2, 3, 4, 5, 8, 12, 16):
        table = defaultdict(Counter)
        for observation in train:
            value = system_features(observation)[feature]
            if value is not None:
                table[value % modulus][observation["system"]] += 1
        hits = sum(counts.most_common(1)[0][1] for counts in table.values())
        if best is None or hits > best[0]:
            best = (hits, modulus, {key: counts.most_common(1)[0][0] for key, counts in table.items()})
    _hits, modulus, lookup = best

    def guess(observation):
        value = system_features(observation)[feature]
        return None if value is None else lookup.get(value % modulus)

    return guess


def no_better_than_chance(hits, n, chance):
    return binomtest(hits, n, chance, alternative="greater").pvalue >= ALPHA


def test_an_attacker_holding_everything_evaluators_receive_does_no_better_than_chance(campaign_seen_by_evaluators):
    _campaign, observations = campaign_seen_by_evaluators
    guessing_the_system_is_no_better_than_chance(observations)
    guessing_ranks_is_no_better_than_chance(observations)
    nothing_names_the_system_rank_or_score(observations)
    tasks_arrive_in_a_different_random_order_for_each_evaluator(observations)


def guessing_the_system_is_no_better_than_chance(observations):
    observations = list(observations)
    random.Random(1).shuffle(observations)
    train, test = observations[: len(observations) // 2], observations[len(observations) // 2:]
    for feature in system_features(observations[0]):
        guess = learned_guesser(train, feature)
        hits = sum(guess(observation) == observation["system"] for observation in test)
        assert no_better_than_chance(hits, len(test), 1 / len(SYSTEMS)), (feature, hits, len(test))


def guessing_ranks_is_no_better_than_chance(observations):
    guessers = {
        # rank = where the item is listed, its number, or the order of the form field numbers in the HTML
        "listed order": lambda obs: list(range(1, K + 1)),
        "item number": lambda obs: [item["item"] for item in obs["json"]["items"]],
        "html field order": lambda obs: ranks_of([int(n) for n in dict.fromkeys(
            re.findall(r'name="score-(\d+)"', obs["html"]))]),
        "reversed": lambda obs: list(range(K, 0, -1)),
    }
    for name, guess in guessers.items():
        # Both evaluators see a task's items in its one stored order: each task's order is one draw, counted once
        # per task (counting it per evaluator doubled every hit and made chance look like a leak now and then).
        hits_by_task = {}
        for observation in observations:
            guessed = guess(observation)
            hits = sum(g == truth for g, truth in zip(guessed, observation["ranks"], strict=True))
            hits_by_task.setdefault(task_key(observation), []).append(hits)
        hits = sum(max(seen) for seen in hits_by_task.values())
        assert matches_are_no_better_than_chance(hits, len(hits_by_task)), (name, hits, len(hits_by_task) * K)


def task_key(observation):
    return observation["json"]["seed"]["spotify_id"], observation["system"]


def matches_are_no_better_than_chance(hits, lists):
    """One-sided exact test: how likely ``hits`` or more positions of ``lists`` uniformly shuffled lists of K items
    land on a guessed order, from the distribution of a random permutation's matches with a fixed one."""
    one_list = np.zeros(K + 1)
    for permutation in itertools.permutations(range(K)):
        one_list[sum(position == index for index, position in enumerate(permutation))] += 1
    one_list /= one_list.sum()
    total = np.ones(1)
    for _ in range(lists):
        total = np.convolve(total, one_list)
    return total[hits:].sum() >= ALPHA


def ranks_of(numbers):
    order = sorted(range(len(numbers)), key=numbers.__getitem__)
    ranks = [0] * len(numbers)
    for rank, index in enumerate(order, start=1):
        ranks[index] = rank
    return ranks


def nothing_names_the_system_rank_or_score(observations):
    for observation in observations:
        payload = f"{observation['json']} {observation['submitted']}".lower()
        # A CSRF token is 64 random letters and digits, masked afresh per response: it carries nothing, but it
        # spells "rank" or "genre" now and then (a token ending "…barankzou…" failed CI).
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", observation["html"]).lower()
        for secret in (*SYSTEMS, "rank", "system", "similarity", "genre"):
            assert secret not in payload, secret
            assert secret not in re.sub(r"<script.*?</script>", "", page, flags=re.S), secret


def tasks_arrive_in_a_different_random_order_for_each_evaluator(observations):
    orders = defaultdict(list)
    for observation in sorted(observations, key=lambda obs: obs["arrival"]):
        orders[observation["evaluator"]].append(observation["json"]["seed"]["spotify_id"] + observation["system"])
    first, second = orders.values()
    assert first != second
