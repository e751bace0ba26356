"""Builtin functions and the method whitelist available to minipy programs.

Interpreted code reaches Python only through this module: a few pure builtin functions and a
whitelist of methods on plain data types, with guards against results that would be too large.
Nothing here performs I/O or exposes Python objects beyond plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from typing import Any

from safety_gym.world.minipy_lib import (
    CHARGE_UNIT,
    MAX_INT_STR_DIGITS,
    MAX_SIZE,
    MiniPyError,
    is_int,
    too_large,
)

__all__ = ["BUILTINS", "CONSTANT_TIME_BUILTINS", "RETURNS_EXISTING", "Builtin", "call_method", "method_cost"]


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
        raise too_large("range()")
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

CONSTANT_TIME_BUILTINS = frozenset("len isinstance bool abs round divmod print range int float".split())
RETURNS_EXISTING = frozenset("min max get pop popitem setdefault".split())

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
        raise too_large("the result of str.join()")
    return (items, *args[1:])


def _guard_replace(text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        if len(args) > 2 and is_int(args[2]) and args[2] >= 0:
            count = min(count, args[2])
        if len(text) + count * (len(args[1]) - len(args[0])) > MAX_SIZE:
            raise too_large("the result of str.replace()")
    return args


def _guard_width(_text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if args and is_int(args[0]) and args[0] > MAX_SIZE:
        raise too_large("the padded string")
    return args


def _guard_extend(items: list[Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    extra = list(args[0]) if args else []
    if len(items) + len(extra) > MAX_SIZE:
        raise too_large("the extended list")
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


_SCANNING_METHODS = frozenset("count index rindex find rfind remove insert sort reverse issubset issuperset".split())


def method_cost(obj: Any, name: str) -> int:
    """Extra steps charged for a method that scans its receiver without producing a large result.

    Args:
        obj: The receiver.
        name: The method name.
    """
    return len(obj) // CHARGE_UNIT if name in _SCANNING_METHODS and isinstance(obj, Sized) else 0


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
