"""The typical questions the benchmark asks: each GraphQL document, the plain graph/
functions that compute the same answer (what the plain starlette + orjson endpoint
serves), and how to pick distinct variables for it from a loaded graph."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from graph import lookup, paths, provenance, selection
from graph.build import KnowledgeGraph
from graph.model import KINDS, triples
from graph.vocab import ActionKind, TrialPhase, TrialStatus, UsSchedule

PAGE: Final = 100

Variables: TypeAlias = dict[str, str | None]
PlainQuery: TypeAlias = Callable[[KnowledgeGraph, Variables], object]


@dataclass(frozen=True)
class Target:
    """One of the latency targets, checked against the uncached HTTP p50, and the most
    the uncached p50 may be over the plain endpoint's."""

    label: str
    p50_ms: float
    max_ratio: float


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    plain: PlainQuery
    target: Target | None = None


SUBSTANCE_QUERY: Final = """
query OneSubstance($id: String!) {
  substance(id: $id) {
    regkgId name synonyms usSchedule
    sources { quote source { regkgId title url } }
    actions {
      regkgId action date summary jurisdiction { regkgId code }
      sources { quote source { regkgId title url } }
    }
  }
}
"""

TRIAL_QUERY: Final = """
query OneTrial($id: String!) {
  trial(id: $id) {
    regkgId registryId title phase status start
    sponsor { regkgId name }
    substances { regkgId name }
    conditions { regkgId name }
    sources { quote source { regkgId title url } }
  }
}
"""

TRIAL_PAGE_QUERY: Final = """
query TrialPage($after: String) {
  trials(first: 100, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      regkgId registryId title phase status start
      conditions { regkgId name }
      substances { regkgId name }
      sources { quote source { regkgId title url } }
    }
  }
}
"""

NEIGHBOURHOOD_QUERY: Final = """
query Around($id: String!) {
  neighborhood(id: $id, depth: 2) {
    nodes { __typename regkgId }
    edges { source target relation }
  }
}
"""

SEARCH_QUERY: Final = """
query Find($text: String!) {
  search(text: $text, first: 10) { nodes { kind label matched score node { regkgId } } }
}
"""


def _names(values: Iterable[str]) -> dict[str, str]:
    """Value -> GraphQL enum name, looked up as graphql-core looks it up to write an enum."""
    return {str(v): str(v).upper() for v in values}


# What the API answers for a stored value: enums by their GraphQL names (`usSchedule:
# "SCHEDULE_I"`, `relation: "TESTS"`), every node by the name of its GraphQL type.
ACTION_KIND: Final = _names(ActionKind)
US_SCHEDULE: Final = _names(UsSchedule)
TRIAL_PHASE: Final = _names(TrialPhase)
TRIAL_STATUS: Final = _names(TrialStatus)
RELATION: Final = _names({relation for _, relation, _ in triples()})
KIND: Final = _names(KINDS)
TYPE_NAME: Final = {
    kind: "RegulatoryAction" if kind == "action" else kind.capitalize() for kind in KINDS
}


def _enum(names: Mapping[str, str], value: object) -> str | None:
    return None if value is None else names[str(value)]


def _text(value: str | None) -> str:
    if value is None:
        raise ValueError("this query needs a variable that was not given")
    return value


def _citations(kg: KnowledgeGraph, node_id: str) -> list[dict[str, object]]:
    # What the API reads for `sources { quote source { regkgId title url } }`: the ranked
    # citations and each cited source's record, nothing more.
    found: list[dict[str, object]] = []
    nodes = lookup.attributes(kg)
    for citation in provenance.ranked_citations(kg, node_id):
        source = nodes[citation.source]
        found.append(
            {
                "quote": citation.quote,
                "source": {
                    "regkgId": citation.source,
                    "title": source["title"],
                    "url": source.get("url"),
                },
            }
        )
    return found


def _as_tuple(value: object) -> tuple[object, ...]:
    """A reference or list field as a tuple: absent is empty, one value is one item."""
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _named(kg: KnowledgeGraph, ids: object) -> list[dict[str, object]]:
    nodes = lookup.attributes(kg)
    return [{"regkgId": i, "name": nodes[str(i)]["name"]} for i in _as_tuple(ids)]


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def plain_substance(kg: KnowledgeGraph, variables: Variables) -> object:
    substance = _text(variables["id"])
    attrs = lookup.node(kg, substance)
    nodes = lookup.attributes(kg)
    actions = []
    for action in selection.actions(kg, substance=substance):
        found = nodes[action]
        actions.append(
            {
                "regkgId": action,
                "action": ACTION_KIND[found["action"]],
                "date": _optional_text(found.get("date")),
                "summary": found["summary"],
                "jurisdiction": {
                    "regkgId": found["jurisdiction"],
                    "code": nodes[found["jurisdiction"]]["code"],
                },
                "sources": _citations(kg, action),
            }
        )
    answer = {
        "regkgId": substance,
        "name": attrs["name"],
        "synonyms": list(_as_tuple(attrs.get("synonyms"))),
        "usSchedule": _enum(US_SCHEDULE, attrs.get("us_schedule")),
        "sources": _citations(kg, substance),
        "actions": actions,
    }
    return {"substance": answer}


def _trial_fields(trial: str, attrs: Mapping[str, object]) -> dict[str, object]:
    return {
        "regkgId": trial,
        "registryId": attrs["registry_id"],
        "title": attrs["title"],
        "phase": _enum(TRIAL_PHASE, attrs.get("phase")),
        "status": _enum(TRIAL_STATUS, attrs.get("status")),
        "start": _optional_text(attrs.get("start")),
    }


def plain_trial(kg: KnowledgeGraph, variables: Variables) -> object:
    trial = _text(variables["id"])
    attrs = lookup.node(kg, trial)
    answer = {
        **_trial_fields(trial, attrs),
        "sponsor": next(iter(_named(kg, attrs.get("sponsor"))), None),
        "substances": _named(kg, attrs.get("substances")),
        "conditions": _named(kg, attrs.get("conditions")),
        "sources": _citations(kg, trial),
    }
    return {"trial": answer}


def cursor(offset: int) -> str:
    """A page cursor in the API's format (schema.relay): the item to continue after."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _start_after(value: str | None) -> int:
    if value is None:
        return 0
    return int(base64.urlsafe_b64decode(value.encode()).decode().partition(":")[2]) + 1


def plain_trial_page(kg: KnowledgeGraph, variables: Variables) -> object:
    # The API's default order, read as far as the page goes, as the API reads it: not a
    # copy of every trial id.
    ids = selection.ordered_trials(kg)
    start = _start_after(variables.get("after"))
    page = []
    for trial in ids[start : start + PAGE]:
        attrs = kg.node(trial)
        page.append(
            {
                **_trial_fields(trial, attrs),
                "conditions": _named(kg, attrs.get("conditions")),
                "substances": _named(kg, attrs.get("substances")),
                "sources": _citations(kg, trial),
            }
        )
    end = start + len(page) - 1
    answer = {
        "totalCount": len(ids),
        "pageInfo": {"endCursor": cursor(end), "hasNextPage": end + 1 < len(ids)},
        "nodes": page,
    }
    return {"trials": answer}


def plain_neighbourhood(kg: KnowledgeGraph, variables: Variables) -> object:
    nodes, edges = paths.neighbourhood(kg, _text(variables["id"]), depth=2)
    found = lookup.attributes(kg)
    answer = {
        "nodes": [{"__typename": TYPE_NAME[found[n]["kind"]], "regkgId": n} for n in nodes],
        "edges": [{"source": s, "target": t, "relation": RELATION[r]} for s, t, r in edges],
    }
    return {"neighborhood": answer}


def plain_search(kg: KnowledgeGraph, variables: Variables) -> object:
    answer = {
        "nodes": [
            {
                "kind": KIND[hit.kind],
                "label": hit.label,
                "matched": hit.matched,
                "score": hit.score,
                "node": {"regkgId": hit.id},
            }
            for hit in kg.names.search(_text(variables["text"]), limit=10)
        ]
    }
    return {"search": answer}


ACTIONS_PAGE_QUERY: Final = """
query NewestActions($after: String) {
  regulatoryActions(order: DATE_DESC, first: 100, after: $after) {
    pageInfo { endCursor hasNextPage }
    nodes { regkgId action date summary jurisdiction { regkgId code } }
  }
}
"""


def plain_actions_page(kg: KnowledgeGraph, variables: Variables) -> object:
    """A page of every action newest first, from the order kept since loading: the page
    costs a page, at any size of graph."""
    ids = kg.indexes.actions.newest()
    start = _start_after(variables.get("after"))
    page = [
        {
            "regkgId": action,
            "action": str(attrs["action"]).upper(),
            "date": _optional_text(attrs.get("date")),
            "summary": attrs.get("summary"),
            "jurisdiction": {"regkgId": attrs["jurisdiction"], "code": jurisdiction["code"]},
        }
        for action in ids[start : start + PAGE]
        for attrs in (kg.node(action),)
        for jurisdiction in (kg.node(attrs["jurisdiction"]),)
    ]
    end = start + len(page) - 1
    answer = {
        "pageInfo": {"endCursor": cursor(end), "hasNextPage": end + 1 < len(ids)},
        "nodes": page,
    }
    return {"regulatoryActions": answer}


ONE_ENTITY: Final = Target("one entity", 2.0, 3.0)
CASES: Final = (
    Case("substance + actions + sources", SUBSTANCE_QUERY, plain_substance, ONE_ENTITY),
    Case("trial + refs + sources", TRIAL_QUERY, plain_trial, ONE_ENTITY),
    Case(
        "page of 100 trials + sources",
        TRIAL_PAGE_QUERY,
        plain_trial_page,
        Target("page of 100", 20.0, 5.0),
    ),
    Case(
        "two-hop neighbourhood",
        NEIGHBOURHOOD_QUERY,
        plain_neighbourhood,
        Target("two-hop neighbourhood", 6.0, 3.0),
    ),
    Case("search (10 hits)", SEARCH_QUERY, plain_search),
    Case("page of 100 actions, newest first", ACTIONS_PAGE_QUERY, plain_actions_page),
)


def _sample(rng: random.Random, population: Sequence[str], count: int) -> list[str]:
    return rng.sample(list(population), k=min(count, len(population)))


def _search_texts(kg: KnowledgeGraph, rng: random.Random, count: int) -> list[str]:
    """What readers type: exact names, the first words of a name, and misspellings
    (which fall through to the fuzzy scan)."""
    names = [str(kg.node(s)["name"]) for s in kg.by_kind["substance"]]
    conditions = [str(kg.node(c)["name"]) for c in kg.by_kind["condition"]]
    texts: list[str] = []
    for i in range(count * 3):  # bounded: duplicates are dropped below
        if i % 3 == 0:
            texts.append(rng.choice(names))
        elif i % 3 == 1:
            texts.append(" ".join(rng.choice(conditions).split()[:2]))
        else:
            name = rng.choice(names)
            cut = rng.randrange(1, len(name) - 1)
            texts.append(name[:cut] + name[cut + 1 :])  # one letter dropped
    return list(dict.fromkeys(texts))[:count]


def variables(kg: KnowledgeGraph, count: int, load: int, seed: int) -> dict[str, list[Variables]]:
    """Up to `count` distinct variable sets per case, by case name; and under "load", up to
    `load` trial ids that no case uses, for the many-connection runs (each a cache miss)."""
    rng = random.Random(seed)
    trials = list(kg.by_kind["trial"])
    rng.shuffle(trials)
    last_page = max(len(trials) - PAGE, 1)
    offsets = rng.sample(range(last_page), k=min(count, last_page))
    return {
        CASES[0].name: [{"id": s} for s in _sample(rng, kg.by_kind["substance"], count)],
        CASES[1].name: [{"id": t} for t in trials[:count]],
        CASES[2].name: [{"after": cursor(o)} for o in offsets],
        CASES[3].name: [{"id": s} for s in _sample(rng, kg.by_kind["substance"], count)],
        CASES[4].name: [{"text": t} for t in _search_texts(kg, rng, count)],
        CASES[5].name: [
            {"after": cursor(o)}
            for o in rng.sample(
                range(len(kg.by_kind["action"])), k=min(count, len(kg.by_kind["action"]))
            )
        ],
        "load": [{"id": t} for t in trials[count : count + load]],
    }
