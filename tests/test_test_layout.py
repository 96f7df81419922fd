"""What the tests share lives in tests/support/. A test module that imports another one runs that
module's import-time work (and its module-level fixtures come along); a conftest.py is pytest's to
load, and importing a helper from it hides where the helper lives. So no module under tests/
imports a test module, and nothing but fixtures is imported from a conftest.py."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported(path, source):
    """(line, module, names) of every import in the source, at any depth; names is None for a
    plain `import module`. Relative imports are resolved against the file's package."""
    package = module_name(path).split(".")[:-1]
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names = [alias.name for alias in node.names]
            if node.level and not node.module:
                # `from . import test_x` names modules, not attributes.
                for name in names:
                    yield node.lineno, f"{module}.{name}", None
            else:
                yield node.lineno, module, names


def fixtures_of(module):
    """Names of the functions a conftest module declares as fixtures."""
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_file():
        return set()
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
            names.add(node.name)
    return names


def problems(path, source):
    found = []
    for line, module, names in imported(path, source):
        if not module.startswith("tests."):
            continue
        last = module.rsplit(".", 1)[-1]
        where = f"{path.relative_to(ROOT)}:{line}"
        if last.startswith("test_"):
            found.append(f"{where} imports the test module {module}: move what it shares to tests/support/")
        elif last == "conftest":
            others = None if names is None else sorted(set(names) - fixtures_of(module))
            if others is None or others:
                found.append(f"{where} imports {others or 'the module'} from {module}: move it to tests/support/")
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest_helper():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += problems(path, path.read_text(encoding="utf-8"))
    assert found == []


def test_the_check_catches_what_it_forbids():
    path = TESTS / "security" / "test_example.py"
    assert problems(path, "from tests.support.builders import make_catalogue\nimport pytest\n") == []
    assert problems(path, "from tests.security.test_headers import csp\n") != []
    assert problems(path, "def f():\n    from .test_headers import csp\n") != []
    assert problems(path, "from . import test_headers\n") != []
    assert problems(path, "import tests.workflows.test_documents\n") != []
    assert problems(path, "from tests.conftest import restore_migration_data\n") != []
    assert problems(path, "from tests.api.conftest import parties\n") == []  # a fixture
    assert problems(TESTS / "api" / "test_example.py", "from .conftest import make_token\n") != []
