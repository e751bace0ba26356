"""Limits, safe operators and the builtin library of the minipy test interpreter.

Everything an interpreted program can reach is listed here: a few builtin functions, a whitelist
of methods on plain data types, and arithmetic guarded against memory and time bombs. Nothing in
this module performs I/O or gives access to Python objects beyond plain data.
"""

from __future__ import annotations

import ast
import operator
import re
import reprlib
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BUILTINS",
    "Builtin",
    "CallContext",
    "MAX_DEPTH",
    "MAX_SIZE",
    "MAX_STEPS",
    "MiniPyError",
    "MiniPyImportError",
    "binary_op",
    "call_method",
    "check_format_spec",
    "compare",
    "short_repr",
]

MAX_STEPS = 100_000
MAX_DEPTH = 50
MAX_SIZE = 1_000_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 1_000
MAX_INT_STR_DIGITS = 4_300
CHARGE_UNIT = 256


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
        """Spend extra steps proportional to the size of large strings and containers."""
        cost = sum(len(value) // CHARGE_UNIT for value in values if isinstance(value, Sized))
        if cost:
            self.tick(cost)

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
    return _REPR.repr(value)


# ---- operators -------------------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
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

_SEQUENCES = (str, list, tuple)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _too_large(what: str) -> MiniPyError:
    return MiniPyError(f"{what} would be too large for the test runner")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES) and len(left) + len(right) > MAX_SIZE:
        raise _too_large("the result of '+'")


def _check_mult(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, _SEQUENCES) and _is_int(count) and len(seq) * max(count, 0) > MAX_SIZE:
            raise _too_large("the result of '*'")
    if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise _too_large("the integer result of '*'")


def _check_pow(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        if exponent > MAX_INT_BITS or base.bit_length() * exponent > MAX_INT_BITS:
            raise _too_large("the result of '**'")


def _check_lshift(value: Any, shift: Any) -> None:
    if _is_int(value) and _is_int(shift) and shift > 0 and value.bit_length() + shift > MAX_INT_BITS:
        raise _too_large("the result of '<<'")


def _check_percent(template: Any, _args: Any) -> None:
    if not isinstance(template, str):
        return
    for match in _PERCENT_SPEC.finditer(template):
        for part in match.groups():
            if part == "*" or (part and int(part) > MAX_FORMAT_WIDTH):
                raise _too_large("the '%' formatted string")


_CHECKS: dict[type[ast.operator], Callable[[Any, Any], None]] = {
    ast.Add: _check_add,
    ast.Mult: _check_mult,
    ast.Pow: _check_pow,
    ast.LShift: _check_lshift,
    ast.Mod: _check_percent,
}


def binary_op(op: ast.operator, left: Any, right: Any) -> Any:
    """Apply a binary operator after checking that the result stays small.

    Args:
        op: The ast operator node (e.g. ``ast.Add()``).
        left: Left operand.
        right: Right operand.
    """
    function = _BINARY.get(type(op))
    if function is None:
        raise MiniPyError(f"operator {type(op).__name__} is not supported by the test runner")
    check = _CHECKS.get(type(op))
    if check is not None:
        check(left, right)
    return function(left, right)


def compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Evaluate one comparison operator.

    Args:
        op: The ast comparison node (e.g. ``ast.Eq()``).
        left: Left operand.
        right: Right operand.
    """
    return bool(_COMPARE[type(op)](left, right))


def check_format_spec(spec: str) -> None:
    """Refuse f-string format specs whose width or precision could allocate huge strings.

    Args:
        spec: The evaluated format spec, e.g. ">10" or ".2f".
    """
    if any(int(number) > MAX_FORMAT_WIDTH for number in re.findall(r"\d+", spec)):
        raise _too_large(f"the formatted value (spec {spec[:20]!r})")


# ---- builtins --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Builtin:
    """A builtin function visible to interpreted code; `py_type` backs `isinstance`."""

    name: str
    function: Callable[..., Any]
    py_type: type | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in {self.name}>"


def _range(*args: Any) -> range:
    result = range(*args)
    try:
        length = len(result)
    except OverflowError:
        length = MAX_SIZE + 1
    if length > MAX_SIZE:
        raise _too_large("range()")
    return result


def _int(value: Any = 0, *base: Any) -> int:
    if isinstance(value, str) and len(value.strip()) > MAX_INT_STR_DIGITS:
        raise ValueError(f"int(): string of {len(value)} characters is too long")
    return int(value, *base)


def _sum(items: Iterable[Any], start: Any = 0) -> Any:
    if not isinstance(start, (int, float)):
        raise TypeError("sum() start must be a number in the test runner")
    return sum(items, start)


def _isinstance(value: Any, kinds: Any) -> bool:
    options = kinds if isinstance(kinds, tuple) else (kinds,)
    types = []
    for kind in options:
        if not isinstance(kind, Builtin) or kind.py_type is None:
            raise TypeError("isinstance() arg 2 must be a type or tuple of types")
        types.append(kind.py_type)
    return isinstance(value, tuple(types))


def _print(*_args: Any, **_kwargs: Any) -> None:
    return None


def _listing(function: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    def wrapper(*args: Any, **kwargs: Any) -> list[Any]:
        return list(function(*args, **kwargs))

    return wrapper


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len, "abs": abs, "min": min, "max": max, "sum": _sum, "round": round, "sorted": sorted,
    "range": _range, "isinstance": _isinstance, "any": any, "all": all, "divmod": divmod,
    "enumerate": _listing(enumerate), "zip": _listing(zip), "reversed": _listing(reversed),
    "print": _print,
}
_TYPES: dict[str, tuple[Callable[..., Any], type]] = {
    "int": (_int, int), "float": (float, float), "str": (str, str), "bool": (bool, bool),
    "list": (list, list), "dict": (dict, dict), "tuple": (tuple, tuple), "set": (set, set),
}
_EXCEPTIONS: tuple[type[Exception], ...] = (
    Exception, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, RuntimeError,
    AssertionError, NotImplementedError, ArithmeticError, LookupError,
)

BUILTINS: dict[str, Builtin] = {
    **{name: Builtin(name, function) for name, function in _FUNCTIONS.items()},
    **{name: Builtin(name, function, kind) for name, (function, kind) in _TYPES.items()},
    **{kind.__name__: Builtin(kind.__name__, kind, kind) for kind in _EXCEPTIONS},
}


# ---- methods ---------------------------------------------------------------------------------

_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        "lower upper strip lstrip rstrip split rsplit splitlines join replace startswith endswith find rfind "
        "index rindex count isdigit isalpha isalnum isspace isupper islower isnumeric isdecimal title "
        "capitalize casefold swapcase removeprefix removesuffix partition rpartition zfill center ljust "
        "rjust".split()
    ),
    list: frozenset("append extend insert pop remove index count sort reverse copy clear".split()),
    dict: frozenset("get keys values items pop popitem setdefault update copy clear".split()),
    set: frozenset(
        "add discard remove pop union intersection difference symmetric_difference issubset issuperset "
        "isdisjoint update copy clear".split()
    ),
    tuple: frozenset(["index", "count"]),
}


def _guard_join(text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    items = list(args[0]) if args else []
    total = sum(len(item) for item in items if isinstance(item, str)) + len(text) * max(len(items) - 1, 0)
    if total > MAX_SIZE:
        raise _too_large("the result of str.join()")
    return (items, *args[1:])


def _guard_replace(text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        if len(args) > 2 and _is_int(args[2]) and args[2] >= 0:
            count = min(count, args[2])
        if len(text) + count * (len(args[1]) - len(args[0])) > MAX_SIZE:
            raise _too_large("the result of str.replace()")
    return args


def _guard_width(_text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if args and _is_int(args[0]) and args[0] > MAX_SIZE:
        raise _too_large("the padded string")
    return args


def _guard_extend(items: list[Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    extra = list(args[0]) if args else []
    if len(items) + len(extra) > MAX_SIZE:
        raise _too_large("the extended list")
    return (extra, *args[1:])


_GUARDS: dict[tuple[type, str], Callable[[Any, tuple[Any, ...]], tuple[Any, ...]]] = {
    (str, "join"): _guard_join,
    (str, "replace"): _guard_replace,
    (str, "zfill"): _guard_width,
    (str, "center"): _guard_width,
    (str, "ljust"): _guard_width,
    (str, "rjust"): _guard_width,
    (list, "extend"): _guard_extend,
}


def call_method(obj: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call a whitelisted method on a plain str/list/dict/set/tuple value.

    Args:
        obj: The receiver.
        name: Method name; must be in the whitelist for the receiver's exact type.
        args: Positional arguments (already evaluated).
        kwargs: Keyword arguments (already evaluated).
    """
    kind = type(obj)
    if name not in _METHODS.get(kind, frozenset()):
        raise MiniPyError(f"method '.{name}()' of {kind.__name__} values is not supported by the test runner")
    guard = _GUARDS.get((kind, name))
    if guard is not None:
        args = guard(obj, args)
    return getattr(obj, name)(*args, **kwargs)
