"""Near spellings: the names a few letters away from what a reader typed, looked for among
the names that share enough of its three-letter pieces, so that a misspelling costs those
candidates, not a comparison with every name in the graph.

>>> near = NearSpellings([(0, "psilocybin", "substance"), (1, "ketamine", "substance")])
>>> near.find("psilocybn", (), 40, cutoff=80.0)
[(0, 94.73684210526316)]
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Final

from rapidfuzz import fuzz, process

# A name is a candidate when it shares at least this share of the query's pieces: a word
# with a letter dropped, added or changed keeps most of its pieces.
SHARED: Final = 1 / 3
# At most this many entries of the piece index are read for one query, and at most this
# many distinct names compared with it (those sharing the most pieces): a query made of
# the commonest pieces costs no more than a rare one.
MAX_READ: Final = 6000
MAX_CANDIDATES: Final = 1000


def pieces(norm: str) -> set[str]:
    """The three-letter pieces of a normalised name, padded so that its start counts most.

    >>> sorted(pieces("mdma"))
    ['  m', ' md', 'dma', 'ma ', 'mdm']
    """
    padded = f"  {norm} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NearSpellings:
    """Distinct (name, kind) pairs, the pieces each is made of, and the entries holding each."""

    def __init__(self, pool: Iterable[tuple[int, str, str]]) -> None:
        """`pool`: (entry index, normalised name, kind of its node), entry indices ascending."""
        key_of: dict[tuple[str, str], int] = {}
        self._norms: list[str] = []
        self._kinds: list[str] = []
        members: list[list[int]] = []
        for index, norm, kind in pool:
            key = key_of.get((norm, kind))
            if key is None:
                key = key_of[(norm, kind)] = len(self._norms)
                self._norms.append(norm)
                self._kinds.append(kind)
                members.append([])
            members[key].append(index)
        # The entries of each name, flat: those of name k are _entries[_starts[k]:_starts[k+1]].
        self._entries = array("I", (index for found in members for index in found))
        self._starts = array("I", [0])
        for found in members:
            self._starts.append(self._starts[-1] + len(found))
        postings: dict[str, dict[str, list[int]]] = {}
        for key, norm in enumerate(self._norms):
            by_piece = postings.setdefault(self._kinds[key], {})
            for piece in pieces(norm):
                by_piece.setdefault(piece, []).append(key)
        self._postings = {kind: _Postings(by_piece) for kind, by_piece in postings.items()}

    def __eq__(self, other: object) -> bool:
        """Equal when built from the same names (a snapshot's copy equals the original)."""
        return isinstance(other, NearSpellings) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def find(
        self, query: str, kinds: Collection[str], per_kind: int, cutoff: float
    ) -> list[tuple[int, float]]:
        """(entry index, similarity) of the entries whose name is at least `cutoff` similar
        to `query` (rapidfuzz's ratio), best first, ties by entry index: at most `per_kind`
        of each of `kinds`, or `per_kind` in all when no kind is given."""
        wanted = [k for k in kinds if k in self._postings] if kinds else list(self._postings)
        candidates = self._candidates(query, wanted)
        norms = [self._norms[key] for key in candidates]
        levels: dict[float, list[int]] = {}  # the names at each similarity
        for _, score, position in process.extract(
            query, norms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            levels.setdefault(float(score), []).append(candidates[position])
        pools = len(wanted) if kinds else 1
        taken: dict[str, int] = {}
        best: list[tuple[int, float]] = []
        for score in sorted(levels, reverse=True):
            # Within one similarity, entries in index order: merged from each name's own.
            for index, pool in heapq.merge(
                *(self._holding(key, kinds, per_kind) for key in levels[score])
            ):
                if taken.get(pool, 0) < per_kind:
                    taken[pool] = taken.get(pool, 0) + 1
                    best.append((index, score))
                elif sum(1 for n in taken.values() if n >= per_kind) == pools:
                    return best
        return best

    def _holding(
        self, key: int, kinds: Collection[str], per_kind: int
    ) -> Iterator[tuple[int, str]]:
        """The first `per_kind` entries holding name `key`, each with the pool it counts in."""
        pool = self._kinds[key] if kinds else ""
        start = self._starts[key]
        for index in self._entries[start : min(self._starts[key + 1], start + per_kind)]:
            yield index, pool

    def _candidates(self, query: str, kinds: list[str]) -> list[int]:
        """The names of `kinds` sharing at least `SHARED` of the query's pieces, as keys in
        ascending order. The pieces are read rarest first, as long as `MAX_READ` allows:
        every such name holds one of the rarest, so reading those is enough to find them
        all, and reading more only tells them apart from names sharing fewer."""
        postings = [self._postings[k] for k in kinds]
        wanted = pieces(query)
        sizes = {p: sum(len(by_piece.get(p)) for by_piece in postings) for p in wanted}
        # A name of two or three letters is 80% similar to one a letter longer or shorter
        # while sharing a single piece with it.
        shared = math.ceil(len(wanted) * SHARED) if len(query) > 3 else 1
        enough = len(wanted) - shared + 1
        counts: Counter[int] = Counter()
        budget, read = MAX_READ, 0
        for piece in sorted(wanted, key=lambda p: (sizes[p], p)):
            if read >= enough and sizes[piece] > budget:
                break
            for by_piece in postings:
                keys = by_piece.get(piece)
                counts.update(keys[:budget])
                budget -= min(len(keys), budget)
            read += 1
        # A name sharing `shared` pieces holds this many of those read.
        needed = max(1, shared - (len(wanted) - read))
        found = [key for key, count in counts.items() if count >= needed]
        if len(found) > MAX_CANDIDATES:
            found = sorted(found, key=lambda key: -counts[key])[:MAX_CANDIDATES]
        return sorted(found)


class _Postings:
    """Piece -> the keys of the names holding it, ascending: one flat array rather than
    one per piece, as an array saved on its own is unpickled through a copy of its bytes
    that is freed only at the end of the load, leaving a hole per piece."""

    def __init__(self, by_piece: dict[str, list[int]]) -> None:
        self._at = {piece: k for k, piece in enumerate(by_piece)}
        self._keys = array("I")
        self._starts = array("I", [0])
        for keys in by_piece.values():
            self._keys.extend(keys)
            self._starts.append(len(self._keys))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Postings) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def get(self, piece: str) -> Sequence[int]:
        """The keys holding `piece` (a view, not a copy); empty when none does."""
        k = self._at.get(piece)
        if k is None:
            return ()
        return memoryview(self._keys)[self._starts[k] : self._starts[k + 1]]
