"""Map a Drugs@FDA `Application` to graph records: the application's Drugs@FDA page as a
source, and one approval action per approved submission (original or supplement) and
substance. An application none of whose products names a known substance is skipped and
reported: the model requires an action's substance, and the importer never invents one."""

from __future__ import annotations

from typing import Final

from graph.importers.drugsfda_records import Application, SourceFormat, Submission
from graph.importers.parties import organisation_type
from graph.importers.plan import Batch, Item, Outcome, Skipped, Unit
from graph.importers.yamlout import Record
from graph.records import Record as TypedRecord
from graph.search import normalise
from graph.vocab import ActionKind, Disclosure, OrganisationType

COMMAND: Final = "python -m graph import drugsfda"
FOLDER: Final = "imported/drugsfda"
PUBLISHER: Final = "U.S. Food and Drug Administration (Drugs@FDA)"
_APPROVED: Final = "AP"


def overview_url(app: Application) -> str:
    return (
        "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm"
        f"?event=overview.process&ApplNo={app.digits}"
    )


def application_item(app: Application) -> Item:
    return Item(
        key=app.number,
        origin=app.origin,
        version=app.data_date,
        file=f"{FOLDER}/{app.number}.yaml",
        source_id=f"source:drugsfda-{app.number}",
        map=lambda batch: map_application(app, batch),
    )


def _product_text(app: Application) -> str:
    seen: dict[str, None] = {}
    for product in app.products:
        ingredients = ", ".join(product.active_ingredients)
        if product.brand_name and ingredients and product.brand_name != ingredients:
            seen[f"{product.brand_name} ({ingredients})"] = None
        else:
            seen[product.brand_name or ingredients] = None
    return "; ".join(k for k in seen if k) or app.number


def _substances(app: Application, batch: Batch) -> list[str]:
    # Each name on its own: a brand name matching exactly must not stop an ingredient of
    # a combination product from matching by containment.
    names = [
        *app.brand_names,
        *(i for p in app.products for i in p.active_ingredients),
        *app.substance_names,
    ]
    found = {s for name in dict.fromkeys(names) for s in batch.matcher.substances([name])}
    return sorted(found)


def map_application(app: Application, batch: Batch) -> Unit | Skipped:
    substances = _substances(app, batch)
    if not substances:
        return Skipped(
            app.number,
            app.origin,
            Outcome.SKIPPED,
            f"no substance in regkg matches {_product_text(app)}",
            unmatched=True,
        )
    agency = batch.matcher.regulator("FDA")
    if agency is None:
        return Skipped(
            app.number, app.origin, Outcome.REJECTED, "the data has no regulator named FDA"
        )
    approvals = sorted(
        (s for s in app.submissions if s.status == _APPROVED),
        key=lambda s: (str(s.status_date or ""), s.type != "ORIG", s.number.zfill(6)),
    )
    if not approvals:
        return Skipped(app.number, app.origin, Outcome.SKIPPED, "no approved submission")
    own_source = f"source:drugsfda-{app.number}"
    found_source = batch.matcher.source_with_url(overview_url(app))
    source_id = found_source if found_source in batch.curated_ids else own_source
    unit = Unit(
        key=app.number,
        origin=app.origin,
        file=f"{FOLDER}/{app.number}.yaml",
        header=_header(app),
        records=[],
        source_id=str(source_id),
    )
    if source_id == own_source:
        unit.records.append(_source_record(app, own_source))
    sponsor = _sponsor(app, batch, unit)
    curated_actions = [
        r for r in batch.curated if r.kind == "action" and r.fields.get("action") == "approval"
    ]
    for submission in approvals:
        for substance in substances:
            duplicate = _curated_duplicate(app, submission, substance, curated_actions)
            if duplicate is not None:
                unit.notices.append(
                    f"{submission.label}: the approval is already curated as {duplicate}; "
                    "not duplicated"
                )
                continue
            suffix = f"-{substance.partition(':')[2]}" if len(substances) > 1 else ""
            unit.records.append(
                _action(app, submission, substance, agency, sponsor, unit.source_id, suffix)
            )
    return unit


def _header(app: Application) -> tuple[str, ...]:
    if app.source_format is SourceFormat.OPENFDA:
        version = f"as published by openFDA on {app.data_date}" if app.data_date else "from openFDA"
    else:
        version = "read from the Drugs@FDA data tables"
    return (
        f"Imported by `{COMMAND}` from Drugs@FDA application {app.number},",
        f"{version}.",
        "A re-import rewrites this file: edit a field only together with a citation of",
        "another source, which marks it as curated and keeps it.",
    )


def _source_record(app: Application, source_id: str) -> Record:
    brands = ", ".join(app.brand_names)
    record: Record = {
        "id": source_id,
        "url": overview_url(app),
        "title": f"Drugs@FDA: {app.kind} {app.digits}" + (f" ({brands})" if brands else ""),
        "publisher": PUBLISHER,
        "type": "regulator",
    }
    if app.data_date:
        record["published"] = str(app.data_date)
    record["caveat"] = (
        "Read through openFDA's drugsfda endpoint, which republishes Drugs@FDA."
        if app.source_format is SourceFormat.OPENFDA
        else "Read from the Drugs@FDA data files."
    )
    return record


def _sponsor(app: Application, batch: Batch, unit: Unit) -> str | None:
    name = app.sponsor_name
    if not name:
        return None
    citation: Record = {"source": unit.source_id, "quote": name}
    found = batch.matcher.organisation(name)
    if found is not None:
        batch.cite(found, citation, unit.key)
        return found
    guess = organisation_type(name, None, OrganisationType.COMPANY)
    record: Record = {
        "id": batch.matcher.new_id("organisation", name),
        "name": name,
        "type": str(guess.type),
        "sources": [citation],
        "note": "Named as the applicant in Drugs@FDA, which abbreviates company names; "
        "merge it with the organisation's full record if regkg has one."
        + (f" {guess.note}" if guess.note else ""),
    }
    return batch.create(f"{FOLDER}/organisations.yaml", record, unit.key)


def _same_application(a: object, b: str) -> bool:
    return isinstance(a, str) and normalise(a).replace(" ", "") == normalise(b)


def _curated_duplicate(
    app: Application, submission: Submission, substance: str, curated: list[TypedRecord]
) -> str | None:
    """A curated approval of the same application (or substance) on the same day."""
    if submission.status_date is None:
        return None
    for record in curated:
        if record.fields.get("date") != submission.status_date:
            continue
        if _same_application(record.fields.get("application_number"), app.number) or (
            record.fields.get("substance") == substance and submission.type == "ORIG"
        ):
            return record.id
    return None


def _action(
    app: Application,
    submission: Submission,
    substance: str,
    agency: str,
    sponsor: str | None,
    source_id: str,
    suffix: str,
) -> Record:
    number = f"{app.kind} {app.digits}"
    product = _product_text(app)
    if submission.type == "ORIG":
        summary = f"The FDA approved {product} under {number}."
    else:
        brands = ", ".join(app.brand_names) or product
        what = f": {submission.class_description}" if submission.class_description else ""
        summary = f"The FDA approved supplement {submission.number} to {number} ({brands}){what}."
    action: Record = {
        "id": f"action:fda-approval-{app.number.lower()}-"
        f"{submission.type.lower()}{submission.number}{suffix}",
        "action": str(ActionKind.APPROVAL),
        "summary": summary,
        "agency": agency,
        "jurisdiction": "US",
        "substance": substance,
    }
    if sponsor:
        action["sponsor"] = sponsor
    if submission.status_date:
        action["date"] = str(submission.status_date)
    if submission.public_notes:
        action["date_note"] = f"Drugs@FDA's note on this submission: {submission.public_notes}"
    action["disclosure"] = str(Disclosure.REGULATOR)
    action["application_number"] = app.number
    action["product"] = product
    action["outcome"] = _outcome(submission)
    action["sources"] = [{"source": source_id}]
    return action


def _outcome(submission: Submission) -> str:
    kind = "original application" if submission.type == "ORIG" else "supplement"
    parts = [f"Approved ({kind}"]
    if submission.class_description:
        parts[0] += f": {submission.class_description}"
    parts[0] += ")"
    if (submission.review_priority or "").upper() == "PRIORITY":
        parts.append("priority review")
    if any(p.lower() == "orphan" for p in submission.properties):
        parts.append("orphan drug")
    return "; ".join(parts)
