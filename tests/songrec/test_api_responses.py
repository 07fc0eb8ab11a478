"""API views answer through serializers, so the OpenAPI schema (generated from them) can't drift from the answers."""

import ast
import inspect
import sys

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("catalog", "recommender", "evaluation", "songrec")
RESPONSE_CLASSES = {"Response", "JsonResponse"}


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
    return [f"{module.__name__}:{line}" for line in bodies_not_serialized(inspect.getsource(module))]


def bodies_not_serialized(source):
    """Lines of ``Response({...})``, ``JsonResponse(services.export_data(user))`` and the like: a body that is not
    a serializer's ``.data`` — directly, through a local name assigned only from one, or returned by a function of
    the module that only returns one."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    lines = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        names = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names.setdefault(target.id, []).append(node.value)
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", None) not in RESPONSE_CLASSES:
                continue
            bodies = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg == "data"]
            if not all(_serialized(body, names, functions) for body in bodies):
                lines.append(node.lineno)
    return lines


def _serialized(body, names, functions):
    if isinstance(body, ast.Attribute):
        return body.attr == "data"
    if isinstance(body, ast.Name) and body.id in names:
        return all(_serialized(value, {}, {}) for value in names[body.id])
    if isinstance(body, ast.Call) and getattr(body.func, "id", None) in functions:
        returns = [node.value for node in ast.walk(functions[body.func.id]) if isinstance(node, ast.Return)]
        return bool(returns) and all(_serialized(value, {}, {}) for value in returns)
    return False


def test_a_body_built_by_hand_or_handed_over_by_a_service_is_caught():
    source = """
def hand(request):
    return Response({"a": 1})
def service(request):
    return JsonResponse(services.export_data(request.user))
def named(request):
    body = services.export_data(request.user)
    return Response(body)
def good(request):
    data = Serializer(thing).data
    return JsonResponse(data)
def payload(thing):
    return Serializer(thing).data
def also_good(request):
    return Response(payload(request.user), status=201)
def no_body(request):
    return Response(status=204)
"""
    assert bodies_not_serialized(source) == [3, 5, 8]


def test_api_views_answer_through_serializers():
    modules = api_view_modules()
    assert {"catalog.crawl.api", "recommender.personal.api", "catalog.explore.api"} <= {m.__name__ for m in modules}
    assert [place for module in sorted(modules, key=lambda m: m.__name__)
            for place in responses_built_by_hand(module)] == []
