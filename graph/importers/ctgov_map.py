"""Map a ClinicalTrials.gov `Study` to graph records: the registry record as a source, the
trial, expanded-access actions, and the organisations, conditions and publications it
names (matched to existing records, or created and cited to the registry record)."""

from __future__ import annotations

from typing import Final

from graph.importers.ctgov_records import Party, Study
from graph.importers.matching import (
    NOT_SUBSTANCE_TYPES,
    condition_keys,
    is_placebo,
    split_abbreviation,
)
from graph.importers.parties import is_placeholder, looks_like_person, organisation_type
from graph.importers.plan import Batch, Item, Outcome, Skipped, Unit
from graph.importers.publications import parse_citation, pubmed_urls
from graph.importers.yamlout import Record
from graph.reader import Value
from graph.vocab import ActionKind, Disclosure, OrganisationType, StudyType, TrialStatus

COMMAND: Final = "python -m graph import ctgov"
FOLDER: Final = "imported/ctgov"
PUBLISHER: Final = "ClinicalTrials.gov (U.S. National Library of Medicine)"
_QUOTE_WORDS: Final = 25
_EA_TYPES: Final = {
    "individual": "individual patients",
    "intermediate": "intermediate-size population",
    "treatment": "treatment IND or protocol",
}
# Expanded-access statuses under which the programme is not (or no longer) open: an
# `expanded_access` action is in force from its date until `ended`, which the registry
# does not give, so none is made. AVAILABLE and APPROVED_FOR_MARKETING still get one.
_EA_NOT_IN_FORCE: Final = {
    TrialStatus.NO_LONGER_AVAILABLE: "is no longer available",
    TrialStatus.TEMPORARILY_NOT_AVAILABLE: "is temporarily not available",
    TrialStatus.WITHDRAWN: "was withdrawn",
}


def registry_url(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def study_item(study: Study) -> Item:
    """A parsed study, ready to be mapped against a batch."""
    return Item(
        key=study.nct_id,
        origin=study.origin,
        version=study.last_updated,
        file=f"{FOLDER}/{study.nct_id}.yaml",
        source_id=f"source:ctgov-{study.nct_id}",
        map=lambda batch: map_study(study, batch),
        notices=study.warnings,
    )


def _quote(text: str) -> str:
    words = text.split()
    return text if len(words) <= _QUOTE_WORDS else " ".join(words[:_QUOTE_WORDS]) + " ..."


# A registry record's values are read from its structured fields, not from prose a quote
# could carry, so the citations of imported trials and actions say so.
STRUCTURED: Final = "Read from the registry record's structured fields, not from a quoted passage."


def _citation(
    source_id: str, quote: str | None = None, note: str | None = None, derived: str | None = None
) -> Record:
    citation: Record = {"source": source_id}
    if quote:
        citation["quote"] = _quote(quote)
    if note:
        citation["note"] = note
    if derived:
        citation["derived"] = derived
    return citation


def map_study(study: Study, batch: Batch) -> Unit | Skipped:
    nct = study.nct_id
    trial_id = f"trial:{nct}"
    curated = _curated_trial(study, batch)
    if curated is not None:
        return Skipped(nct, study.origin, Outcome.CURATED, f"{curated} is curated; left unchanged")
    own_source = f"source:ctgov-{nct}"
    # A curated source for the same registry page is cited rather than duplicated
    # (source URLs are unique); otherwise the import keeps its own source record.
    found = batch.matcher.source_with_url(registry_url(nct))
    source_id = found if found is not None and found in batch.curated_ids else own_source
    unit = Unit(
        key=nct,
        origin=study.origin,
        file=f"{FOLDER}/{nct}.yaml",
        header=_header(study),
        records=[],
        source_id=source_id,
        partial=study.partial,
    )
    if source_id == own_source:
        unit.records.append(_source_record(study, own_source))
    trial_notes: list[str] = []
    trial = _trial_record(study, trial_id)
    sponsor = _organisation(study.lead_sponsor, study, batch, unit, trial_notes, "lead sponsor")
    if sponsor:
        trial["sponsor"] = sponsor
    collaborators = [
        c
        for p in study.collaborators
        if (c := _organisation(p, study, batch, unit, trial_notes, "collaborator"))
    ]
    if collaborators:
        unique: list[Value] = list(dict.fromkeys(collaborators))
        trial["collaborators"] = unique
    substances = _substances(study, batch, unit, trial_notes)
    if substances:
        trial["substances"] = list(substances)
    conditions: list[Value] = list(dict.fromkeys(_conditions(study, batch, unit)))
    if conditions:
        trial["conditions"] = conditions
    publications = _publications(study, batch, unit)
    if publications:
        trial["publications"] = publications
    pointer = _expanded_access_pointer(study, batch, trial_notes)
    if pointer:
        trial["expanded_access_record"] = pointer
    trial["sources"] = [
        _citation(source_id, study.title, _registry_note(study, source_id), STRUCTURED)
    ]
    actions: list[Record] = []
    if study.study_type is StudyType.EXPANDED_ACCESS:
        actions = _expanded_access_actions(study, batch, unit, substances, trial, trial_notes)
    if trial_notes:
        trial["note"] = " ".join(trial_notes)
    unit.records.append(trial)
    unit.records.extend(actions)
    return unit


def _curated_trial(study: Study, batch: Batch) -> str | None:
    trial_id = f"trial:{study.nct_id}"
    if trial_id in batch.curated_ids:
        return trial_id
    return batch.curated.trials_by_registry_id.get(study.nct_id)


def _header(study: Study) -> tuple[str, ...]:
    version = (
        f"as last updated on {study.last_updated}"
        if study.last_updated
        else "(the download gives no last-update date)"
    )
    return (
        f"Imported by `{COMMAND}` from ClinicalTrials.gov record {study.nct_id}",
        f"{version}, read from {study.source_format.value}.",
        "A re-import rewrites this file: edit a field only together with a citation of",
        "another source, which marks it as curated and keeps it.",
    )


def _source_record(study: Study, source_id: str) -> Record:
    record: Record = {
        "id": source_id,
        "url": registry_url(study.nct_id),
        "title": f"ClinicalTrials.gov record {study.nct_id}"
        + (f" ({study.acronym})" if study.acronym else ""),
        "publisher": PUBLISHER,
        "type": "registry",
    }
    if study.last_updated:
        record["published"] = str(study.last_updated)
    caveats = _caveats(study)
    if caveats:
        record["caveat"] = " ".join(caveats)
    return record


def _caveats(study: Study) -> list[str]:
    found: list[str] = []
    if study.partial:
        found.append(
            "Read from a download restricted to some fields (fields=...); what it lacks "
            "was not imported."
        )
    if study.trimmed:
        found.append(
            "Some text in the copy read ends in '...' as if cut short; check it against "
            "the registry."
        )
    return found


def _trial_record(study: Study, trial_id: str) -> Record:
    trial: Record = {"id": trial_id, "registry_id": study.nct_id}
    values: dict[str, str | None] = {
        "title": study.title,
        "acronym": study.acronym,
        "study_type": study.study_type,
        "phase": study.phase,
        "status": study.status,
        "why_stopped": study.why_stopped,
        "enrollment": None if study.enrollment is None else str(study.enrollment),
        "enrollment_type": study.enrollment_type if study.enrollment is not None else None,
        "first_posted": _text(study.first_posted),
        "start": _text(study.start.date if study.start else None),
        "primary_completion": _text(
            study.primary_completion.date if study.primary_completion else None
        ),
        "completion": _text(study.completion.date if study.completion else None),
    }
    trial.update({k: str(v) for k, v in values.items() if v is not None})
    return trial


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _registry_note(study: Study, source_id: str) -> str | None:
    """What the registry says that has no field in the model, said on the citation."""
    notes: list[str] = []
    estimated = [
        name
        for name, value in (
            ("start", study.start),
            ("primary_completion", study.primary_completion),
            ("completion", study.completion),
        )
        if value is not None and value.estimated
    ]
    if estimated:
        notes.append(f"The registry gives these dates as estimates: {', '.join(estimated)}.")
    if study.status is TrialStatus.UNKNOWN and study.last_known_status:
        notes.append(f"Last known status: {study.last_known_status}.")
    if study.results_first_posted:
        notes.append(f"Results were posted on the registry on {study.results_first_posted}.")
    elif study.has_results:
        notes.append("The record has results posted on the registry.")
    if study.expanded_access_types:
        labels = ", ".join(_EA_TYPES[t] for t in study.expanded_access_types)
        notes.append(f"Expanded access for: {labels}.")
    if source_id != f"source:ctgov-{study.nct_id}":
        notes.extend(_caveats(study))  # the curated source record is not ours to edit
    return " ".join(notes) or None


def _organisation(
    party: Party | None,
    study: Study,
    batch: Batch,
    unit: Unit,
    notes: list[str],
    role: str,
) -> str | None:
    if party is None:
        return None
    if is_placeholder(party.name):
        notes.append(f"The registry withholds the {role}'s name ({party.name}).")
        return None
    if looks_like_person(party.name, party.agency_class, study.responsible_investigator):
        notes.append(
            f"The registry names {party.name} as {role}, a person rather than an "
            "organisation; regkg records sponsors as organisations only."
        )
        return None
    citation = _citation(unit.source_id, party.name)
    found = batch.matcher.organisation(party.name)
    if found is not None:
        batch.cite(found, citation, unit.key)
        return found
    guess = organisation_type(party.name, party.agency_class, OrganisationType.NONPROFIT)
    record: Record = {
        "id": batch.matcher.new_id("organisation", party.name),
        "name": party.name,
        "type": str(guess.type),
        "sources": [citation],
    }
    if guess.note:
        record["note"] = guess.note
    return batch.create(f"{FOLDER}/organisations.yaml", record, unit.key)


def _substances(study: Study, batch: Batch, unit: Unit, notes: list[str]) -> list[str]:
    found: list[str] = []
    unmatched: list[str] = []
    not_substances: list[str] = []
    for intervention in study.interventions:
        ids = batch.matcher.substances([intervention.name, *intervention.other_names])
        label = f"{intervention.name} ({(intervention.type or 'type not given').lower()})"
        if ids:
            found.extend(ids)
        elif is_placebo(intervention.name) or intervention.type in NOT_SUBSTANCE_TYPES:
            not_substances.append(label)
        else:
            unmatched.append(label)
    unit.unmatched.extend(unmatched)
    if not_substances:
        unit.notices.append(
            f"not substances (placebo, device, procedure...): {'; '.join(not_substances)}"
        )
    if unmatched:
        notes.append(f"Interventions not linked to a substance in regkg: {'; '.join(unmatched)}.")
    return list(dict.fromkeys(found))


def _conditions(study: Study, batch: Batch, unit: Unit) -> list[str]:
    ids: list[str] = []
    for condition in study.conditions:
        citation = _citation(unit.source_id, condition.name)
        found = batch.matcher.condition(condition_keys(condition.name, condition.mesh_term))
        if found is not None:
            batch.cite(found, citation, unit.key)
            ids.append(found)
            continue
        name, abbreviation = split_abbreviation(condition.name)
        record: Record = {"id": batch.matcher.new_id("condition", name), "name": name}
        if abbreviation:
            record["abbreviations"] = [abbreviation]
        if condition.mesh_term and condition.mesh_term != name:
            record["synonyms"] = [condition.mesh_term]
        record["sources"] = [citation]
        if condition.mesh_term and condition.mesh_term != name:
            record["note"] = "The synonym is the MeSH term the registry derives from the name."
        ids.append(batch.create(f"{FOLDER}/conditions.yaml", record, unit.key))
    return ids


def _publications(study: Study, batch: Batch, unit: Unit) -> list[Value]:
    ids: list[Value] = []
    for reference in study.references:
        if reference.kind != "RESULT":
            continue
        if not reference.pmid:
            unit.notices.append(f"results reference without a PMID left out: {reference.citation}")
            continue
        urls = pubmed_urls(reference.pmid)
        found = batch.matcher.source_with_url(*urls)
        if found is not None:
            ids.append(found)
            continue
        parsed = parse_citation(reference.citation)
        record: Record = {
            "id": f"source:pubmed-{reference.pmid}",
            "url": urls[0],
            "title": parsed.title,
            "publisher": parsed.journal or "PubMed (journal not identified in the citation)",
            "type": "journal",
            "caveat": "Listed as a results publication on ClinicalTrials.gov; the paper itself "
            "was not read by the importer.",
        }
        if parsed.published:
            record["published"] = str(parsed.published)
        if record["id"] in batch.matcher:
            unit.notices.append(f"{record['id']} exists with another address; not linked")
            continue
        ids.append(batch.create(f"{FOLDER}/publications.yaml", record, unit.key))
    return list(dict.fromkeys(ids))


def _expanded_access_pointer(study: Study, batch: Batch, notes: list[str]) -> str | None:
    target = study.expanded_access_nct_id
    if not target or target == study.nct_id:
        return None
    target_id = f"trial:{target}"
    if target_id in batch.matcher or target in batch.planned_keys:
        return target_id
    notes.append(
        f"The registry links this study to expanded-access record {target}, which is not in "
        "regkg; import it and re-import this record to link them."
    )
    return None


def _expanded_access_actions(
    study: Study,
    batch: Batch,
    unit: Unit,
    substances: list[str],
    trial: Record,
    trial_notes: list[str],
) -> list[Record]:
    """Standing expanded-access actions for a programme the registry lists as available
    (or whose drug is now approved for marketing); none, with the reason in the unit's
    notices (and, for an ended programme, the trial's note), when there is no agency,
    substance or open programme to record."""
    trial_id = str(trial["id"])
    if not substances:
        unit.notices.append("no expanded-access action: no intervention matches a substance")
        return []
    agency = batch.matcher.regulator("FDA")
    if agency is None:
        unit.notices.append("no expanded-access action: the data has no regulator named FDA")
        return []
    if study.countries and "United States" not in study.countries:
        unit.notices.append(
            "no expanded-access action: no site in the United States, so the agency is unknown"
        )
        return []
    curated = batch.curated.expanded_access_by_trial.get(trial_id)
    if curated is not None:
        unit.notices.append(f"expanded access already curated as {curated}; not duplicated")
        return []
    ended = _EA_NOT_IN_FORCE.get(study.status) if study.status else None
    if ended is not None:
        unit.notices.append(
            f"no expanded-access action: the registry says the programme {ended} and gives no "
            "date it stopped, so a standing action would stay in force with no end"
        )
        trial_notes.append(
            f"No expanded-access action was imported: the registry says the programme "
            f"{ended} but not since when, so the action would have no end date; add it "
            "with `ended` from another source."
        )
        return []
    actions: list[Record] = []
    for substance in substances:
        action: Record = {
            "id": f"action:expanded-access-{study.nct_id}-{substance.partition(':')[2]}",
            "action": str(ActionKind.EXPANDED_ACCESS),
            "summary": _expanded_access_summary(study, batch, substance, trial),
            "agency": agency,
            "jurisdiction": "jurisdiction:US",
            "substance": substance,
        }
        conditions = trial.get("conditions")
        if isinstance(conditions, list) and len(conditions) == 1:
            action["condition"] = conditions[0]
        if "sponsor" in trial:
            action["sponsor"] = trial["sponsor"]
        action["trials"] = [trial_id]
        if study.first_posted:
            action["announced"] = str(study.first_posted)
            action["date_note"] = (
                "The registry does not say when the FDA allowed the programme; announced is "
                "the day the record was first posted."
            )
        action["disclosure"] = str(Disclosure.REGISTRY)
        action["sources"] = [
            _citation(
                unit.source_id,
                study.title,
                "Agency and jurisdiction are inferred: expanded access registered on "
                "ClinicalTrials.gov is access to an investigational drug under FDA rules.",
                STRUCTURED,
            )
        ]
        actions.append(action)
    return actions


def _expanded_access_summary(study: Study, batch: Batch, substance: str, trial: Record) -> str:
    kinds = ", ".join(_EA_TYPES[t] for t in study.expanded_access_types)
    what = f"expanded access ({kinds})" if kinds else "expanded access"
    label = batch.matcher.labels.get(substance, substance)
    sponsor = trial.get("sponsor")
    who = batch.matcher.labels.get(sponsor, "") if isinstance(sponsor, str) else ""
    status = (
        f"; its status there is {study.status.lower().replace('_', ' ')}" if study.status else ""
    )
    if who:
        return f"{who} registered {what} to {label} on ClinicalTrials.gov ({study.nct_id}){status}."
    return (
        f"Expanded access to {label} is registered on ClinicalTrials.gov ({study.nct_id}){status}."
    )
