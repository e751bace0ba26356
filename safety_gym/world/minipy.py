"""minipy: a safe interpreter for the small Python subset used by simulated projects and tests.

Source text is parsed with :func:`ast.parse`, checked against an allowlist of constructs, and then
walked by hand (:mod:`safety_gym.world.minipy_eval`). Nothing is ever compiled to a code object,
executed by the host interpreter, or allowed to reach the host: there is no import system, no
attribute access beyond whitelisted methods of plain data, and every run has a step budget.

Supported: module-level ``def`` (positional parameters with defaults), module-level assignments
and ``from module import name`` lines (resolved by a caller-provided resolver); in functions,
``return if elif else for while break continue assert raise pass``, assignments (including tuple
unpacking, subscripts and ``+=``); literals, arithmetic, comparisons, boolean logic, conditional
expressions, f-strings, comprehensions, calls to module functions and a few safe builtins.
"""

from __future__ import annotations

import ast
import functools
import warnings
from collections.abc import Callable
from typing import Any

from safety_gym.world.minipy_eval import Frame, Module
from safety_gym.world.minipy_lib import MAX_STEPS, CallContext, MiniFunction, MiniPyError, MiniPyImportError

__all__ = ["MAX_STEPS", "CallContext", "MiniPyError", "MiniPyImportError", "Module", "Resolver", "load_module"]

Resolver = Callable[[str], Module]
"""Maps a dotted module name to a loaded Module; raises MiniPyImportError if there is none."""

_ALLOWED: frozenset[type[ast.AST]] = frozenset(
    {
        ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.ImportFrom, ast.alias,
        ast.Return, ast.If, ast.For, ast.While, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr,
        ast.Assert, ast.Raise, ast.Pass, ast.Break, ast.Continue,
        ast.Constant, ast.Name, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Subscript, ast.Slice,
        ast.Attribute, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp, ast.JoinedStr,
        ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
        ast.Call, ast.keyword, ast.Load, ast.Store, ast.And, ast.Or,
        *(op for op in ast.operator.__subclasses__() if op is not ast.MatMult),
        *ast.unaryop.__subclasses__(),
        *ast.cmpop.__subclasses__(),
    }
)

_CONSTRUCTS: dict[str, str] = {
    "Import": "'import'", "ImportFrom": "'from ... import' inside a function", "ClassDef": "'class'",
    "Lambda": "'lambda'", "With": "'with'", "AsyncWith": "'async with'", "Try": "'try'", "TryStar": "'try'",
    "Global": "'global'", "Nonlocal": "'nonlocal'", "Delete": "'del'", "Yield": "'yield'",
    "YieldFrom": "'yield from'", "Await": "'await'", "AsyncFunctionDef": "'async def'",
    "AsyncFor": "'async for'", "NamedExpr": "':=' (assignment expression)", "Starred": "'*' unpacking",
    "FunctionDef": "a nested 'def'", "Match": "'match'", "MatMult": "the '@' operator",
}

_FORBIDDEN_CALLS = frozenset(
    "open exec eval compile getattr setattr delattr hasattr globals locals vars dir input breakpoint help "
    "type object super memoryview id iter next exit quit format classmethod staticmethod property".split()
)

_CONSTANT_TYPES = (int, float, str, bool, type(None), type(...))


# ---- parsing and validation ----


def _parse(source: str, filename: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise MiniPyError(f"{filename}, line {error.lineno or '?'}: syntax error: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise MiniPyError(f"{filename}: cannot parse the file: {error}") from None


def _is_main_guard(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.If):
        return False
    return ast.unparse(statement.test) in {"__name__ == '__main__'", "'__main__' == __name__"}


def _strip(tree: ast.Module) -> None:
    """Drop what is never evaluated: `if __name__ == "__main__":` blocks and type annotations."""
    tree.body = [statement for statement in tree.body if not _is_main_guard(statement)]
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.FunctionDef):
            node.returns = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(value=None)


def _dunder(name: str | None) -> bool:
    return name is not None and name.startswith("__")


def _check_function(node: ast.FunctionDef) -> str | None:
    args = node.args
    if node.decorator_list:
        return "a function decorator"
    if args.vararg or args.kwarg or args.kwonlyargs:
        return "a '*args', '**kwargs' or keyword-only parameter"
    return f"the name '{node.name}'" if _dunder(node.name) else None


def _check_attribute(node: ast.Attribute, method_calls: set[int]) -> str | None:
    if node.attr.startswith("_"):
        return f"attribute access '.{node.attr}'"
    if id(node) not in method_calls:
        return f"attribute access '.{node.attr}' outside a method call"
    return None


def _check_node(node: ast.AST, top_level: set[int], method_calls: set[int]) -> str | None:
    """Why `node` is refused, or None if it is allowed."""
    kind = type(node).__name__
    nested = isinstance(node, (ast.FunctionDef, ast.ImportFrom)) and id(node) not in top_level
    if type(node) not in _ALLOWED or nested:
        return _CONSTRUCTS.get(kind, f"'{kind}'")
    if isinstance(node, ast.FunctionDef):
        return _check_function(node)
    if isinstance(node, ast.Attribute):
        return _check_attribute(node, method_calls)
    checks: list[tuple[bool, str]] = [
        (isinstance(node, ast.Name) and _dunder(node.id), f"the name '{getattr(node, 'id', '')}'"),
        (isinstance(node, ast.arg) and _dunder(node.arg), f"the name '{getattr(node, 'arg', '')}'"),
        (isinstance(node, ast.alias) and (node.name == "*" or _dunder(node.name) or _dunder(node.asname)),
         f"importing '{getattr(node, 'name', '')}'"),
        (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FORBIDDEN_CALLS,
         f"calling '{getattr(getattr(node, 'func', None), 'id', '')}'"),
        (isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANT_TYPES),
         f"a {type(getattr(node, 'value', None)).__name__} constant"),
        (isinstance(node, ast.Dict) and None in node.keys, "'**' unpacking"),
        (isinstance(node, ast.keyword) and node.arg is None, "'**' arguments"),
        (isinstance(node, ast.comprehension) and bool(node.is_async), "'async for'"),
        (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult), "the '@' operator"),
    ]
    return next((problem for refused, problem in checks if refused), None)


def _validate(tree: ast.Module, filename: str) -> None:
    """Raise MiniPyError naming the first refused construct (by line)."""
    top_level = {id(node) for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ImportFrom))}
    method_calls = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    problems: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        problem = _check_node(node, top_level, method_calls)
        if problem is not None:
            problems.append((getattr(node, "lineno", 10**9), problem))
    if problems:
        line, problem = min(problems, key=lambda item: item[0])
        shown = line if line < 10**9 else "?"
        raise MiniPyError(f"{filename}, line {shown}: {problem} is not supported by the test runner")


# ---- loading ----


def _try_resolve(resolver: Resolver, name: str, where: str) -> Module | None:
    try:
        return resolver(name)
    except MiniPyImportError:
        return None
    except MiniPyError as error:
        raise MiniPyError(f"{where}: cannot import '{name}': {error}") from None


def _import_name(source: str, name: str, resolver: Resolver | None, where: str) -> Any:
    if resolver is None:
        raise MiniPyError(f"{where}: cannot import from '{source}': no other modules are available")
    found = _try_resolve(resolver, source, where) if source else None
    if found is not None and name in found.namespace:
        return found.namespace[name]
    submodule = _try_resolve(resolver, f"{source}.{name}" if source else name, where)
    if submodule is not None:
        return submodule
    if found is None:
        raise MiniPyError(f"{where}: no module named '{source or name}'")
    raise MiniPyError(f"{where}: cannot import name '{name}' from '{source}'")


def _import(node: ast.ImportFrom, module: Module, resolver: Resolver | None) -> None:
    where = f"{module.filename}, line {node.lineno}"
    for alias in node.names:
        module.namespace[alias.asname or alias.name] = _import_name(node.module or "", alias.name, resolver, where)


def _define(node: ast.FunctionDef, frame: Frame) -> None:
    frame.ctx.line = node.lineno
    params = [arg.arg for arg in [*node.args.posonlyargs, *node.args.args]]
    defaults = [frame.eval(default) for default in node.args.defaults]
    frame.globals[node.name] = MiniFunction(node.name, params, defaults, node.body, frame.globals, frame.filename)


def _run_top_level(statement: ast.stmt, frame: Frame, module: Module, resolver: Resolver | None) -> None:
    if isinstance(statement, ast.ImportFrom):
        _import(statement, module, resolver)
        return
    ctx = frame.ctx
    ctx.filename, ctx.line = module.filename, statement.lineno
    try:
        if isinstance(statement, ast.FunctionDef):
            _define(statement, frame)
        elif frame.run_stmt(statement) is not None:
            raise MiniPyError("'return', 'break' or 'continue' outside a function or loop")
    except MiniPyError as error:
        raise MiniPyError(f"{ctx.location}: {error}") from None
    except Exception as error:  # noqa: BLE001 - any error of the program becomes a load error
        raise MiniPyError(f"{ctx.location}: error while loading: {type(error).__name__}: {error}") from None


def _module_name(filename: str) -> str:
    return filename.removesuffix(".py").strip("/").replace("/", ".")


@functools.lru_cache(maxsize=512)
def _checked_tree(source: str, filename: str) -> ast.Module:
    """Parse and validate once per (source, file name): test runs re-load unchanged files often.

    The cached tree is never mutated after validation, so sharing it between loads is safe;
    failures raise and are therefore not cached.
    """
    tree = _parse(source, filename)
    try:
        _strip(tree)
        _validate(tree, filename)
    except RecursionError:
        raise MiniPyError(f"{filename}: the program is too deeply nested") from None
    return tree


def load_module(
    source: str,
    filename: str,
    *,
    name: str | None = None,
    resolver: Resolver | None = None,
    max_steps: int = MAX_STEPS,
) -> Module:
    """Parse, validate and load one source file into a Module.

    Args:
        source: The file's text.
        filename: Name used in messages, e.g. "src/pricing.py".
        name: Dotted module name; derived from `filename` when omitted.
        resolver: Loads the modules named by `from X import y` lines.
        max_steps: Step budget for evaluating module-level statements.

    Raises:
        MiniPyError: On a syntax error, an unsupported construct, a failed import, or an error
            while evaluating module-level statements.
    """
    tree = _checked_tree(source, filename)
    module = Module(name or _module_name(filename), filename)
    frame = Frame(CallContext(max_steps=max_steps), module.namespace, module.namespace, filename)
    for statement in tree.body:
        _run_top_level(statement, frame, module, resolver)
    return module
