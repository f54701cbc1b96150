"""Map a Drugs@FDA `Application` to graph records: the application's Drugs@FDA page as a
source, and one approval action per substance and approved original application or
efficacy supplement (a new indication). Other approved supplements (labelling,
manufacturing, REMS...) are not approvals of the drug: they are listed and counted as
skipped. An application none of whose products names a known substance is skipped and
reported: the model requires an action's substance, and the importer never invents one."""

from __future__ import annotations

from typing import Final

from graph.importers.drugsfda_records import Application, SourceFormat, Submission
from graph.importers.parties import organisation_type
from graph.importers.plan import (
    Batch,
    CuratedIndex,
    Item,
    Outcome,
    Skipped,
    Unit,
    application_key,
)
from graph.importers.yamlout import Record
from graph.vocab import ActionKind, Disclosure, OrganisationType

COMMAND: Final = "python -m graph import drugsfda"
FOLDER: Final = "imported/drugsfda"
PUBLISHER: Final = "U.S. Food and Drug Administration (Drugs@FDA)"
STRUCTURED: Final = "Read from the Drugs@FDA tables' structured fields, not from a quoted passage."
_APPROVED: Final = "AP"
_EFFICACY: Final = "EFFICACY"
SKIPPED_SUPPLEMENTS: Final = "approved supplements skipped, not new approvals"


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
    approved = sorted(
        (s for s in app.submissions if s.status == _APPROVED),
        key=lambda s: (str(s.status_date or ""), s.type != "ORIG", s.number.zfill(6)),
    )
    approvals = [s for s in approved if is_approval(s)]
    others = [s for s in approved if not is_approval(s)]
    if not approvals:
        reason = "no approved submission"
        if others:
            reason = "no approved original application or efficacy supplement; " + _skipped_text(
                others
            )
        return Skipped(
            app.number,
            app.origin,
            Outcome.SKIPPED,
            reason,
            skipped_supplements=tuple(supplement_class(s) for s in others),
        )
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
    if others:
        unit.notices.append(_skipped_text(others))
        unit.skipped_supplements.extend(supplement_class(s) for s in others)
    sponsor = _sponsor(app, batch, unit)
    for submission in approvals:
        for substance in substances:
            duplicate = _curated_duplicate(app, submission, substance, batch.curated)
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


def is_approval(submission: Submission) -> bool:
    """Whether an approved submission approves the drug: the original application, or an
    efficacy supplement (a new indication, population or dosing). Labelling,
    manufacturing (CMC), REMS and other supplements change an approved drug's paperwork
    and are not approvals of it."""
    if submission.type == "ORIG":
        return True
    return submission.type == "SUPPL" and (
        (submission.class_code or "").strip().upper() == _EFFICACY
        or (submission.class_description or "").strip().upper() == _EFFICACY
    )


def supplement_class(submission: Submission) -> str:
    """The class a supplement is reported under: Drugs@FDA's description of it."""
    return submission.class_description or submission.class_code or "class not given"


def _skipped_text(skipped: list[Submission]) -> str:
    by_class: dict[str, list[str]] = {}
    for submission in sorted(skipped, key=lambda s: s.number.zfill(6)):
        by_class.setdefault(supplement_class(submission), []).append(submission.label)
    listed = "; ".join(f"{', '.join(labels)} ({kind})" for kind, labels in by_class.items())
    return f"{SKIPPED_SUPPLEMENTS}: {listed}"


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


def _curated_duplicate(
    app: Application, submission: Submission, substance: str, curated: CuratedIndex
) -> str | None:
    """A curated approval of the same application (or, for an original application, of
    the same substance) on the same day; the first curated if several are."""
    when = submission.status_date
    if when is None:
        return None
    found = [curated.approvals_by_application.get((application_key(app.number), when))]
    if submission.type == "ORIG":
        found.append(curated.approvals_by_substance.get((substance, when)))
    first = min((f for f in found if f is not None), default=None)
    return None if first is None else first[1]


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
        "jurisdiction": "jurisdiction:US",
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
    # The values are read from Drugs@FDA's structured tables, not from prose a quote carries.
    action["sources"] = [{"source": source_id, "derived": STRUCTURED}]
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
