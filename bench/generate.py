"""Write a synthetic regkg data set shaped like the curated one in data/, for benchmarks.

    python bench/generate.py --nodes 100000 --out bench/data/n100000-s0 [--seed 0]

The records use the curated YAML format and every kind of record: many sources,
trials, claims and regulatory actions; fewer substances, conditions and organisations;
every fact cited, every reference resolvable, every pair of dates in order, so that
`python -m graph validate DIR` passes. The same (nodes, seed) always gives the same
bytes. Popularity is skewed (a few substances, conditions and sources are referenced far
more than the rest, as MDMA and the seed article are in the real data), so lookups meet
both hubs and a long tail.

YAML is written with string formatting, not `yaml.dump`, because dumping 100 000 records
through PyYAML takes minutes; every free-text value is double-quoted so that no word can
be read as YAML syntax.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, TypeAlias

if not __package__:  # run as `python bench/generate.py`: make `graph` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.model import KINDS, FieldType
from graph.quotes import IDENTIFIER_FIELDS

# Bump when the output changes, so that run.py regenerates instead of reusing old sets.
GENERATOR_VERSION: Final = 3
# Written last: a directory holding it is a complete set made by this generator.
MARKER: Final = "bench-dataset.json"
RECORDS_PER_FILE: Final = 2500

# Share of the records per kind; sources take the rest. The curated data is a third
# sources, a quarter claims and a tenth actions; trials are few there only because
# curation has just begun, and a registry-scale graph is dominated by them.
SHARES: Final[dict[str, float]] = {
    "organisation": 0.03,
    "substance": 0.01,
    "condition": 0.015,
    "target": 0.005,
    "trial": 0.22,
    "action": 0.14,
    "event": 0.02,
    "effect": 0.03,
    "claim": 0.18,
    "conflict": 0.03,
}
# Enough of each kind for every reference to have somewhere to point.
MINIMUM: Final[dict[str, int]] = {"organisation": 8, "claim": 3, "source": 10}

# (slug, name, abbreviation, jurisdiction, share of actions)
REGULATORS: Final = (
    ("fda", "U.S. Food and Drug Administration", "FDA", "jurisdiction:US", 0.45),
    ("ema", "European Medicines Agency", "EMA", "jurisdiction:EU", 0.15),
    ("tga", "Therapeutic Goods Administration", "TGA", "jurisdiction:AU", 0.1),
    ("mhra", "Medicines and Healthcare products Regulatory Agency", "MHRA", "jurisdiction:GB", 0.1),
    ("health-canada", "Health Canada", "HC", "jurisdiction:CA", 0.1),
    ("dea", "Drug Enforcement Administration", "DEA", "jurisdiction:US", 0.1),
)
# The jurisdictions the regulators answer to: reference records, as in data/jurisdictions.yaml.
JURISDICTIONS: Final = """\
# Jurisdictions for benchmarks, written by bench/generate.py.

- {id: jurisdiction:US, name: United States, code: US, level: country}
- {id: jurisdiction:EU, name: European Union, code: EU, level: supranational}
- {id: jurisdiction:AU, name: Australia, code: AU, level: country}
- {id: jurisdiction:GB, name: United Kingdom, code: GB, level: country}
- {id: jurisdiction:CA, name: Canada, code: CA, level: country}
"""
_JURISDICTION_NAMES: Final = dict(
    re.findall(r"id: (jurisdiction:\w+), name: ([^,]+),", JURISDICTIONS)
)

# Word lists for names: combined by index, so names are unique and searchable.
_ONSETS: Final = (
    "zo", "ka", "mi", "lu", "te", "ra", "vi", "no", "pe", "si",
    "da", "fe", "go", "hu", "ja", "be", "co", "xi", "qua", "ny",
)  # fmt: skip
_MIDDLES: Final = (
    "ra", "lo", "ven", "mi", "ta", "bri", "sa", "do", "ni", "ce",
    "pra", "lu", "tri", "mo", "xe", "fa", "gi", "ho", "zen", "ku",
)  # fmt: skip
_DRUG_ENDS: Final = ("mide", "zine", "pam", "line", "xate", "tide", "mab", "pine", "dol", "cin")
_ORG_ENDS: Final = (
    ("Therapeutics", "company"),
    ("Pharma", "company"),
    ("Biosciences", "company"),
    ("Research Foundation", "nonprofit"),
    ("University", "academic"),
    ("Institute", "academic"),
    ("Health Service", "government"),
)
_QUALIFIERS: Final = (
    "chronic", "acute", "refractory", "severe", "treatment-resistant", "late-onset",
    "early-onset", "recurrent", "persistent", "mild", "major", "atypical", "generalised",
    "secondary", "primary", "paediatric", "postpartum", "comorbid", "seasonal", "residual",
)  # fmt: skip
_FOCI: Final = (
    "depressive", "anxiety", "panic", "sleep", "eating", "pain", "stress", "mood",
    "alcohol use", "opioid use", "obsessive-compulsive", "attention", "migraine", "cluster",
    "tobacco use", "bipolar", "psychotic", "adjustment", "somatic", "cognitive", "tic",
    "grief", "trauma", "phobic", "gambling",
)  # fmt: skip
_CONDITION_NOUNS: Final = ("disorder", "syndrome", "headache", "illness")
_TARGET_NOUNS: Final = (
    ("receptor", "neurotransmitter"),
    ("transporter", "neurotransmitter"),
    ("hormone", "hormone"),
    ("cortex", "brain_region"),
    ("nucleus", "brain_region"),
)
_WORDS: Final = (
    "participants", "dose", "placebo", "therapy", "response", "remission", "safety",
    "efficacy", "symptoms", "week", "baseline", "score", "reduction", "session", "trial",
    "designation", "application", "review", "agency", "sponsor", "protocol", "results",
    "outcome", "randomised", "open-label", "follow-up", "treatment", "cohort",
)  # fmt: skip

_ENUMS: Final[dict[str, tuple[str, ...]]] = {
    "source_type": (
        "journal", "regulator", "registry", "sponsor", "press", "sponsor", "reference",
    ),
    "phase": (
        "EARLY_PHASE1", "PHASE1", "PHASE1_PHASE2", "PHASE2", "PHASE2_PHASE3", "PHASE3", "PHASE4",
    ),
    "trial_status": (
        "RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "COMPLETED", "COMPLETED",
        "TERMINATED", "WITHDRAWN", "NOT_YET_RECRUITING", "UNKNOWN", "SUSPENDED",
    ),
    "action": (
        "regulator_meeting", "designation_requested", "special_protocol_assessment",
        "breakthrough_therapy_designation", "expanded_access", "clinical_hold",
        "application_submitted", "priority_review", "advisory_committee_scheduled",
        "advisory_committee_vote", "approval", "complete_response_letter", "scheduling",
        "rescheduling",
    ),
    "disclosure": ("regulator", "sponsor", "press", "registry"),
    "claim_status": ("confirmed", "unconfirmed", "disputed", "contradicted", "superseded"),
    "event_type": ("corporate", "leadership", "financing", "publication", "retraction"),
    "schedule": ("I", "II", "III", "IV", "V", "unscheduled"),
}  # fmt: skip
_STOPPED: Final = frozenset({"TERMINATED", "WITHDRAWN", "SUSPENDED"})
_FIRST_DAY: Final = date(1990, 1, 1).toordinal()
_LAST_DAY: Final = date(2025, 12, 31).toordinal()

Fields: TypeAlias = list[tuple[str, str]]  # (field name, its value as YAML text)


def plan(nodes: int) -> dict[str, int]:
    """How many records of each kind make a set of about `nodes` records."""
    counts = {"source": 0}  # first: the order records are written in
    for kind, share in SHARES.items():
        counts[kind] = max(MINIMUM.get(kind, 1), round(nodes * share))
    counts["source"] = max(MINIMUM["source"], nodes - sum(counts.values()))
    return counts


class _Picker:
    """Picks 0..n-1 by weight; `zipf` weights 1/(i+1)**exponent: a few popular items and
    a long tail, the way a few substances and sources dominate the curated data."""

    def __init__(self, weights: Iterable[float]) -> None:
        self._cumulative = list(itertools.accumulate(weights))
        self._last = len(self._cumulative) - 1

    @classmethod
    def zipf(cls, n: int, exponent: float = 0.5) -> _Picker:
        return cls((i + 1) ** -exponent for i in range(n))

    def __call__(self, rng: random.Random) -> int:
        point = rng.random() * self._cumulative[-1]
        return min(bisect.bisect_right(self._cumulative, point), self._last)

    def distinct(self, rng: random.Random, most: int) -> list[int]:
        """Up to `most` different picks (repeats collapse, so the loop stays bounded)."""
        return list(dict.fromkeys(self(rng) for _ in range(most)))


def _coined(index: int, *parts: Sequence[str]) -> list[str]:
    """The `index`-th combination of one word from each of `parts`, spread out so that
    neighbouring indexes do not share a prefix, with a number once they run out."""
    size = 1
    for part in parts:
        size *= len(part)
    spread = (index * 7919) % size  # 7919 is prime, so this permutes 0..size-1
    words = []
    for part in reversed(parts):
        spread, digit = divmod(spread, len(part))
        words.append(part[digit])
    words.reverse()
    if index >= size:
        words.append(str(index // size + 1))
    return words


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar: nothing inside it is read as syntax."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ids(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _texts(values: Iterable[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _sentence(rng: random.Random, words: int = 8) -> str:
    picked = rng.choices(_WORDS, k=words)
    return " ".join(picked).capitalize() + "."


def _days(rng: random.Random, count: int) -> list[int]:
    """`count` ordinal days in order, so date pairs the validator compares are valid."""
    return sorted(rng.randint(_FIRST_DAY, _LAST_DAY) for _ in range(count))


def _day_text(rng: random.Random, ordinal: int) -> str:
    """A day at the precision a source might give it: mostly a day, some months, some years.

    Coarsening never breaks an order: a coarser date covers the day it came from.
    """
    day = date.fromordinal(ordinal)
    roll = rng.random()
    if roll < 0.8:
        return day.isoformat()
    return f"{day.year:04d}-{day.month:02d}" if roll < 0.95 else f"{day.year:04d}"


@dataclass(frozen=True)
class _World:
    """Every record's id and name, decided before any is written, so that a reference can
    point anywhere; and the pickers that choose what records refer to."""

    counts: dict[str, int]
    ids: dict[str, list[str]]
    names: dict[str, list[str]]
    labels: dict[str, str]  # id -> name, for the kinds with names
    pickers: dict[str, _Picker]

    @classmethod
    def create(cls, counts: dict[str, int]) -> _World:
        names = {
            "substance": [_substance_name(i) for i in range(counts["substance"])],
            "condition": [_condition_name(i) for i in range(counts["condition"])],
            "organisation": [r[1] for r in REGULATORS]
            + [_org_name(i)[0] for i in range(counts["organisation"] - len(REGULATORS))],
            "target": [_target_name(i)[0] for i in range(counts["target"])],
        }
        ids = {kind: [f"{kind}:{_slug(n)}" for n in found] for kind, found in names.items()}
        ids["organisation"][: len(REGULATORS)] = [f"organisation:{r[0]}" for r in REGULATORS]
        numbered = {"source": "doc", "action": "a", "event": "e", "effect": "f", "claim": "c"}
        for kind, prefix in numbered.items():
            ids[kind] = [f"{kind}:{prefix}{i:06d}" for i in range(counts[kind])]
        ids["trial"] = [f"trial:{_registry_id(i)}" for i in range(counts["trial"])]
        ids["conflict"] = [f"conflict:x{i:06d}" for i in range(counts["conflict"])]
        labels = {
            i: n for kind, found in names.items() for i, n in zip(ids[kind], found, strict=True)
        }
        pickers = {kind: _Picker.zipf(len(found)) for kind, found in ids.items()}
        pickers["sponsor"] = _Picker.zipf(counts["organisation"] - len(REGULATORS))
        pickers["regulator"] = _Picker(r[4] for r in REGULATORS)
        return cls(counts, ids, names, labels, pickers)

    def pick(self, kind: str, rng: random.Random) -> str:
        return self.ids[kind][self.pickers[kind](rng)]

    def pick_many(self, kind: str, rng: random.Random, most: int) -> list[str]:
        return [self.ids[kind][i] for i in self.pickers[kind].distinct(rng, most)]

    def sponsor(self, rng: random.Random) -> str:
        """An organisation that is not a regulator."""
        return self.ids["organisation"][len(REGULATORS) + self.pickers["sponsor"](rng)]

    def name_of(self, node_id: str) -> str:
        return self.labels[node_id]

    def carrier(self, node_id: str) -> str:
        """How a quote names a record, or "" for the kinds a quote is not asked to name."""
        if node_id.startswith("trial:"):
            return node_id.removeprefix("trial:")
        return self.labels.get(node_id) or _JURISDICTION_NAMES.get(node_id, "")


def _substance_name(index: int) -> str:
    return " ".join(_coined(index, _ONSETS, _MIDDLES, _DRUG_ENDS)).replace(" ", "", 2).title()


def _condition_name(index: int) -> str:
    return " ".join(_coined(index, _QUALIFIERS, _FOCI, _CONDITION_NOUNS)).capitalize()


def _org_name(index: int) -> tuple[str, str]:
    words = _coined(index, _ONSETS, _MIDDLES, [e for e, _ in _ORG_ENDS])
    end = dict(_ORG_ENDS)[words[2]]
    stem = (words[0] + words[1]).title()
    return " ".join([stem, *words[2:]]), end


def _target_name(index: int) -> tuple[str, str]:
    words = _coined(index, _ONSETS, _MIDDLES, [n for n, _ in _TARGET_NOUNS])
    kind = dict(_TARGET_NOUNS)[words[2]]
    return " ".join([(words[0] + words[1]).title(), *words[2:]]), kind


def _registry_id(index: int) -> str:
    return f"NCT{10_000_000 + index * 37:08d}"


def _citations(world: _World, rng: random.Random, kind: str, fields: Fields) -> str:
    """One to three citations whose quotes carry the values they support, as the quote check
    requires: the first supports the whole record, the others a few fields."""
    carriers = _carriers(world, kind, fields)
    count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
    lines = ["  sources:\n"]
    for index in range(count):
        keys = [k for k, _ in fields]
        if index:
            keys = rng.sample(keys, k=min(len(keys), rng.randint(1, 3)))
        carried = [carriers[k] for k in keys if k in carriers]
        quote = _sentence(rng, 10 - min(len(carried), 6))[:-1]
        lines.append(f"    - source: {world.pick('source', rng)}\n")
        lines.append(f"      quote: {_q('; '.join([quote, *carried]) + '.')}\n")
        if index:
            lines.append(f"      supports: [{', '.join(keys)}]\n")
    return "".join(lines)


def _carriers(world: _World, kind: str, fields: Fields) -> dict[str, str]:
    """For each field whose value the quote check looks for, words of a quote that carry it:
    a date or number as written, an identifier, the names of the records it refers to."""
    specs = KINDS[kind].by_name
    carriers: dict[str, str] = {}
    for key, rendered in fields:
        spec = specs.get(key)
        if spec is None:
            continue
        words: list[str] = []
        if spec.type in (FieldType.DATE, FieldType.INT) or (kind, key) in IDENTIFIER_FIELDS:
            words = [rendered.strip('"')]
        elif spec.type is FieldType.REF:
            for ref in rendered.strip("[]").split(", "):
                words += [world.carrier(ref)] if world.carrier(ref) else []
        elif spec.type is FieldType.STRUCT:  # its dated and counted parts, as written
            checked = {p.name for p in spec.parts if p.type in (FieldType.DATE, FieldType.INT)}
            words = [v for k, v in re.findall(r"(\w+): ([^\n]+)", rendered) if k in checked]
        if words:
            carriers[key] = " and ".join(words)
    return carriers


def _render(node_id: str, fields: Fields, citations: str, rng: random.Random) -> str:
    lines = [f"- id: {node_id}\n"]
    for key, value in fields:
        separator = "" if value.startswith("\n") else " "  # a block value starts its own line
        lines.append(f"  {key}:{separator}{value}\n")
    lines.append(citations)
    if rng.random() < 0.05:
        lines.append(f"  note: {_q(_sentence(rng))}\n")
    lines.append("\n")
    return "".join(lines)


def _maybe(rng: random.Random, share: float, fields: Fields, key: str, value: str) -> None:
    if rng.random() < share:
        fields.append((key, value))


# --- one function per kind: the fields of record `i` --------------------------------------


def _source(world: _World, rng: random.Random, i: int) -> Fields:
    # Every third source is a paper, so that trials have publications to point to.
    kind = "journal" if i % 3 == 0 else rng.choice(_ENUMS["source_type"])
    publisher = rng.choice(world.names["organisation"])
    fields = [
        ("url", f"https://example.org/{_slug(publisher)}/{i}"),
        ("title", _q(f"{_sentence(rng, 6)[:-1]} ({kind.replace('_', ' ')} {i})")),
        ("publisher", _q(publisher)),
        ("type", kind),
    ]
    _maybe(rng, 0.8, fields, "published", _day_text(rng, _days(rng, 1)[0]))
    _maybe(rng, 0.5, fields, "retrieved", date.fromordinal(_days(rng, 1)[0]).isoformat())
    _maybe(rng, 0.1, fields, "licence", "CC-BY-4.0")
    _maybe(rng, 0.1, fields, "sponsor_affiliated", rng.choice(("true", "false")))
    _maybe(rng, 0.05, fields, "caveat", _q(_sentence(rng)))
    return fields


def _organisation(world: _World, rng: random.Random, i: int) -> Fields:
    if i < len(REGULATORS):
        _, name, abbreviation, country, _ = REGULATORS[i]
        return [
            ("name", _q(name)),
            ("abbreviations", _texts([abbreviation])),
            ("type", "regulator"),
            ("country", country),
        ]
    name, kind = _org_name(i - len(REGULATORS))
    fields = [("name", _q(name)), ("type", kind)]
    _maybe(rng, 0.3, fields, "abbreviations", _texts(["".join(w[0] for w in name.split())]))
    _maybe(rng, 0.6, fields, "country", rng.choice(REGULATORS)[3])
    _maybe(rng, 0.5, fields, "founded", str(rng.randint(1950, 2022)))
    if i > len(REGULATORS) and rng.random() < 0.1:
        fields.append(("parent", world.ids["organisation"][rng.randrange(len(REGULATORS), i)]))
    if rng.random() < 0.05:  # a former name, as organisation:lykos has
        start, end = (_day_text(rng, day) for day in _days(rng, 2))
        former = f"\n    - name: {_q(name + ' Inc')}\n      from: {start}\n      to: {end}"
        fields.append(("names", former))
    _maybe(rng, 0.3, fields, "description", _q(_sentence(rng, 12)))
    return fields


def _substance(world: _World, rng: random.Random, i: int) -> Fields:
    name = world.names["substance"][i]
    fields = [("name", _q(name))]
    _maybe(rng, 0.5, fields, "inn", _q(name.lower() + "ine"))
    _maybe(rng, 0.3, fields, "chemical_name", _q(f"3,4-{name.lower()}ylamine"))
    _maybe(rng, 0.5, fields, "code_names", _texts([f"{name[:2].upper()}{100 + i}"]))
    _maybe(rng, 0.1, fields, "brand_names", _texts([name[::-1].title()]))
    _maybe(rng, 0.6, fields, "synonyms", _texts([f"{name[:3]}y", f"{name[-4:]} {i}"]))
    _maybe(rng, 0.7, fields, "drug_class", _q(rng.choice(("psychedelic", "empathogen", "SSRI"))))
    _maybe(rng, 0.5, fields, "us_schedule", rng.choice(_ENUMS["schedule"]))
    _maybe(rng, 0.4, fields, "description", _q(_sentence(rng, 14)))
    if i and rng.random() < 0.03:
        fields.append(("street_form_of", world.ids["substance"][rng.randrange(i)]))
    if i and rng.random() < 0.05:
        fields.append(("analog_of", world.ids["substance"][rng.randrange(i)]))
    if rng.random() < 0.6:
        fields.append(("developers", _ids(dict.fromkeys(world.sponsor(rng) for _ in range(2)))))
    return fields


def _condition(world: _World, rng: random.Random, i: int) -> Fields:
    name = world.names["condition"][i]
    fields = [("name", _q(name))]
    _maybe(rng, 0.5, fields, "abbreviations", _texts(["".join(w[0] for w in name.split())]))
    _maybe(rng, 0.4, fields, "synonyms", _texts([name.replace(" ", "-", 1)]))
    if i and rng.random() < 0.3:  # a forest: broader conditions come earlier
        fields.append(("broader", _ids([world.ids["condition"][rng.randrange(i)]])))
    _maybe(rng, 0.3, fields, "description", _q(_sentence(rng, 12)))
    return fields


def _target(world: _World, rng: random.Random, i: int) -> Fields:
    name, kind = _target_name(i)
    fields = [("name", _q(name)), ("type", kind)]
    _maybe(rng, 0.3, fields, "synonyms", _texts([name.split()[0]]))
    _maybe(rng, 0.5, fields, "role", _q(_sentence(rng, 10)))
    return fields


def _trial(world: _World, rng: random.Random, i: int) -> Fields:
    substances = world.pick_many("substance", rng, rng.choice((1, 1, 1, 2)))
    conditions = world.pick_many("condition", rng, rng.choice((1, 1, 2)))
    substance = world.name_of(substances[0])
    condition = world.name_of(conditions[0]).lower()
    phase = rng.choice(_ENUMS["phase"])
    status = rng.choice(_ENUMS["trial_status"])
    fields = [
        ("registry_id", _registry_id(i)),
        ("title", _q(f"{_phase_words(phase)} trial of {substance} for {condition}")),
        ("phase", phase),
        ("status", status),
        ("substances", _ids(substances)),
        ("conditions", _ids(conditions)),
    ]
    _maybe(rng, 0.5, fields, "acronym", f"{substance[:4].upper()}-{i % 97 + 1}")
    _maybe(rng, 0.8, fields, "study_type", rng.choice(("INTERVENTIONAL", "OBSERVATIONAL")))
    if status in _STOPPED:
        fields.append(("why_stopped", _q(_sentence(rng, 6))))
    if rng.random() < 0.8:
        fields.append(("enrollment", str(rng.randint(8, 1200))))
        fields.append(("enrollment_type", rng.choice(("ACTUAL", "ESTIMATED"))))
    posted, start, primary, completion = _days(rng, 4)
    for key, day, share in (
        ("first_posted", posted, 0.7),
        ("start", start, 0.9),
        ("primary_completion", primary, 0.6),
        ("completion", completion, 0.4),
    ):
        _maybe(rng, share, fields, key, _day_text(rng, day))
    _maybe(rng, 0.6, fields, "summary", _q(_sentence(rng, 18)))
    _maybe(rng, 0.8, fields, "sponsor", world.sponsor(rng))
    if rng.random() < 0.2:
        fields.append(("collaborators", _ids(dict.fromkeys(world.sponsor(rng) for _ in range(2)))))
    if rng.random() < 0.2:
        sources = world.ids["source"]
        paper = 3 * rng.randrange((len(sources) + 2) // 3)  # every third source is a paper
        fields.append(("publications", _ids([sources[paper]])))
    if i and rng.random() < 0.01:
        fields.append(("expanded_access_record", world.ids["trial"][rng.randrange(i)]))
    return fields


def _phase_words(phase: str) -> str:
    """PHASE2_PHASE3 as a registry shows it in a title: Phase 2/3."""
    words = phase.replace("EARLY_PHASE", "Early phase ").replace("_PHASE", "/")
    return words.replace("PHASE", "Phase ")


def _action(world: _World, rng: random.Random, i: int) -> Fields:
    slug, _, abbreviation, jurisdiction, _ = REGULATORS[world.pickers["regulator"](rng)]
    kind = rng.choice(_ENUMS["action"])
    substance = world.pick("substance", rng)
    summary = f"{abbreviation} {kind.replace('_', ' ')} for {world.name_of(substance)}"
    fields = [
        ("action", kind),
        ("summary", _q(summary)),
        ("agency", f"organisation:{slug}"),
        ("jurisdiction", jurisdiction),
        ("substance", substance),
        ("disclosure", rng.choice(_ENUMS["disclosure"])),
    ]
    _maybe(rng, 0.8, fields, "condition", world.pick("condition", rng))
    _maybe(rng, 0.7, fields, "sponsor", world.sponsor(rng))
    if rng.random() < 0.25:
        fields.append(("trials", _ids(world.pick_many("trial", rng, 2))))
    fields += _action_dates(rng)
    _maybe(rng, 0.15, fields, "application_number", _q(f"NDA {200000 + i}"))
    _maybe(rng, 0.1, fields, "product", _q(world.name_of(substance) + " tablets"))
    _maybe(rng, 0.3, fields, "outcome", _q(_sentence(rng, 8)))
    if kind == "advisory_committee_vote":
        yes = rng.randint(0, 11)
        votes = f"\n    - question: {_q(_sentence(rng, 8))}\n      yes: {yes}\n      no: {11 - yes}"
        fields.append(("votes", votes))
    _maybe(rng, 0.2, fields, "status", rng.choice(_ENUMS["claim_status"]))
    return fields


def _action_dates(rng: random.Random) -> Fields:
    """date <= effective <= ended, as the validator requires; every action has a date or
    an announcement, so that it has a place in a timeline."""
    acted, effective, ended = _days(rng, 3)
    fields: Fields = []
    if rng.random() < 0.9:
        fields.append(("date", _day_text(rng, acted)))
    if not fields or rng.random() < 0.4:
        fields.append(("announced", _day_text(rng, min(acted + rng.randint(0, 30), _LAST_DAY))))
    _maybe(rng, 0.1, fields, "effective", _day_text(rng, effective))
    _maybe(rng, 0.05, fields, "ended", _day_text(rng, ended))
    _maybe(rng, 0.05, fields, "date_note", _q(_sentence(rng, 8)))
    return fields


def _event(world: _World, rng: random.Random, i: int) -> Fields:
    fields = [
        ("summary", _q(_sentence(rng, 12))),
        ("type", rng.choice(_ENUMS["event_type"])),
        ("date", _day_text(rng, _days(rng, 1)[0])),
    ]
    if rng.random() < 0.8:
        fields.append(("organisations", _ids(dict.fromkeys(world.sponsor(rng) for _ in range(2)))))
    if rng.random() < 0.4:
        fields.append(("substances", _ids([world.pick("substance", rng)])))
    _maybe(rng, 0.1, fields, "status", rng.choice(_ENUMS["claim_status"]))
    return fields


def _effect(world: _World, rng: random.Random, i: int) -> Fields:
    substance, target = world.pick("substance", rng), world.pick("target", rng)
    direction = rng.choice(("increases", "decreases"))
    summary = f"{world.name_of(substance)} {direction} {world.name_of(target)}"
    fields = [
        ("summary", _q(summary)),
        ("substance", substance),
        ("target", target),
        ("direction", direction),
    ]
    _maybe(rng, 0.5, fields, "population", _q(rng.choice(("healthy volunteers", "patients"))))
    _maybe(rng, 0.6, fields, "evidence", _q(_sentence(rng, 6)))
    _maybe(rng, 0.5, fields, "status", rng.choice(_ENUMS["claim_status"]))
    return fields


_CLAIM_SUBJECTS: Final = ("substance", "trial", "action", "condition", "organisation", "effect")


def _claim(world: _World, rng: random.Random, i: int) -> Fields:
    kind = rng.choices(_CLAIM_SUBJECTS, weights=(30, 20, 25, 10, 10, 5))[0]
    fields = [
        ("statement", _q(_sentence(rng, 14))),
        ("subject", world.pick(kind, rng)),
        ("predicate", _q(rng.choice(("approved_for", "increases", "enrolled", "decided_on")))),
        ("status", rng.choice(_ENUMS["claim_status"])),
    ]
    _maybe(rng, 0.7, fields, "value", _q(_sentence(rng, 4)))
    if rng.random() < 0.3:
        start, end = _days(rng, 2)
        fields.append(("valid_from", _day_text(rng, start)))
        _maybe(rng, 0.5, fields, "valid_to", _day_text(rng, end))
    _maybe(rng, 0.5, fields, "assessment", _q(_sentence(rng, 16)))
    return fields


def _conflict(world: _World, rng: random.Random, i: int) -> Fields:
    claims = rng.sample(world.ids["claim"], k=rng.choice((2, 2, 3)))
    fields = [
        ("question", _q(_sentence(rng, 10)[:-1] + "?")),
        ("claims", _ids(claims)),
        ("status", rng.choice(("open", "resolved"))),
    ]
    _maybe(rng, 0.6, fields, "resolution", _q(_sentence(rng, 16)))
    return fields


_WRITERS: Final[dict[str, Callable[[_World, random.Random, int], Fields]]] = {
    "source": _source,
    "organisation": _organisation,
    "substance": _substance,
    "condition": _condition,
    "target": _target,
    "trial": _trial,
    "action": _action,
    "event": _event,
    "effect": _effect,
    "claim": _claim,
    "conflict": _conflict,
}
# Sources are the provenance and conflicts group claims that carry their own: neither
# cites anything, as in graph.model.
_UNCITED: Final = frozenset({"source", "conflict"})


def _records(world: _World, kind: str, seed: int) -> Iterable[str]:
    # One generator per kind, so that a change to one kind leaves the others' bytes alone.
    rng = random.Random(f"{seed}:{kind}")
    write = _WRITERS[kind]
    for i, node_id in enumerate(world.ids[kind]):
        fields = write(world, rng, i)
        citations = "" if kind in _UNCITED else _citations(world, rng, kind, fields)
        yield _render(node_id, fields, citations, rng)


def _write_files(folder: Path, kind: str, records: Iterable[str]) -> int:
    folder.mkdir(parents=True)
    files = 0
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, RECORDS_PER_FILE)):
        header = f"# Synthetic {kind} records for benchmarks, written by bench/generate.py.\n\n"
        (folder / f"{kind}s-{files:03d}.yaml").write_text(header + "".join(chunk), "utf-8")
        files += 1
    return files


def _check_replaceable(out: Path) -> None:
    """Refuse, before writing anything, to replace a folder this script did not make."""
    if out.exists() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not a generated data set; not replacing")


def _replace(out: Path, partial: Path) -> None:
    """Move the finished set to `out`, replacing an earlier set this script made."""
    _check_replaceable(out)  # again: something may have appeared while writing
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)


def generate(nodes: int, out: Path, seed: int = 0) -> Path:
    """Write a data set of about `nodes` records to `out` and return `out`.

    The set is written beside `out` first and moved into place when complete, so an
    interrupted run never leaves a half-written set that looks finished.
    """
    _check_replaceable(out)
    counts = plan(nodes)
    world = _World.create(counts)
    partial = out.with_name(out.name + ".partial-bench")
    if partial.exists():
        shutil.rmtree(partial)  # an interrupted earlier run of this function
    partial.mkdir(parents=True)
    for kind in counts:
        _write_files(partial / f"{kind}s", kind, _records(world, kind, seed))
    (partial / "jurisdictions.yaml").write_text(JURISDICTIONS, "utf-8")
    description = {"nodes": nodes, "seed": seed, "version": GENERATOR_VERSION, "counts": counts}
    (partial / MARKER).write_text(json.dumps(description, indent=2) + "\n", "utf-8")
    _replace(out, partial)
    return out


def is_complete(out: Path, nodes: int, seed: int) -> bool:
    """Whether `out` holds a finished set for (`nodes`, `seed`) from this generator version."""
    try:
        found = json.loads((out / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {"nodes": nodes, "seed": seed, "version": GENERATOR_VERSION}
    return isinstance(found, dict) and all(found.get(k) == v for k, v in wanted.items())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic regkg data set.")
    parser.add_argument("--nodes", type=int, required=True, help="about how many records")
    parser.add_argument("--out", type=Path, required=True, help="directory to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.nodes < 1:
        parser.error("--nodes must be at least 1")
    out = generate(args.nodes, args.out, args.seed)
    counts = plan(args.nodes)
    kinds = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    print(f"{out}: {sum(counts.values())} records ({kinds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
