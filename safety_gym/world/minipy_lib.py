"""Limits, errors, function values and guarded operators of the minipy test interpreter.

Arithmetic here is checked before it runs, so programs cannot allocate huge numbers or strings
(``2 ** 10**9``, ``"x" * 10**12``). Nothing in this module performs I/O.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import reprlib
from collections.abc import Callable, Sized
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CallContext",
    "MAX_DEPTH",
    "MAX_SIZE",
    "MAX_STEPS",
    "MiniFunction",
    "MiniPyError",
    "MiniPyImportError",
    "bind_arguments",
    "binary_op",
    "compare",
    "compare_cost",
    "describe_comparison",
    "format_value",
    "is_int",
    "short_repr",
    "too_large",
    "unary_op",
]

MAX_STEPS = 100_000
MAX_DEPTH = 50
MAX_SIZE = 1_000_000
MAX_INT_BITS = 20_000
MAX_FORMAT_WIDTH = 1_000
MAX_INT_STR_DIGITS = 4_300
CHARGE_UNIT = 256
ITEM_WEIGHT = 32
_CONTAINERS = (list, tuple, dict, set, frozenset)


class MiniPyError(Exception):
    """The program uses a construct the test runner refuses, or exceeded a resource limit."""


class MiniPyImportError(MiniPyError):
    """An imported module does not exist (raised by module resolvers)."""


@dataclass
class CallContext:
    """Resources of one top-level call: step budget, recursion depth and current location."""

    max_steps: int = MAX_STEPS
    steps: int = 0
    depth: int = 0
    filename: str = ""
    line: int = 0

    def tick(self, cost: int = 1) -> None:
        """Spend `cost` evaluation steps; raise MiniPyError when the budget is exhausted."""
        self.steps += cost
        if self.steps > self.max_steps:
            raise MiniPyError(f"step budget exceeded ({self.max_steps} evaluation steps); is there an infinite loop?")

    def charge(self, *values: Any) -> None:
        """Spend steps for scanning large values: one per CHARGE_UNIT items."""
        cost = sum(len(value) // CHARGE_UNIT for value in values if isinstance(value, Sized))
        if cost:
            self.tick(cost)

    def allocate(self, value: Any) -> None:
        """Spend steps for a newly built string or container, weighted by its memory."""
        if isinstance(value, str):
            self.tick(len(value) // CHARGE_UNIT)
        elif isinstance(value, _CONTAINERS):
            self.tick(len(value) * ITEM_WEIGHT // CHARGE_UNIT)

    @property
    def location(self) -> str:
        """Where evaluation currently is, e.g. "src/pricing.py, line 3"."""
        return f"{self.filename}, line {self.line}" if self.filename else f"line {self.line}"


_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlong = 60


def short_repr(value: Any) -> str:
    """A bounded repr of `value` for failure messages."""
    try:
        return _REPR.repr(value)
    except ValueError:  # ints beyond the interpreter's int-to-str digit limit
        return f"<{type(value).__name__} too large to display>"


@dataclass(eq=False)
class MiniFunction:
    """A function defined at module level in interpreted source."""

    name: str
    params: list[str]
    defaults: list[Any]
    body: list[ast.stmt]
    globals: dict[str, Any]
    filename: str

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def bind_arguments(function: MiniFunction, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The initial local scope of a call, binding arguments as Python would.

    Args:
        function: The function being called.
        args: Positional arguments.
        kwargs: Keyword arguments.
    """
    params = function.params
    if len(args) > len(params):
        raise TypeError(f"{function.name}() takes {len(params)} positional arguments but {len(args)} were given")
    scope = dict(zip(params, args))
    for key, value in kwargs.items():
        if key not in params:
            raise TypeError(f"{function.name}() got an unexpected keyword argument '{key}'")
        if key in scope:
            raise TypeError(f"{function.name}() got multiple values for argument '{key}'")
        scope[key] = value
    first_default = len(params) - len(function.defaults)
    for index, param in enumerate(params):
        if param not in scope:
            if index < first_default:
                raise TypeError(f"{function.name}() missing required argument: '{param}'")
            scope[param] = function.defaults[index - first_default]
    return scope


# ---- operators -------------------------------------------------------------------------------

_BINARY: dict[type[ast.operator], tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    ast.Add: (operator.add, operator.iadd),
    ast.Sub: (operator.sub, operator.isub),
    ast.Mult: (operator.mul, operator.imul),
    ast.Div: (operator.truediv, operator.itruediv),
    ast.FloorDiv: (operator.floordiv, operator.ifloordiv),
    ast.Mod: (operator.mod, operator.imod),
    ast.Pow: (operator.pow, operator.ipow),
    ast.LShift: (operator.lshift, operator.ilshift),
    ast.RShift: (operator.rshift, operator.irshift),
    ast.BitOr: (operator.or_, operator.ior),
    ast.BitXor: (operator.xor, operator.ixor),
    ast.BitAnd: (operator.and_, operator.iand),
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda left, right: left in right,
    ast.NotIn: lambda left, right: left not in right,
}

_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
}

_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}

_SEQUENCES = (str, list, tuple)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def too_large(what: str) -> MiniPyError:
    return MiniPyError(f"{what} would be too large for the test runner")


def is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES) and len(left) + len(right) > MAX_SIZE:
        raise too_large("the result of '+'")


def _check_mult(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, _SEQUENCES) and is_int(count) and len(seq) * max(count, 0) > MAX_SIZE:
            raise too_large("the result of '*'")
    if is_int(left) and is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise too_large("the integer result of '*'")


def _check_pow(base: Any, exponent: Any) -> None:
    if is_int(base) and is_int(exponent) and exponent > 0 and abs(base) > 1:
        if exponent > MAX_INT_BITS or exponent * math.log2(abs(base)) > MAX_INT_BITS:
            raise too_large("the result of '**'")


def _check_lshift(value: Any, shift: Any) -> None:
    if is_int(value) and is_int(shift) and shift > 0 and value.bit_length() + shift > MAX_INT_BITS:
        raise too_large("the result of '<<'")


def _longest_text(values: Any) -> int:
    items = values.values() if isinstance(values, dict) else values if isinstance(values, tuple) else (values,)
    return max((4 * len(item) + 2 if isinstance(item, str) else len(repr(item)) for item in items), default=0)


def _check_percent(template: Any, values: Any) -> None:
    if not isinstance(template, str):
        return
    specs = 0
    for match in _PERCENT_SPEC.finditer(template):
        specs += 1
        for part in match.groups():
            if part == "*" or (part and int(part) > MAX_FORMAT_WIDTH):
                raise too_large("the '%' formatted string")
    if specs and len(template) + specs * (_longest_text(values) + MAX_FORMAT_WIDTH) > MAX_SIZE:
        raise too_large("the '%' formatted string")


_CHECKS: dict[type[ast.operator], Callable[[Any, Any], None]] = {
    ast.Add: _check_add,
    ast.Mult: _check_mult,
    ast.Pow: _check_pow,
    ast.LShift: _check_lshift,
    ast.Mod: _check_percent,
}


def binary_op(op: ast.operator, left: Any, right: Any, *, inplace: bool = False) -> Any:
    """Apply a binary operator after checking that the result stays small.

    Args:
        op: The ast operator node (e.g. ``ast.Add()``).
        left: Left operand.
        right: Right operand.
        inplace: Use the in-place variant (``+=`` extends a list rather than copying it).
    """
    functions = _BINARY.get(type(op))
    if functions is None:
        raise MiniPyError(f"operator {type(op).__name__} is not supported by the test runner")
    check = _CHECKS.get(type(op))
    if check is not None:
        check(left, right)
    return functions[1 if inplace else 0](left, right)


def compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Evaluate one comparison operator.

    Args:
        op: The ast comparison node (e.g. ``ast.Eq()``).
        left: Left operand.
        right: Right operand.
    """
    return bool(_COMPARE[type(op)](left, right))


def unary_op(op: ast.unaryop, operand: Any) -> Any:
    """Apply a unary operator (not, -, +, ~).

    Args:
        op: The ast unary operator node.
        operand: The evaluated operand.
    """
    return _UNARY[type(op)](operand)


def describe_comparison(op: ast.cmpop, left: Any, right: Any) -> str:
    """A pytest-style failed-assert description, e.g. "assert 100 == 90".

    Args:
        op: The ast comparison node.
        left: Evaluated left operand.
        right: Evaluated right operand.
    """
    return f"assert {short_repr(left)} {_SYMBOLS[type(op)]} {short_repr(right)}"


def compare_cost(op: ast.cmpop, left: Any, right: Any) -> int:
    """Extra steps charged for a comparison that scans its operands (``in`` on a list, ``==``).

    Args:
        op: The ast comparison node.
        left: Left operand.
        right: Right operand.
    """
    if isinstance(op, (ast.In, ast.NotIn)):
        return len(right) // CHARGE_UNIT if isinstance(right, _SEQUENCES) else 0
    if isinstance(left, Sized) and isinstance(right, Sized):
        return min(len(left), len(right)) // CHARGE_UNIT
    return 0


_CONVERSIONS: dict[int, Callable[[Any], str]] = {115: str, 114: repr, 97: ascii}


def format_value(value: Any, conversion: int, spec: str) -> str:
    """Format one f-string field, refusing widths or precisions that would allocate huge strings.

    Args:
        value: The evaluated field value.
        conversion: The ast conversion code (-1 none, 115 !s, 114 !r, 97 !a).
        spec: The evaluated format spec, e.g. ">10" or ".2f".
    """
    if any(int(number) > MAX_FORMAT_WIDTH for number in re.findall(r"\d+", spec)):
        raise too_large(f"the formatted value (spec {spec[:20]!r})")
    converter = _CONVERSIONS.get(conversion)
    return format(converter(value) if converter else value, spec)
