"""The declared shape of the graph: kinds, their fields, and the relations between them.

Everything that checks or builds the graph reads these declarations; nothing else
restates them. A reference field declares one allowed (kind, relation, kind) triple
per target kind, so the list of triples is derived, never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from graph.vocab import (
    ActionKind,
    ClaimStatus,
    ConflictStatus,
    Disclosure,
    EffectDirection,
    EnrollmentType,
    EventType,
    JurisdictionLevel,
    OrganisationType,
    SourceType,
    StudyType,
    TargetType,
    TrialPhase,
    TrialStatus,
    UsSchedule,
)


class FieldType(StrEnum):
    TEXT = "text"
    URL = "url"
    DATE = "date"  # partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"
    REF = "ref"  # id of another record; becomes an edge
    STRUCT = "struct"  # a mapping with its own declared fields


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    doc: str
    required: bool = False
    many: bool = False
    choices: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    relation: str = ""
    parts: tuple[Field, ...] = ()
    # Editorial fields say how the curators stand to the record (when it was last reviewed,
    # what is known to be missing); they are not facts about the world and need no citation.
    editorial: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    doc: str
    fields: tuple[Field, ...]
    # Sources and conflicts are editorial records: a source *is* the provenance,
    # and a conflict only groups claims that carry their own sources.
    needs_sources: bool = True
    label_field: str = "name"
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


def _text(name: str, doc: str, *, required: bool = False, many: bool = False) -> Field:
    return Field(name, FieldType.TEXT, doc, required=required, many=many)


def _date(name: str, doc: str, *, required: bool = False) -> Field:
    return Field(name, FieldType.DATE, doc, required=required)


def _enum(name: str, doc: str, choices: type[StrEnum], *, required: bool = False) -> Field:
    return Field(name, FieldType.ENUM, doc, required=required, choices=tuple(choices))


def _ref(
    name: str,
    doc: str,
    relation: str,
    targets: tuple[str, ...],
    *,
    required: bool = False,
    many: bool = False,
) -> Field:
    return Field(
        name, FieldType.REF, doc, required=required, many=many, targets=targets, relation=relation
    )


SOURCES_FIELD: Final = Field(
    "sources",
    FieldType.STRUCT,
    "Citations: which source supports this record, with a short quote.",
    many=True,
    parts=(
        _ref("source", "The cited source.", "cites", ("source",), required=True),
        _text("quote", "A short quote (25 words or fewer) from the source."),
        _text(
            "supports",
            "Field names this citation supports; omitted means the whole record.",
            many=True,
        ),
        _text("note", "How the source bears on the record, where that needs saying."),
        _text(
            "derived",
            "How a value this citation supports was worked out, where the quote cannot carry "
            "it (a date taken from the release's own publication date; a status inferred "
            "from two sources). Empty when the quote says it.",
        ),
    ),
)

REVIEWED_FIELD: Final = Field(
    "reviewed",
    FieldType.DATE,
    "When this topic was last reviewed against its sources.",
    editorial=True,
)
GAPS_FIELD: Final = Field(
    "gaps",
    FieldType.TEXT,
    "What is known to be missing from regkg on this topic.",
    many=True,
    editorial=True,
)

KINDS: Final[dict[str, Kind]] = {
    k.name: k
    for k in (
        Kind(
            "source",
            "A document that facts are taken from: a regulator page, registry record, paper, "
            "press release or news report.",
            (
                # Required in practice: `_check_source` lets only a copy with `held` go without.
                Field(
                    "url",
                    FieldType.URL,
                    "Where the text was read: the document's public address; none only for a "
                    "copy that has no public address and says where its text is kept (`held`).",
                ),
                _text("title", "The document's title.", required=True),
                _text(
                    "publisher", "Who published it; for a copy, whose text it is.", required=True
                ),
                _date("published", "When the document was published."),
                _enum("type", "What kind of document it is.", SourceType, required=True),
                _date("retrieved", "When the text was read."),
                _text("licence", "The licence of the text, where known."),
                _text("original", "For a copy: the original it reproduces, and its address."),
                _text(
                    "held",
                    "For a copy with no public address: where the text that was read is kept.",
                ),
                Field(
                    "sponsor_affiliated",
                    FieldType.BOOL,
                    "True when the authors are affiliated with the sponsor of what they report.",
                ),
                _text("caveat", "What a reader should know before relying on it."),
                Field(
                    "machine_written",
                    FieldType.BOOL,
                    "True when the page says a text generator wrote it; such a page is not a "
                    "source, and the validator refuses it.",
                ),
            ),
            needs_sources=False,
            label_field="title",
        ),
        Kind(
            "jurisdiction",
            "Where a law or regulator applies: a union of countries (the EU), a country "
            "(ISO 3166-1), a state or province (ISO 3166-2), or a city.",
            (
                _text("name", "The jurisdiction's name.", required=True),
                _text(
                    "code",
                    "ISO 3166 code (US, US-OR, GB, EU); for a city, its state's code and name.",
                    required=True,
                ),
                _enum(
                    "level",
                    "Supranational, country, subdivision or city.",
                    JurisdictionLevel,
                    required=True,
                ),
                _ref(
                    "parent",
                    "The jurisdiction it lies within.",
                    "part_of",
                    ("jurisdiction",),
                ),
                _text("synonyms", "Other names and abbreviations (U.S., Ore.).", many=True),
                REVIEWED_FIELD,
                GAPS_FIELD,
            ),
            # Names and ISO codes are reference data, the same in every source.
            needs_sources=False,
        ),
        Kind(
            "substance",
            "A drug or a street product.",
            (
                _text("name", "The name a reader knows it by.", required=True),
                _text("inn", "International Nonproprietary Name."),
                _text("chemical_name", "Systematic chemical name."),
                _text("code_names", "Development code names (COMP360, MM120...).", many=True),
                _text("brand_names", "Trade names of approved products.", many=True),
                _text("synonyms", "Other names, street names included.", many=True),
                _text("drug_class", "Pharmacological class."),
                _enum(
                    "us_schedule",
                    "US Controlled Substances Act schedule.",
                    UsSchedule,
                ),
                _text("description", "One or two sentences for a reader."),
                _ref(
                    "street_form_of",
                    "The pharmaceutical substance this street product is sold as.",
                    "street_form_of",
                    ("substance",),
                ),
                _ref(
                    "analog_of", "The substance this is an analog of.", "analog_of", ("substance",)
                ),
                _ref(
                    "developers",
                    "Organisations developing it.",
                    "developed_by",
                    ("organisation",),
                    many=True,
                ),
                REVIEWED_FIELD,
                GAPS_FIELD,
            ),
        ),
        Kind(
            "condition",
            "A disease or disorder that a substance is studied or approved for.",
            (
                _text("name", "The condition's name.", required=True),
                _text("abbreviations", "Abbreviations (PTSD, TRD...).", many=True),
                _text("synonyms", "Other names.", many=True),
                _ref(
                    "broader",
                    "Broader conditions this one falls under.",
                    "narrower_than",
                    ("condition",),
                    many=True,
                ),
                _text("description", "One or two sentences for a reader."),
            ),
        ),
        Kind(
            "organisation",
            "A sponsor, regulator, research nonprofit or company.",
            (
                _text("name", "The current name.", required=True),
                Field(
                    "names",
                    FieldType.STRUCT,
                    "Names over time, with the dates each was in use.",
                    many=True,
                    parts=(
                        _text("name", "The name.", required=True),
                        _date("from", "First day the name was in use."),
                        _date("to", "Last day the name was in use."),
                    ),
                ),
                _text("abbreviations", "Short names (FDA, TGA, MAPS).", many=True),
                _enum(
                    "type",
                    "What kind of organisation it is.",
                    OrganisationType,
                    required=True,
                ),
                _ref("country", "Where it is based.", "based_in", ("jurisdiction",)),
                _date("founded", "When it was founded."),
                _ref(
                    "parent",
                    "The organisation that created or owns it.",
                    "subsidiary_of",
                    ("organisation",),
                ),
                _text("description", "One or two sentences for a reader."),
            ),
        ),
        Kind(
            "trial",
            "A registered clinical study or expanded-access record.",
            (
                _text("registry_id", "Registry identifier (NCT..., ACTRN...).", required=True),
                _text("title", "Official or brief title.", required=True),
                _text("acronym", "Short name (MAPP1...)."),
                _enum(
                    "study_type",
                    "Interventional, observational or expanded access.",
                    StudyType,
                ),
                _enum("phase", "Trial phase; combined phases such as PHASE2_PHASE3.", TrialPhase),
                _enum("status", "Overall recruitment status.", TrialStatus),
                _text("why_stopped", "Why a terminated, suspended or withdrawn study stopped."),
                Field("enrollment", FieldType.INT, "Number of participants."),
                _enum(
                    "enrollment_type",
                    "Whether enrollment is the actual count or an estimate.",
                    EnrollmentType,
                ),
                _date("first_posted", "When the record was first posted."),
                _date("start", "Study start."),
                _date("primary_completion", "Primary completion."),
                _date("completion", "Study completion."),
                _text("summary", "What the study does and found, in a sentence or two."),
                _ref("sponsor", "Lead sponsor.", "sponsored_by", ("organisation",)),
                _ref(
                    "collaborators",
                    "Collaborating organisations.",
                    "collaborator",
                    ("organisation",),
                    many=True,
                ),
                _ref("substances", "Substances tested.", "tests", ("substance",), many=True),
                _ref("conditions", "Conditions studied.", "studies", ("condition",), many=True),
                _ref(
                    "publications",
                    "Papers reporting its results.",
                    "results_in",
                    ("source",),
                    many=True,
                ),
                _ref(
                    "expanded_access_record",
                    "The expanded-access record for the same drug.",
                    "has_expanded_access",
                    ("trial",),
                ),
            ),
            label_field="title",
        ),
        Kind(
            "action",
            "A regulatory or legal action: a designation, application, vote, decision, "
            "scheduling step, law, ballot measure or access programme.",
            (
                _enum("action", "What kind of action it is.", ActionKind, required=True),
                _text("summary", "One sentence for a reader.", required=True),
                _ref(
                    "agency",
                    "The body that acted: a regulator, legislature, government or electorate.",
                    "by_agency",
                    ("organisation",),
                    required=True,
                ),
                _ref(
                    "jurisdiction",
                    "Where it applies.",
                    "applies_in",
                    ("jurisdiction",),
                    required=True,
                ),
                _ref(
                    "substance",
                    "The substance concerned.",
                    "concerns",
                    ("substance",),
                    required=True,
                ),
                _ref("condition", "The indication.", "for_condition", ("condition",)),
                _ref("sponsor", "The applicant or sponsor.", "applicant", ("organisation",)),
                _ref("trials", "Trials or records it covers.", "covers", ("trial",), many=True),
                _date("date", "When the regulator acted (granted, issued, held, received)."),
                _date("announced", "When it was first made public."),
                _date("effective", "When it took effect, where that differs from the date."),
                _date("ended", "When it stopped being in force."),
                _text("date_note", "What is uncertain about the dates."),
                _enum(
                    "disclosure",
                    "Who made it public: the regulator, the sponsor, the press or a registry.",
                    Disclosure,
                    required=True,
                ),
                _text("application_number", "Application number (NDA, IND...)."),
                _text("product", "The product as named in the action."),
                _text("outcome", "What was decided."),
                Field(
                    "votes",
                    FieldType.STRUCT,
                    "Advisory committee votes, one per question.",
                    many=True,
                    parts=(
                        _text("question", "The question voted on.", required=True),
                        Field("yes", FieldType.INT, "Votes yes.", required=True),
                        Field("no", FieldType.INT, "Votes no.", required=True),
                        Field("abstain", FieldType.INT, "Abstentions."),
                    ),
                ),
                _enum("status", "Whether the action itself is confirmed.", ClaimStatus),
            ),
            label_field="summary",
        ),
        Kind(
            "event",
            "A dated occurrence that is not a regulator's action: a rename, a restructuring, "
            "a retraction, a leadership change.",
            (
                _text("summary", "One sentence for a reader.", required=True),
                _enum(
                    "type",
                    "What kind of event it is.",
                    EventType,
                    required=True,
                ),
                _date("date", "When it happened.", required=True),
                _text("date_note", "What is uncertain about the date."),
                _ref(
                    "organisations",
                    "Organisations involved.",
                    "involves",
                    ("organisation",),
                    many=True,
                ),
                _ref("substances", "Substances concerned.", "about", ("substance",), many=True),
                _enum("status", "Whether the event is confirmed.", ClaimStatus),
            ),
            label_field="summary",
        ),
        Kind(
            "target",
            "A neurotransmitter, hormone or brain region that a substance acts on.",
            (
                _text("name", "The target's name.", required=True),
                _enum(
                    "type",
                    "What kind of target it is.",
                    TargetType,
                    required=True,
                ),
                _text("synonyms", "Other names.", many=True),
                _text("role", "What it does, in a sentence."),
            ),
        ),
        Kind(
            "effect",
            "What a substance does to a target, with its evidence.",
            (
                _text("summary", "One sentence for a reader.", required=True),
                _ref("substance", "The substance.", "has_effect_of", ("substance",), required=True),
                _ref("target", "What it acts on.", "acts_on", ("target",), required=True),
                _enum("direction", "Raises or lowers.", EffectDirection, required=True),
                _text("population", "Who was studied (healthy volunteers, patients...)."),
                _text("evidence", "How strong the evidence is, in a phrase."),
                _enum("status", "Whether the effect is confirmed.", ClaimStatus),
            ),
            label_field="summary",
        ),
        Kind(
            "claim",
            "A statement as a source makes it, kept even when other sources contradict it.",
            (
                _text("statement", "The statement, close to the source's wording.", required=True),
                _ref(
                    "subject",
                    "What the statement is about.",
                    "about",
                    (
                        "substance",
                        "condition",
                        "organisation",
                        "trial",
                        "action",
                        "event",
                        "target",
                        "effect",
                    ),
                    required=True,
                ),
                _text("predicate", "What is said of the subject, as a short key.", required=True),
                _text("value", "The value asserted."),
                _enum("status", "How the statement stands.", ClaimStatus, required=True),
                _date("valid_from", "First day the statement held."),
                _date("valid_to", "Last day the statement held."),
                _text("assessment", "How the statement stands against other sources."),
            ),
            label_field="statement",
        ),
        Kind(
            "conflict",
            "Two or more claims that disagree, and how the disagreement stands.",
            (
                _text("question", "What the claims disagree about.", required=True),
                _ref(
                    "claims",
                    "The claims in conflict.",
                    "between",
                    ("claim",),
                    required=True,
                    many=True,
                ),
                _enum("status", "Open or resolved.", ConflictStatus, required=True),
                _text("resolution", "What regkg takes as settled, and why."),
            ),
            needs_sources=False,
            label_field="question",
        ),
    )
}

# Fields every record may carry, whatever its kind.
COMMON_FIELDS: Final = (
    SOURCES_FIELD,
    _text("note", "A curator's remark; not a fact, never shown as one."),
)


def triples() -> list[tuple[str, str, str]]:
    """Every allowed (kind, relation, kind) triple, derived from the reference fields.

    >>> ("trial", "tests", "substance") in triples()
    True
    """
    found = {
        (kind.name, f.relation, target)
        for kind in KINDS.values()
        for f in (*kind.fields, *COMMON_FIELDS)
        if f.type is FieldType.REF
        for target in f.targets
    }
    found |= {(kind.name, "cites", "source") for kind in KINDS.values()}
    return sorted(found)


def kind_of(node_id: str) -> str:
    """The kind named by a node id's prefix.

    >>> kind_of("trial:NCT03537014")
    'trial'
    """
    return node_id.partition(":")[0]
