"""The package stays a house a newcomer can find their way in: small rooms, light doors.

Limits from issue 16: no module over 400 lines, no function over 60 lines, no folder with more
than 12 modules side by side; each sub-package says its one job and imports nothing, so an
encoding worker loads only what rendering needs.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

import audiocoach

PACKAGE = Path(audiocoach.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
ROOT = Path(__file__).resolve().parents[1]
TESTS = sorted(
    path for folder in ("tests", "benchmarks", "tools") for path in (ROOT / folder).glob("*.py")
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_MODULES_PER_FOLDER = 12


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def too_long(source: str) -> list[str]:
    """The functions of ``source`` longer than the limit, as ``name (lines)``."""
    found = []
    for function in functions(ast.parse(source)):
        assert function.end_lineno is not None
        length = function.end_lineno - function.lineno + 1
        if length > MAX_FUNCTION_LINES:
            found.append(f"{function.name} ({length})")
    return found


def test_the_limits_see_a_long_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert too_long(f"def f() -> None:\n{body}\n") == [f"f ({MAX_FUNCTION_LINES + 1})"]
    assert too_long("def g() -> None:\n    pass\n") == []


@pytest.mark.parametrize("path", MODULES + TESTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_module_is_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    assert too_long(source) == []


def test_no_folder_is_crowded() -> None:
    for folder in {path.parent for path in MODULES}:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES_PER_FOLDER, folder


SUB_PACKAGES = sorted(
    path.parent.name for path in PACKAGE.glob("*/__init__.py") if path.parent.name != "serve"
)


def test_the_sub_packages_are_the_concerns() -> None:
    assert SUB_PACKAGES == ["audio", "model", "output", "pipeline", "script", "speech"]


@pytest.mark.parametrize("name", SUB_PACKAGES)
def test_sub_package_says_its_job_and_imports_nothing(name: str) -> None:
    module = importlib.import_module(f"audiocoach.{name}")
    assert module.__doc__
    assert len(module.__doc__.split()) >= 8
    code = (
        "import sys; before = set(sys.modules); "
        f"import audiocoach.{name}; "
        "print(sorted(m for m in set(sys.modules) - before "
        "if m.partition('.')[0] not in sys.stdlib_module_names | {'audiocoach'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"importing audiocoach.{name} loaded {loaded}"


def test_the_public_api_is_declared_and_resolves() -> None:
    homes = vars(audiocoach)["_HOMES"]
    assert sorted(audiocoach.__all__) == sorted([*homes, "__version__"])
    for name in audiocoach.__all__:
        value = getattr(audiocoach, name)
        assert value is not None
        if name != "__version__":
            assert value.__module__ == homes[name], name
            assert value.__doc__, f"audiocoach.{name} has no docstring"
    with pytest.raises(AttributeError):
        getattr(audiocoach, "no_such_name")  # noqa: B009


def test_importing_the_package_loads_nothing_else() -> None:
    code = (
        "import sys; before = set(sys.modules); import audiocoach; "
        "print(sorted(m for m in set(sys.modules) - before if m.partition('.')[0] not in "
        "sys.stdlib_module_names and m != 'audiocoach'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_version_in_one_place_and_typed() -> None:
    assert importlib.metadata.version("audiocoach") == audiocoach.__version__
    assert (PACKAGE / "py.typed").is_file()


def test_the_readme_uses_only_the_public_api() -> None:
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README shows no Python"
    for block in blocks:
        compile(block, "README.md", "exec")
        for name in re.findall(r"\baudiocoach\.(\w+)", block):
            assert name in audiocoach.__all__, f"the README uses audiocoach.{name}"


def test_build_takes_exactly_the_optional_fields_of_a_target() -> None:
    """``build(program, out_dir, voice, **options)`` is typed by :class:`TargetOptions`:
    a field added to :class:`Target` and not there would be refused by the type checker."""
    from audiocoach.pipeline.target import Target, TargetOptions

    optional = [f.name for f in dataclasses.fields(Target) if f.default is not dataclasses.MISSING]
    assert list(TargetOptions.__annotations__) == optional


LAYERS = ["", "model", "script", "speech", "audio", "output", "pipeline", "serve", "cli"]
"""The data flow, first to last: a module imports only from its own layer or earlier ones.
``""`` is what every step shares (errors, files, folders, the sound values, the Dutch number
words); the CLI is on top. No exceptions: a value two layers need lives below both."""


def layer(module: str) -> int:
    parts = module.split(".")
    if parts[1].startswith("cli") or parts[1] == "__main__":
        return LAYERS.index("cli")
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else 0


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("audiocoach.")}


def test_imports_follow_the_data_flow() -> None:
    against = set()
    for path in MODULES:
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue  # the public API names what every layer offers
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(part for part in relative.parts if part != "__init__")
        for imported in imports_of(path):
            if layer(imported) > layer(module):
                against.add((module, imported))
    assert against == set()


PUBLIC_WITH_AN_UNDERSCORE = {
    "_exit": "os._exit: leave a forked child at once, documented as public",
    "_replace": "a named tuple's copy with one field changed, documented as public",
}
"""Names the Python documentation gives as public although they start with an underscore."""


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def defined_names(tree: ast.AST) -> set[str]:
    """Every name a module defines or binds: functions, classes, variables, attributes set,
    parameters, fields."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return names


def _named_by_a_string(node: ast.AST) -> str | None:
    """The attribute ``getattr(x, "_y")`` (or ``hasattr``, ``setattr``) reaches, if any."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id not in ("getattr", "hasattr", "setattr") or len(node.args) < 2:
        return None
    name = node.args[1]
    return name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None


def private_names_of_libraries(tree: ast.AST, ours: set[str]) -> list[str]:
    """What ``tree`` takes that a library keeps private: ``from x import _y``, ``import x._y``,
    and ``x._y`` or ``getattr(x, "_y")`` where ``_y`` is no name audiocoach itself defines."""
    found = []
    known = ours | set(PUBLIC_WITH_AN_UNDERSCORE)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.partition(".")[0] == "audiocoach":
                continue
            if any(map(_private, node.module.split("."))):
                found.append(f"from {node.module} import ...")
            found += [f"from {node.module} import {a.name}" for a in node.names if _private(a.name)]
        elif isinstance(node, ast.Import):
            private = [a.name for a in node.names if any(map(_private, a.name.split(".")))]
            found += [f"import {name}" for name in private]
        else:
            name = node.attr if isinstance(node, ast.Attribute) else _named_by_a_string(node)
            if name and _private(name) and name not in known:
                found.append(ast.unparse(node))
    return found


OUR_NAMES = {
    name for path in MODULES for name in defined_names(ast.parse(path.read_text(encoding="utf-8")))
}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from typer import _click", ["from typer import _click"]),
        ("from typer._click import Option", ["from typer._click import ..."]),
        ("import multiprocessing._pool", ["import multiprocessing._pool"]),
        ("def f(pool): return pool._processes", ["pool._processes"]),
        ('def f(p): return getattr(p, "_processes", {})', ["getattr(p, '_processes', {})"]),
        ("class A:\n    def f(self): self._mine = 1\n    def g(self): return self._mine", []),
        ("import os\nos._exit(1)", []),
        ("from audiocoach.script.dutch import _problems", []),
        ("print(__name__, len.__doc__)", []),
    ],
)
def test_the_private_name_check_sees_a_library_s_own(source: str, found: list[str]) -> None:
    tree = ast.parse(source)
    assert private_names_of_libraries(tree, defined_names(tree)) == found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_module_uses_a_private_name_of_a_library(path: Path) -> None:
    """A library's private names change without notice in any release: audiocoach uses only
    what a library documents (issue 27)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert private_names_of_libraries(tree, OUR_NAMES) == []
