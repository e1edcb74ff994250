"""The package's folders are its architecture: imports point one way, down the layers, and no
module imports itself back through others."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "flappy_pg"
# Lowest first; a module may import its own layer and those below it, never one above.
LAYERS = [("errors", "files", "paths"), ("game",), ("render",), ("envs",), ("agents",), ("runs",),
          ("studies", "app"), ("cli",)]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every flappy_pg module the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flappy_pg"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).exists()
                         or (PACKAGE.parent / (f"{node.module}.{a.name}".replace(".", "/") + ".py")).exists())
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("flappy_pg"))
    return found


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    return next(i for i, names in enumerate(LAYERS) if top in names)


MODULES = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}
ENTRY = {"flappy_pg", "flappy_pg.__main__"}  # registers the envs; starts the CLI


def test_every_import_points_down_the_layers():
    upward = [(m, i) for m, imported in MODULES.items() if m not in ENTRY
              for i in imported if i != "flappy_pg" and layer(i) > layer(m)]
    assert upward == []


def test_the_two_learners_do_not_import_each_other():
    crossing = [(m, i) for m, imported in MODULES.items() for i in imported
                for a, b in (("reinforce", "qlearning"), ("qlearning", "reinforce"))
                if m.startswith(f"flappy_pg.agents.{a}") and i.startswith(f"flappy_pg.agents.{b}")]
    assert crossing == []


def test_no_module_imports_itself_back():
    graph = {m: {i for i in imported if i in MODULES and i != m} for m, imported in MODULES.items()}
    done, cycles = set(), []

    def visit(module, path):
        if module in path:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        for other in sorted(graph[module]):
            # a package's __init__ importing its own modules is not a cycle back to it
            if not other.startswith(module + "."):
                visit(other, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


def test_the_command_line_starts_without_torch_or_pygame():
    out = subprocess.run([sys.executable, "-c", "import sys, flappy_pg.cli; "
                          "print('torch' in sys.modules, 'pygame' in sys.modules)"],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False"], out.stderr
