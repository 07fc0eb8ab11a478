"""API views answer through serializers, so the OpenAPI schema (generated from them) can't drift from the answers."""

import ast
import inspect
import sys

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("catalog", "recommender", "evaluation", "songrec")
RESPONSE_CLASSES = {"Response", "JsonResponse"}
BUILT_BY_HAND = (ast.Dict, ast.DictComp, ast.List, ast.ListComp)


def api_view_modules(patterns=None, prefix=""):
    """songrec's modules defining views routed under /api/ (the schema and docs views are drf-spectacular's)."""
    modules = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            modules |= api_view_modules(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            view = getattr(pattern.callback, "cls", None) or pattern.callback
            if view.__module__.split(".")[0] in PROJECT_PACKAGES:
                modules.add(sys.modules[view.__module__])
    return modules


def responses_built_by_hand(module):
    """``Response({...})`` and the like: a body written as a literal rather than a serializer's ``.data``."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(node, ast.Call) or getattr(node.func, "id", None) not in RESPONSE_CLASSES:
            continue
        bodies = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg == "data"]
        if any(isinstance(body, BUILT_BY_HAND) for body in bodies):
            found.append(f"{module.__name__}:{node.lineno}")
    return found


def test_api_views_answer_through_serializers():
    modules = api_view_modules()
    assert {"catalog.crawl.api", "recommender.personal.api", "catalog.explore.api"} <= {m.__name__ for m in modules}
    assert [place for module in sorted(modules, key=lambda m: m.__name__)
            for place in responses_built_by_hand(module)] == []
