"""The house rule on signatures: a function takes at most four arguments by position; past four, callers name them.

Checked over every Python file of the project (migrations aside: Django writes those) by reading the syntax tree,
so a new function that breaks the rule fails here with its file and line.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("catalog", "recommender", "evaluation", "songrec", "bench", "tests", "manage.py")
MAX_POSITIONAL = 4

# Signatures someone else fixes, by "path:function", with the reason.
EXEMPT = {
    "songrec/lib/uploads.py:handle_raw_input": "Django's FileUploadHandler.handle_raw_input, called positionally by "
                                               "Django's multipart parser",
}
# numba compiles no keyword-only parameters: a compiled kernel takes its arrays by position and is called through a
# keyword-only wrapper (recommender/index/merging.py) or from other kernels.
NUMBA_DECORATORS = {"njit", "jit", "vectorize", "guvectorize"}


def positional_parameters(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[str]:
    names = [argument.arg for argument in (*node.args.posonlyargs, *node.args.args)]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def is_exempt(node: ast.AST, relative: str) -> bool:
    if isinstance(node, ast.Lambda):
        return False
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    decorators = decorator_names(node)
    if decorators & NUMBA_DECORATORS or f"{relative}:{node.name}" in EXEMPT:
        return True
    # pytest passes a test's and a fixture's parameters by name itself.
    return relative.startswith("tests/") and (node.name.startswith("test_") or "fixture" in decorators)


def violations(source: str, relative: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        positional = positional_parameters(node)
        if len(positional) > MAX_POSITIONAL and not is_exempt(node, relative):
            name = getattr(node, "name", "lambda")
            found.append(f"{relative}:{node.lineno} {name}({', '.join(positional)})")
    return found


def project_files() -> list[Path]:
    files = []
    for name in SOURCES:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [path for path in files if "migrations" not in path.parts and "node_modules" not in path.parts]


def test_no_function_takes_more_than_four_arguments_by_position():
    found = [problem for path in project_files()
             for problem in violations(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert found == [], "take the arguments past the fourth keyword-only (after a *):\n" + "\n".join(found)


def test_the_check_sees_a_fifth_positional_parameter_and_lets_keyword_only_ones_pass():
    source = """
def five(a, b, c, d, e): pass
def named(a, b, c, d, *, e, f): pass
class Thing:
    def method(self, a, b, c, d): pass
    def too_many(self, a, b, c, d, e=None): pass
square = lambda a, b, c, d, e: a
"""
    assert violations(source, "catalog/example.py") == [
        "catalog/example.py:2 five(a, b, c, d, e)",
        "catalog/example.py:6 too_many(a, b, c, d, e)",
        "catalog/example.py:7 lambda(a, b, c, d, e)",
    ]


def test_numba_kernels_pytest_parameters_and_django_overrides_are_exempt():
    kernel = "@njit(nogil=True)\ndef kernel(a, b, c, d, e): pass\n"
    assert violations(kernel, "recommender/index/example.py") == []
    pytest_style = ("@pytest.fixture\ndef made(a, b, c, d, e): pass\n"
                    "def test_it(client, db, settings, catalog, tmp_path): pass\n")
    assert violations(pytest_style, "tests/example.py") == []
    assert violations(pytest_style, "catalog/example.py") != []
    override = "def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None): pass\n"
    assert violations(override, "songrec/lib/uploads.py") == []
