"""A catalog fixture's rows made once per test process and written again in one insert per table.

Hundreds of tests start from the same small synthetic catalog (tests/recommender/conftest.py's ``catalog``, the
personal tests' ``tracks``). factory_boy writes it row by row: about 0.25 s for 30-odd tracks, paid again for every
test. ``replayed(key, make)`` pays it once per process: the first call runs ``make`` and keeps the rows it wrote; a
later call writes the same rows again, with new ids, and gives back fresh instances in the shape ``make`` returned.
Tests see the same catalog either way: the same values in every column but ids and timestamps, the same links, one
catalog revision bump, and the ``random`` module left where ``make`` left it.
"""

import random
from dataclasses import dataclass
from typing import Any

from django.db import models

from catalog.models import Album, Artist, Genre, Track, TrackArtist, TrackGenre
from tests.factories import one_revision_bump

# In the order they can be inserted: each table's links point at tables before it.
CATALOG_MODELS: tuple[type[models.Model], ...] = (Genre, Artist, Album, Track, TrackArtist, TrackGenre)


@dataclass(frozen=True)
class _Ref:
    """Where ``make``'s result held a row: its model and its id when it was first written."""

    model: type[models.Model]
    pk: int


@dataclass(frozen=True)
class _Made:
    rows: dict[type[models.Model], list[dict[str, Any]]]
    shape: Any
    random_state: tuple


_made: dict[str, _Made] = {}


def replayed(key: str, make) -> Any:
    """``make()``'s result, its rows written by ``make`` the first time in this process and replayed afterwards.

    ``make`` must write only the catalog's tables (``CATALOG_MODELS``) and return model instances of them in dicts,
    lists and tuples. When the catalog already holds rows (another fixture wrote some first), ``make`` just runs.
    """
    if any(model.objects.exists() for model in CATALOG_MODELS):
        return make()
    made = _made.get(key)
    if made is None:
        result = make()
        _made[key] = _Made(rows={model: list(model.objects.order_by("pk").values()) for model in CATALOG_MODELS},
                           shape=_refs(result), random_state=random.getstate())
        return result
    new_pks = _write(made.rows)
    random.setstate(made.random_state)
    return _instances(made.shape, new_pks)


def _write(rows: dict[type[models.Model], list[dict[str, Any]]]) -> dict[type[models.Model], dict[int, int]]:
    """Insert the kept rows under new ids, their links following; returns {model: {kept id: new id}}."""
    new_pks: dict[type[models.Model], dict[int, int]] = {}
    with one_revision_bump():
        for model, model_rows in rows.items():
            links = {field.attname: field.related_model for field in model._meta.concrete_fields
                     if field.is_relation and field.related_model in rows}
            pk_name = model._meta.pk.attname
            objects = []
            for row in model_rows:
                values = {name: value for name, value in row.items() if name != pk_name}
                for attname, target in links.items():
                    if values[attname] is not None:
                        values[attname] = new_pks[target][values[attname]]
                objects.append(model(**values))
            model.objects.bulk_create(objects)  # stamps created_at / updated_at now, as a first write does
            new_pks[model] = {row[pk_name]: obj.pk for row, obj in zip(model_rows, objects, strict=True)}
    return new_pks


def _refs(result: Any) -> Any:
    if isinstance(result, models.Model):
        if type(result) not in CATALOG_MODELS:
            raise TypeError(f"replayed fixtures return catalog rows, not {type(result).__name__}")
        return _Ref(type(result), result.pk)
    if isinstance(result, dict):
        return {name: _refs(value) for name, value in result.items()}
    if isinstance(result, list | tuple):
        return type(result)(_refs(value) for value in result)
    return result


def _instances(shape: Any, new_pks: dict[type[models.Model], dict[int, int]]) -> Any:
    wanted: dict[type[models.Model], list[int]] = {}
    _collect(shape, wanted)
    fetched = {model: model.objects.in_bulk([new_pks[model][pk] for pk in pks]) for model, pks in wanted.items()}

    def build(node: Any) -> Any:
        if isinstance(node, _Ref):
            return fetched[node.model][new_pks[node.model][node.pk]]
        if isinstance(node, dict):
            return {name: build(value) for name, value in node.items()}
        if isinstance(node, list | tuple):
            return type(node)(build(value) for value in node)
        return node

    return build(shape)


def _collect(shape: Any, wanted: dict[type[models.Model], list[int]]) -> None:
    if isinstance(shape, _Ref):
        wanted.setdefault(shape.model, []).append(shape.pk)
    elif isinstance(shape, dict):
        for value in shape.values():
            _collect(value, wanted)
    elif isinstance(shape, list | tuple):
        for value in shape:
            _collect(value, wanted)
