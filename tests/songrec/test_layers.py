"""Imports flow one way: songrec.lib ← catalog ← recommender ← clusters, personal ← evaluation, and never in a circle.

Read from the source with ``ast`` (every import statement, at the top of a module or inside a function), so a
violation fails here before it is ever executed. The project shell (``songrec/`` outside ``songrec/lib``) joins the
apps: only its settings, URLconf and staff dashboard may import them, and nothing imports the shell except by
dotted string.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("songrec", "catalog", "recommender", "evaluation")
# Lower numbers are lower layers; a module may import its own layer and those below it.
LAYERS = [("songrec.lib", 0), ("catalog", 1), ("recommender.clusters", 3), ("recommender.personal", 3),
          ("recommender", 2), ("evaluation", 4)]
# The staff dashboard shows every app's state on one page: like the URLconf, it is the web layer joining them.
SHELL_MODULES_THAT_JOIN_THE_APPS = {"songrec.settings", "songrec.urls", "songrec.dashboard"}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules():
    """{module name: path} of the project's packages, migrations left out (they import nothing of the apps')."""
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations" not in path.parts}


def imports(modules):
    """{module: {project modules it imports}}; ``from package import name`` counts as importing the submodule
    when ``name`` is one, else the package."""
    edges = defaultdict(set)
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")[:len(name.split(".")) - node.level + is_package]
                    imported = ".".join(base + ([node.module] if node.module else []))
                else:
                    imported = node.module
                targets = [f"{imported}.{alias.name}" if f"{imported}.{alias.name}" in modules else imported
                           for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges[name].add(target)
    return edges


def layer(name):
    if name.startswith("songrec") and not name.startswith("songrec.lib"):
        return None  # the shell
    return next(number for prefix, number in LAYERS if name == prefix or name.startswith(prefix + "."))


def group(name):
    """The nested app or app a module belongs to (siblings in one layer must not import each other)."""
    return next((prefix for prefix, _ in LAYERS if name == prefix or name.startswith(prefix + ".")), "songrec")


EDGES = imports(source_modules())


def test_the_scan_sees_the_project():
    assert len(source_modules()) > 200 and len(EDGES) > 100
    assert "recommender.index.topk" in EDGES["recommender.services"]
    assert "catalog.track_page" in EDGES["recommender.apps"]  # imports inside functions count too


def test_no_module_imports_a_higher_layer_or_a_sibling_app():
    upward = sorted(f"{source} -> {target}" for source, targets in EDGES.items() for target in targets
                    if layer(source) is not None and layer(target) is not None
                    and (layer(target) > layer(source)
                         or (layer(target) == layer(source) and group(target) != group(source))))
    assert upward == []


def test_only_the_settings_and_urls_of_the_shell_import_the_apps_and_nothing_imports_the_shell():
    from_shell = sorted(f"{source} -> {target}" for source, targets in EDGES.items() for target in targets
                        if layer(source) is None and layer(target) not in (None, 0)
                        and source not in SHELL_MODULES_THAT_JOIN_THE_APPS)
    into_shell = sorted(f"{source} -> {target}" for source, targets in EDGES.items() for target in targets
                        if layer(source) is not None and layer(target) is None)
    assert (from_shell, into_shell) == ([], [])


def test_no_import_cycles():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in EDGES.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(EDGES):
        if node not in index:
            visit(node)
    assert cycles == []
