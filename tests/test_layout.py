"""The component's layout: layers that never reach up, and no import circle.

Layers, lowest first: protocol/ (pure Python), the leaves (const, models,
compat), the phone runtime core, the features (listener/, urls/,
web_access/), then Home Assistant's own modules. A module imports from its
own layer or lower ones only, and the run-time imports form no circle.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "custom_components" / "sangoma_phone"

LEAVES = {"const", "models", "compat", "texts"}
CORE = {"counters", "identity", "gate", "phone", "webhook"}
FEATURES = {"listener", "urls", "web_access"}


def layer(module: str) -> int:
    """Return the layer of a module (dotted, relative to the package)."""
    top = module.split(".", maxsplit=1)[0]
    if top == "protocol":
        return 0
    if top in LEAVES:
        return 1
    if top in CORE:
        return 2
    if top in FEATURES:
        return 3
    return 4


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "__init__"


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """Return the package modules an import statement names."""
    if node.level == 0:
        prefix = "custom_components.sangoma_phone"
        if not (node.module or "").startswith(prefix):
            return []
        base = (node.module or "").removeprefix(prefix).lstrip(".")
    else:
        parts = [] if module == "__init__" else module.split(".")
        package = parts if path.name == "__init__.py" else parts[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}" if base else alias.name
        targets.append(sub if sub in MODULES else base or "__init__")
    return targets


def imports(module: str, *, type_checking: bool) -> set[str]:
    """Return the package modules a module imports (at run time, or for typing)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            guarded.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (id(node) in guarded) == type_checking:
            found.update(_resolve(module, path, node))
    found.discard(module)
    return found


def test_modules_are_found() -> None:
    """The walk sees every feature and the imports it has."""
    assert {"phone", "listener", "listener.server", "urls.page", "web_access"} <= set(
        MODULES
    )
    assert "phone" in imports("web_access", type_checking=False)
    assert "listener.server" in imports("listener", type_checking=False)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_reaches_up(module: str) -> None:
    """A module imports from its own layer or from lower ones."""
    upward = {
        target
        for target in imports(module, type_checking=False)
        if layer(target) > layer(module)
    }
    assert not upward, f"{module} (layer {layer(module)}) imports {upward}"


def test_protocol_imports_only_protocol() -> None:
    """protocol/ stands alone (ruff's TID251 bans Home Assistant there too)."""
    for module in MODULES:
        if layer(module) == 0:
            assert all(
                layer(target) == 0
                for target in imports(module, type_checking=False)
                | imports(module, type_checking=True)
            ), module


def test_no_import_circle() -> None:
    """The run-time imports form no circle."""
    graph = {module: imports(module, type_checking=False) for module in MODULES}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail(f"import circle: {' -> '.join(cycle)}")
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_only_models_names_upper_layers_for_typing() -> None:
    """Typing-only imports exist just so models.py can name the runtime classes."""
    typing_only = {
        module: targets
        for module in MODULES
        if (targets := imports(module, type_checking=True))
    }
    assert typing_only == {"models": {"phone", "web_access"}}
