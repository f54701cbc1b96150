"""What regkg covers: per topic (a substance, a jurisdiction), when it was last reviewed
against its sources, what is known to be missing, and how much it holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.indexes import ACTIONS_VIA
from graph.lookup import node
from graph.records import action_date

TOPIC_KINDS: Final = tuple(ACTIONS_VIA)


@dataclass(frozen=True, slots=True)
class TopicCoverage:
    topic: str
    reviewed: PartialDate | None  # when curators last checked the topic against its sources
    gaps: tuple[str, ...]  # what they know to be missing
    actions: int  # regulatory and legal actions recorded on it
    newest_action: str | None  # the newest dated one

    @property
    def covered(self) -> bool:
        """Whether regkg says anything on the topic: it was reviewed, or holds actions."""
        return self.reviewed is not None or self.actions > 0


def topic_coverage(kg: KnowledgeGraph, topic: str) -> TopicCoverage:
    """The coverage of one substance or jurisdiction."""
    attrs = node(kg, topic)
    actions, newest = kg.indexes.topics[topic]  # counted when the graph was built
    reviewed, gaps = attrs.get("reviewed"), attrs.get("gaps")
    return TopicCoverage(
        topic,
        reviewed if isinstance(reviewed, PartialDate) else None,
        tuple(map(str, gaps)) if isinstance(gaps, tuple) else (),
        actions,
        newest,
    )


def coverage(kg: KnowledgeGraph, kind: str) -> list[TopicCoverage]:
    """The coverage of every topic of `kind` (substance or jurisdiction), by name."""
    return [topic_coverage(kg, topic) for topic in kg.by_label[kind]]


def coverage_lines(kg: KnowledgeGraph) -> list[str]:
    """Coverage per topic, for the command line: reviewed date, actions, newest, gaps."""
    out = []
    for kind in TOPIC_KINDS:
        out.append(f"coverage by {kind} (reviewed, actions, newest dated action):")
        for found in coverage(kg, kind):
            attrs = kg.node(found.topic)
            name = (
                f"{attrs['label']} ({attrs['code']})" if kind == "jurisdiction" else attrs["label"]
            )
            newest = (
                f"{action_date(kg.node(found.newest_action))} {found.newest_action}"
                if found.newest_action
                else "-"
            )
            reviewed = str(found.reviewed) if found.reviewed else "not reviewed"
            out.append(f"  {name:<32}{reviewed:<14}{found.actions:>5}  {newest}")
            out += [f"      gap: {gap}" for gap in found.gaps]
    return out
