"""What every resolver receives: the loaded graph, typed."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from graph.build import KnowledgeGraph


@dataclass(frozen=True)
class Context:
    kg: KnowledgeGraph


Info = strawberry.Info[Context, None]
