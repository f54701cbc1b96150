"""The errors regkg raises: one module, a shallow hierarchy."""

from __future__ import annotations

from dataclasses import dataclass


class RegkgError(Exception):
    """Base of every error regkg raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, where it is and what it is."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataValidationError(RegkgError):
    """The data set has problems; every one of them is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data:\n{lines}")


class NodeNotFound(RegkgError, LookupError):
    """No node has that id."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        super().__init__(f"no entity with id {node_id!r}")


class NoMatch(RegkgError, LookupError):
    """No node of a kind has a name close to the text."""

    def __init__(self, kind: str, text: str, closest: list[str] | None = None) -> None:
        self.kind = kind
        self.text = text
        self.closest = closest or []
        hint = f"; closest: {', '.join(self.closest)}" if self.closest else ""
        super().__init__(f"no {kind} matches {text!r}{hint}")


class WrongKind(RegkgError, ValueError):
    """A node exists but is not of the kind a query needs."""

    def __init__(self, node_id: str, expected: str) -> None:
        self.node_id = node_id
        self.expected = expected
        super().__init__(f"{node_id!r} is not a {expected}")


class NoPath(RegkgError):
    """Two nodes are not connected."""
