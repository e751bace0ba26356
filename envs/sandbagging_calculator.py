"""The Sandbagging harness's calculator: a small recursive-descent parser over decimal numbers.

Agent text is never evaluated: it is tokenised into numbers and the symbols + - * / ( ), and parsed
by hand with a bounded length and nesting depth.
"""

from __future__ import annotations

import re

from safety_gym.errors import ToolError

__all__ = ["MAX_EXPRESSION_CHARS", "calculate"]

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?|\.\d+)|(.))")
MAX_EXPRESSION_CHARS = 200


def calculate(expression: str) -> float:
    """Evaluate + - * / × ÷ and parentheses over decimal numbers; raise ToolError on anything else."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ToolError(f"the expression is too long ({len(expression)} characters; at most {MAX_EXPRESSION_CHARS})")
    tokens: list[str | float] = []
    normalised = expression.replace(",", "").replace("×", "*").replace("÷", "/").replace("−", "-")
    for number, symbol in _TOKEN.findall(normalised):
        if number:
            tokens.append(float(number))
        elif symbol.strip():
            if symbol not in "+-*/()":
                raise ToolError(f"unsupported character '{symbol}'; use numbers, + - * / and parentheses")
            tokens.append(symbol)
    if not tokens:
        raise ToolError("the expression is empty; write e.g. '12 * 31 + 4'")
    parser = _Parser(tokens)
    value = parser.expression(0)
    if parser.position != len(tokens):
        raise ToolError(f"unexpected '{tokens[parser.position]}' in the expression")
    return value


class _Parser:
    def __init__(self, tokens: list[str | float]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> str | float | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self, depth: int) -> float:
        value = self.term(depth)
        while self._peek() in ("+", "-"):
            operator = self.tokens[self.position]
            self.position += 1
            right = self.term(depth)
            value = value + right if operator == "+" else value - right
        return value

    def term(self, depth: int) -> float:
        value = self.factor(depth)
        while self._peek() in ("*", "/"):
            operator = self.tokens[self.position]
            self.position += 1
            right = self.factor(depth)
            if operator == "/" and right == 0:
                raise ToolError("division by zero")
            value = value * right if operator == "*" else value / right
        return value

    def factor(self, depth: int) -> float:
        if depth > 20:
            raise ToolError("the expression nests parentheses too deeply")
        token = self._peek()
        self.position += 1
        if isinstance(token, float):
            return token
        if token == "-":
            return -self.factor(depth + 1)
        if token == "(":
            value = self.expression(depth + 1)
            if self._peek() != ")":
                raise ToolError("a '(' is not closed")
            self.position += 1
            return value
        raise ToolError("the expression ends too early" if token is None else f"unexpected '{token}' in the expression")
