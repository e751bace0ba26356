"""The tree-walking evaluator of minipy: statements, expressions and function calls.

It only ever sees syntax trees that :mod:`safety_gym.world.minipy` has validated, and it never
compiles or executes Python code: every node is interpreted by hand, with a step budget.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import Any

from safety_gym.world.minipy_builtins import (
    BUILTINS,
    CONSTANT_TIME_BUILTINS,
    RETURNS_EXISTING,
    Builtin,
    call_method,
    method_cost,
)
from safety_gym.world.minipy_lib import (
    CHARGE_UNIT,
    MAX_DEPTH,
    MAX_SIZE,
    CallContext,
    MiniFunction,
    MiniPyError,
    bind_arguments,
    binary_op,
    compare,
    compare_cost,
    describe_comparison,
    format_value,
    short_repr,
    unary_op,
)

__all__ = ["Frame", "Module", "call_function"]


class _Flow:
    """A non-local control-flow signal returned by statements."""


BREAK = _Flow()
CONTINUE = _Flow()


@dataclass
class _Returned(_Flow):
    value: Any


@dataclass(eq=False)
class Module:
    """A loaded source file: its namespace of functions, constants and imported names."""

    name: str
    filename: str
    namespace: dict[str, Any] = field(default_factory=dict)

    @property
    def functions(self) -> dict[str, MiniFunction]:
        """Functions defined in this file (not imported), in definition order."""
        return {
            key: value
            for key, value in self.namespace.items()
            if isinstance(value, MiniFunction) and value.filename == self.filename and value.name == key
        }

    def call(self, name: str, *args: Any, context: CallContext | None = None) -> Any:
        """Call the module function `name`; Python errors it raises propagate unchanged.

        Args:
            name: Function name.
            *args: Positional arguments (plain data).
            context: Budget and location tracker; a fresh one per call when omitted.
        """
        function = self.namespace.get(name)
        if not isinstance(function, MiniFunction):
            raise MiniPyError(f"{self.filename} has no function '{name}'")
        return call_function(function, args, {}, context or CallContext())

    def __repr__(self) -> str:
        return f"<module {self.name}>"


def call_function(function: MiniFunction, args: tuple[Any, ...], kwargs: dict[str, Any], ctx: CallContext) -> Any:
    """Run an interpreted function with the budget and depth limit of `ctx`.

    Args:
        function: The function to run.
        args: Positional arguments.
        kwargs: Keyword arguments.
        ctx: The call context shared by the whole top-level call.
    """
    if ctx.depth >= MAX_DEPTH:
        raise MiniPyError(f"recursion depth limit ({MAX_DEPTH} nested calls) exceeded")
    caller = (ctx.filename, ctx.line)
    frame = Frame(ctx, function.globals, bind_arguments(function, args, kwargs), function.filename)
    ctx.depth += 1
    try:
        flow = frame.run_block(function.body)
    finally:
        ctx.depth -= 1
    if flow is BREAK or flow is CONTINUE:
        raise MiniPyError(f"'break'/'continue' outside a loop in {function.name}()")
    ctx.filename, ctx.line = caller
    return flow.value if isinstance(flow, _Returned) else None


def _as_python_callable(value: MiniFunction, ctx: CallContext) -> Callable[..., Any]:
    """Wrap an interpreted function so a builtin (e.g. sorted's key) can call it."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call_function(value, args, kwargs, ctx)

    return wrapper


class Frame:
    """One activation: a local scope over a module's globals, sharing a call context."""

    def __init__(self, ctx: CallContext, globals_: dict[str, Any], scope: dict[str, Any], filename: str) -> None:
        self.ctx = ctx
        self.globals = globals_
        self.scope = scope
        self.filename = filename

    # ---- statements ----

    def run_block(self, body: list[ast.stmt]) -> _Flow | None:
        """Execute statements in order; return the first control-flow signal raised."""
        for statement in body:
            flow = self.run_stmt(statement)
            if flow is not None:
                return flow
        return None

    def run_stmt(self, node: ast.stmt) -> _Flow | None:
        """Execute one statement."""
        self.ctx.tick()
        self.ctx.filename, self.ctx.line = self.filename, node.lineno
        handler = _STATEMENTS.get(type(node))
        if handler is None:
            raise MiniPyError(f"line {node.lineno}: {type(node).__name__} statements are not supported")
        return handler(self, node)

    def _return(self, node: ast.Return) -> _Flow:
        return _Returned(None if node.value is None else self.eval(node.value))

    def _if(self, node: ast.If) -> _Flow | None:
        return self.run_block(node.body if self.eval(node.test) else node.orelse)

    def _for(self, node: ast.For) -> _Flow | None:
        for item in self.eval(node.iter):
            self.ctx.tick()
            self.assign(node.target, item)
            flow = self.run_block(node.body)
            if flow is BREAK:
                return None
            if flow is not None and flow is not CONTINUE:
                return flow
        return self.run_block(node.orelse)

    def _while(self, node: ast.While) -> _Flow | None:
        while self.eval(node.test):
            flow = self.run_block(node.body)
            if flow is BREAK:
                return None
            if flow is not None and flow is not CONTINUE:
                return flow
        return self.run_block(node.orelse)

    def _assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value))

    def _aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Subscript):
            container, key = self.eval(target.value), self._index(target.slice)
            container[key] = self._binary(node.op, container[key], self.eval(node.value), inplace=True)
        elif isinstance(target, ast.Name):
            value = self._binary(node.op, self.lookup(target.id), self.eval(node.value), inplace=True)
            self.scope[target.id] = value
        else:
            raise MiniPyError(f"line {node.lineno}: unsupported augmented assignment target")

    def _expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def _assert(self, node: ast.Assert) -> None:
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, right = self.eval(test.left), self.eval(test.comparators[0])
            self.ctx.tick(compare_cost(test.ops[0], left, right))
            if compare(test.ops[0], left, right):
                return
            shown = describe_comparison(test.ops[0], left, right)
        else:
            value = self.eval(test)
            if value:
                return
            shown = f"assert {short_repr(value)}"
        if node.msg is not None:
            raise AssertionError(str(self.eval(node.msg)))
        source = ast.unparse(test)
        raise AssertionError(shown if f"assert {source}" == shown else f"{shown} (from: {source[:120]})")

    def _raise(self, node: ast.Raise) -> None:
        if node.exc is None:
            raise RuntimeError("bare 'raise' outside an exception handler")
        error = self.eval(node.exc)
        if isinstance(error, Builtin) and isinstance(error.py_type, type) and issubclass(error.py_type, Exception):
            error = error.py_type()
        if not isinstance(error, Exception):
            raise TypeError("exceptions must derive from BaseException")
        raise error

    # ---- names and targets ----

    def lookup(self, name: str) -> Any:
        """Resolve a name: local scope, then module globals, then builtins."""
        for namespace in (self.scope, self.globals, BUILTINS):
            if name in namespace:
                return namespace[name]
        raise NameError(f"name '{name}' is not defined")

    def assign(self, target: ast.expr, value: Any) -> None:
        """Bind `value` to an assignment target (name, tuple/list of targets, subscript)."""
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(value)
            if len(items) != len(target.elts):
                raise ValueError(f"cannot unpack {len(items)} values into {len(target.elts)} targets")
            for element, item in zip(target.elts, items):
                self.assign(element, item)
        elif isinstance(target, ast.Subscript):
            container, key = self.eval(target.value), self._index(target.slice)
            if isinstance(key, slice) and isinstance(value, Sized) and isinstance(container, Sized):
                if len(container) + len(value) > MAX_SIZE:
                    raise MiniPyError("the list after slice assignment would be too large for the test runner")
                self.ctx.allocate(value)
            container[key] = value
        else:
            raise MiniPyError(f"line {target.lineno}: unsupported assignment target")

    # ---- expressions ----

    def eval(self, node: ast.expr) -> Any:
        """Evaluate one expression."""
        self.ctx.tick()
        handler = _EXPRESSIONS.get(type(node))
        if handler is None:
            raise MiniPyError(f"line {node.lineno}: {type(node).__name__} expressions are not supported")
        return handler(self, node)

    def _binary(self, op: ast.operator, left: Any, right: Any, *, inplace: bool = False) -> Any:
        result = binary_op(op, left, right, inplace=inplace)
        self.ctx.allocate(result)
        return result

    def _index(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if part is None else self.eval(part) for part in parts))
        return self.eval(node)

    def _list(self, node: ast.List) -> list[Any]:
        return [self.eval(element) for element in node.elts]

    def _tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.eval(element) for element in node.elts)

    def _set(self, node: ast.Set) -> set[Any]:
        return {self.eval(element) for element in node.elts}

    def _dict(self, node: ast.Dict) -> dict[Any, Any]:
        return {self.eval(key): self.eval(value) for key, value in zip(node.keys, node.values) if key is not None}

    def _subscript(self, node: ast.Subscript) -> Any:
        container = self.eval(node.value)
        result = container[self._index(node.slice)]
        if isinstance(node.slice, ast.Slice):
            self.ctx.allocate(result)
        return result

    def _binop(self, node: ast.BinOp) -> Any:
        return self._binary(node.op, self.eval(node.left), self.eval(node.right))

    def _unaryop(self, node: ast.UnaryOp) -> Any:
        return unary_op(node.op, self.eval(node.operand))

    def _boolop(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand)
            if bool(value) != isinstance(node.op, ast.And):
                return value
        return value

    def _compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node)
            self.ctx.tick(compare_cost(op, left, right))
            if not compare(op, left, right):
                return False
            left = right
        return True

    def _ifexp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body if self.eval(node.test) else node.orelse)

    def _joinedstr(self, node: ast.JoinedStr) -> str:
        pieces: list[str] = []
        total = 0
        for value in node.values:
            piece = self.eval(value)
            piece = piece if isinstance(piece, str) else str(piece)
            total += len(piece)
            if total > MAX_SIZE:
                raise MiniPyError("f-string result would be too large for the test runner")
            pieces.append(piece)
        self.ctx.tick(total // CHARGE_UNIT)
        return "".join(pieces)

    def _formatted(self, node: ast.FormattedValue) -> str:
        value = self.eval(node.value)
        self.ctx.charge(value)
        spec = "" if node.format_spec is None else self.eval(node.format_spec)
        return format_value(value, node.conversion, spec)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Any:
        inner = Frame(self.ctx, self.globals, dict(self.scope), self.filename)
        items: list[Any] = []
        if isinstance(node, ast.DictComp):
            inner._generate(node.generators, 0, lambda: items.append((inner.eval(node.key), inner.eval(node.value))))
            return dict(items)
        inner._generate(node.generators, 0, lambda: items.append(inner.eval(node.elt)))
        return set(items) if isinstance(node, ast.SetComp) else items

    def _generate(self, generators: list[ast.comprehension], index: int, emit: Callable[[], None]) -> None:
        if index == len(generators):
            emit()
            return
        generator = generators[index]
        for item in self.eval(generator.iter):
            self.ctx.tick()
            self.assign(generator.target, item)
            if all(self.eval(condition) for condition in generator.ifs):
                self._generate(generators, index + 1, emit)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        receiver = self.eval(func.value) if isinstance(func, ast.Attribute) else None
        target = None if isinstance(func, ast.Attribute) else self.eval(func)
        args = tuple(self.eval(argument) for argument in node.args)
        kwargs = {keyword.arg or "": self.eval(keyword.value) for keyword in node.keywords}
        if isinstance(func, ast.Attribute):
            self.ctx.tick(method_cost(receiver, func.attr))
            self.ctx.charge(*args, *kwargs.values())
            result = self._call_attribute(receiver, func.attr, args, kwargs)
            name = func.attr
        elif isinstance(target, MiniFunction):
            return call_function(target, args, kwargs, self.ctx)
        elif isinstance(target, Builtin):
            if target.name not in CONSTANT_TIME_BUILTINS:
                self.ctx.charge(*args, *kwargs.values())
            result, name = target(*args, **self._python_kwargs(kwargs)), target.name
        else:
            raise TypeError(f"'{type(target).__name__}' object is not callable")
        if name not in RETURNS_EXISTING:
            self.ctx.allocate(result)
        return result

    def _call_attribute(self, receiver: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if isinstance(receiver, Module):
            function = receiver.namespace.get(name)
            if not isinstance(function, (MiniFunction, Builtin)):
                raise AttributeError(f"module '{receiver.name}' has no function '{name}'")
            if isinstance(function, MiniFunction):
                return call_function(function, args, kwargs, self.ctx)
            return function(*args, **self._python_kwargs(kwargs))
        return call_method(receiver, name, args, self._python_kwargs(kwargs))

    def _python_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Interpreted functions passed as `key=` (sorted, min, max, list.sort) become callables."""
        if isinstance(kwargs.get("key"), MiniFunction):
            return {**kwargs, "key": _as_python_callable(kwargs["key"], self.ctx)}
        return kwargs


_STATEMENTS: dict[type[ast.stmt], Callable[[Frame, Any], _Flow | None]] = {
    ast.Return: Frame._return, ast.If: Frame._if, ast.For: Frame._for, ast.While: Frame._while,
    ast.Assign: Frame._assign, ast.AnnAssign: Frame._ann_assign, ast.AugAssign: Frame._aug_assign,
    ast.Expr: Frame._expr, ast.Assert: Frame._assert, ast.Raise: Frame._raise,
    ast.Pass: lambda _frame, _node: None, ast.Break: lambda _frame, _node: BREAK,
    ast.Continue: lambda _frame, _node: CONTINUE,
}

_EXPRESSIONS: dict[type[ast.expr], Callable[[Frame, Any], Any]] = {
    ast.Constant: lambda _frame, node: node.value, ast.Name: lambda frame, node: frame.lookup(node.id),
    ast.List: Frame._list, ast.Tuple: Frame._tuple,
    ast.Set: Frame._set, ast.Dict: Frame._dict, ast.Subscript: Frame._subscript, ast.BinOp: Frame._binop,
    ast.UnaryOp: Frame._unaryop, ast.BoolOp: Frame._boolop, ast.Compare: Frame._compare,
    ast.IfExp: Frame._ifexp, ast.JoinedStr: Frame._joinedstr, ast.FormattedValue: Frame._formatted,
    ast.ListComp: Frame._comprehension, ast.SetComp: Frame._comprehension,
    ast.DictComp: Frame._comprehension, ast.GeneratorExp: Frame._comprehension, ast.Call: Frame._call,
}
