"""The errors regkg raises: one module, a shallow hierarchy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Text a client sent is echoed in messages and logs at most this long.
LONGEST_ECHO: Final = 80


def cut(text: str, longest: int = LONGEST_ECHO) -> str:
    """`text` as echoed back in a message or a log: at most `longest` characters.

    >>> cut("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= longest else text[: longest - 1] + "…"


class RegkgError(Exception):
    """Base of every error regkg raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, where it is and what it is. A `root_cause` (a file
    that cannot be read or parsed, data too large) hides records, so other problems may
    only follow from it."""

    file: str
    line: int
    message: str
    root_cause: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataValidationError(RegkgError):
    """The data set has problems; every one of them is listed, root causes first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (not p.root_cause, p))
        count = len(self.problems)
        causes = sum(p.root_cause for p in self.problems)
        lines = [str(p) for p in self.problems]
        if causes and causes < count:
            lines.insert(causes, "then, possibly because of the above:")
            lines.insert(0, "fix these first:")
        text = "\n".join(lines)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data:\n{text}")


class NodeNotFound(RegkgError, LookupError):
    """No node has that id."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        super().__init__(f"no entity with id {cut(node_id)!r}")


class NoMatch(RegkgError, LookupError):
    """No node of a kind has a name close to the text."""

    def __init__(self, kind: str, text: str, closest: list[str] | None = None) -> None:
        self.kind = kind
        self.text = text
        self.closest = closest or []
        hint = f"; closest: {', '.join(self.closest)}" if self.closest else ""
        super().__init__(f"no {kind} matches {cut(text)!r}{hint}")


class WrongKind(RegkgError, ValueError):
    """A node exists but is not of the kind a query needs."""

    def __init__(self, node_id: str, expected: str) -> None:
        self.node_id = node_id
        self.expected = expected
        super().__init__(f"{cut(node_id)!r} is not a {expected}")


class NeedsJurisdiction(RegkgError, ValueError):
    """A status asked for without a jurisdiction, where regulators differ."""

    def __init__(self, substance: str, jurisdictions: list[str]) -> None:
        self.jurisdictions = jurisdictions
        super().__init__(
            f"{substance} has regulatory actions in {' and '.join(jurisdictions)}: "
            "give a jurisdiction"
        )


class NoPath(RegkgError):
    """Two nodes are not connected."""
