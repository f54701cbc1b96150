"""Read Drugs@FDA applications: openFDA ``drugsfda`` JSON (API responses and the bulk
download, which share a shape) and the raw Drugs@FDA tab-separated tables that openFDA
is built from (``Applications.txt``, ``Products.txt``, ``Submissions.txt``...)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Final

from graph.dates import PartialDate
from graph.importers.drugsfda_records import (
    APPLICATION,
    Application,
    Product,
    SourceFormat,
    Submission,
)
from graph.importers.inputs import (
    Archives,
    InputDoc,
    Inputs,
    Rejection,
    SizeLimits,
    TooLarge,
    expand,
    read_doc,
    read_file,
)
from graph.importers.jsonutil import (
    JsonError,
    JsonObject,
    as_object,
    load_json,
    obj,
    objects,
    text,
    texts,
)
from graph.importers.regdates import parse_registry_date

TABLES: Final = ("applications.txt", "products.txt", "submissions.txt")
_OPTIONAL_TABLES: Final = ("submissionpropertytype.txt", "submissionclass_lookup.txt")


@dataclass
class ReadResult:
    applications: list[Application] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TableSet:
    """The Drugs@FDA tables in one folder or archive, read by lower-cased file name."""

    name: str
    load: Callable[[str], bytes | None]
    release: Callable[[], None] = lambda: None  # close what the tables were read from


# --- openFDA JSON -----------------------------------------------------------------------


def parse_openfda(doc_name: str, data: bytes, result: ReadResult) -> None:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        result.rejected.append(
            Rejection(
                doc_name,
                "XML, not openFDA drugsfda JSON (for ClinicalTrials.gov XML use `import ctgov`)",
            )
        )
        return
    try:
        parsed = load_json(data)
    except JsonError as exc:
        result.rejected.append(Rejection(doc_name, str(exc)))
        return
    top = as_object(parsed)
    if top is None:
        result.rejected.append(Rejection(doc_name, "a JSON list, not an openFDA drugsfda response"))
        return
    error = obj(top, "error")
    if error is not None:
        message = text(error, "message") or text(error, "code") or "no message"
        result.rejected.append(Rejection(doc_name, f"an openFDA error response: {message}"))
        return
    if "protocolSection" in top or "studies" in top or "FullStudiesResponse" in top:
        result.rejected.append(
            Rejection(doc_name, "a ClinicalTrials.gov record; use `import ctgov`")
        )
        return
    records = list(objects(top, "results")) if "results" in top else [top]
    if not records or not all("application_number" in r for r in records):
        keys = ", ".join(sorted(top)[:8]) or "none"
        result.rejected.append(
            Rejection(
                doc_name,
                "not an openFDA drugsfda response (no results[].application_number; "
                f"top-level keys: {keys})",
            )
        )
        return
    data_date = parse_registry_date(text(obj(top, "meta"), "last_updated"))
    meta_results = obj(top, "meta", "results")
    total = meta_results.get("total") if meta_results else None
    if isinstance(total, int) and total > len(records):
        result.notices.append(
            f"{doc_name}: holds {len(records)} of {total} results; the rest were not downloaded"
        )
    for index, record in enumerate(records):
        origin = f"{doc_name} [results[{index}]]" if len(records) > 1 else doc_name
        app = _openfda_application(record, origin, data_date)
        if isinstance(app, Rejection):
            result.rejected.append(app)
        else:
            result.applications.append(app)


def _openfda_application(
    record: JsonObject, origin: str, data_date: PartialDate | None
) -> Application | Rejection:
    number = (text(record, "application_number") or "").replace(" ", "").upper()
    if APPLICATION.fullmatch(number) is None:
        return Rejection(origin, f"application number {number!r} is not NDA/ANDA/BLA + 6 digits")
    products = tuple(
        Product(
            text(p, "brand_name"),
            tuple(n for a in objects(p, "active_ingredients") if (n := text(a, "name"))),
            text(p, "dosage_form"),
            text(p, "marketing_status"),
        )
        for p in objects(record, "products")
    )
    submissions = tuple(
        Submission(
            type=(text(s, "submission_type") or "").upper(),
            number=text(s, "submission_number") or "",
            status=(text(s, "submission_status") or "").upper(),
            status_date=parse_registry_date(text(s, "submission_status_date")),
            review_priority=text(s, "review_priority"),
            class_code=text(s, "submission_class_code"),
            class_description=text(s, "submission_class_code_description"),
            properties=tuple(
                c for p in objects(s, "submission_property_type") if (c := text(p, "code"))
            ),
        )
        for s in objects(record, "submissions")
    )
    openfda = obj(record, "openfda")
    names = (*texts(openfda, "generic_name"), *texts(openfda, "substance_name"))
    return Application(
        number=number,
        origin=origin,
        source_format=SourceFormat.OPENFDA,
        sponsor_name=text(record, "sponsor_name"),
        products=products,
        submissions=submissions,
        substance_names=tuple(dict.fromkeys(names)),
        data_date=data_date,
    )


# --- Drugs@FDA tables -------------------------------------------------------------------


def _decode(data: bytes) -> str:
    # The tables are Windows-1252 in places (an en dash in Submissions.txt's notes).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(data: bytes | None) -> list[dict[str, str]]:
    if data is None:
        return []
    reader = csv.DictReader(
        io.StringIO(_decode(data), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def parse_tables(tables: TableSet, result: ReadResult) -> None:
    loaded = {t: tables.load(t) for t in TABLES}  # each table read once
    missing = [t for t, data in loaded.items() if data is None]
    if missing:
        result.rejected.append(
            Rejection(tables.name, f"the Drugs@FDA tables lack {', '.join(missing)}")
        )
        return
    applications = _rows(loaded.pop("applications.txt"))
    if not applications or "ApplNo" not in applications[0]:
        result.rejected.append(Rejection(tables.name, "Applications.txt has no ApplNo column"))
        return
    class_table = tables.load("submissionclass_lookup.txt")
    if class_table is None:
        result.notices.append(
            f"{tables.name}: no SubmissionClass_Lookup.txt, so no supplement's class is "
            "known and none is imported as an approval (only efficacy supplements are)"
        )
    classes = {
        r.get("SubmissionClassCodeID", ""): (
            r.get("SubmissionClassCode", ""),
            r.get("SubmissionClassCodeDescription", ""),
        )
        for r in _rows(class_table)
    }
    properties: dict[tuple[str, str, str], list[str]] = {}
    for row in _rows(tables.load("submissionpropertytype.txt")):
        code = row.get("SubmissionPropertyTypeCode", "")
        if code and code != "Null":  # the tables write a missing code as the word Null
            key = (
                row.get("ApplNo", ""),
                row.get("SubmissionType", "").upper(),
                row.get("SubmissionNo", ""),
            )
            properties.setdefault(key, []).append(code)
    products: dict[str, list[Product]] = {}
    for row in _rows(loaded.pop("products.txt")):
        products.setdefault(row.get("ApplNo", ""), []).append(
            Product(
                row.get("DrugName") or None,
                tuple(i.strip() for i in row.get("ActiveIngredient", "").split(";") if i.strip()),
                row.get("Form") or None,
            )
        )
    submissions: dict[str, list[Submission]] = {}
    for row in _rows(loaded.pop("submissions.txt")):
        appl = row.get("ApplNo", "")
        kind, number = row.get("SubmissionType", "").upper(), row.get("SubmissionNo", "")
        code, description = classes.get(row.get("SubmissionClassCodeID", ""), ("", ""))
        submissions.setdefault(appl, []).append(
            Submission(
                type=kind,
                number=number,
                status=row.get("SubmissionStatus", "").upper(),
                status_date=parse_registry_date(row.get("SubmissionStatusDate")),
                review_priority=row.get("ReviewPriority") or None,
                class_code=code or None,
                class_description=description or None,
                properties=tuple(properties.get((appl, kind, number), ())),
                public_notes=row.get("SubmissionsPublicNotes") or None,
            )
        )
    for row in applications:
        appl = row.get("ApplNo", "")
        number = f"{row.get('ApplType', '').upper()}{appl}"
        origin = f"{tables.name} [ApplNo {appl}]"
        if APPLICATION.fullmatch(number) is None:
            result.rejected.append(Rejection(origin, f"{number!r} is not NDA/ANDA/BLA + 6 digits"))
            continue
        result.applications.append(
            Application(
                number=number,
                origin=origin,
                source_format=SourceFormat.TABLES,
                sponsor_name=row.get("SponsorName") or None,
                products=tuple(products.get(appl, ())),
                submissions=tuple(submissions.get(appl, ())),
            )
        )


# --- inputs -----------------------------------------------------------------------------


def _folder_tables(folder: Path, sizes: SizeLimits) -> TableSet:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}

    def load(name: str) -> bytes | None:
        path = files.get(name)
        return read_file(path, sizes.max_bytes) if path else None

    return TableSet(str(folder), load)


def _zip_tables(archive: Path, members: dict[str, str], archives: Archives) -> TableSet:
    def load(name: str) -> bytes | None:
        member = members.get(name)
        return None if member is None else archives.unpack(archive, member)

    return TableSet(str(archive), load, partial(archives.release, archive))


@dataclass
class Found:
    """What `find_inputs` found: table sets, and JSON documents (with the archives both
    are read from, kept open until they are read or this is closed)."""

    tables: list[TableSet]
    inputs: Inputs

    @property
    def count(self) -> int:
        return len(self.tables) + self.inputs.count

    def close(self) -> None:
        self.inputs.close()

    def __enter__(self) -> Found:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def find_inputs(paths: Iterable[Path], sizes: SizeLimits | None = None) -> Found:
    """Table sets among `paths` (folders holding Applications.txt, such a file itself, or
    a zip archive of the tables) and the JSON documents in the rest, found once: count
    them, then `read_inputs` them. Each archive is opened once."""
    inputs = Inputs(archives=Archives(sizes=sizes))
    sets: dict[str, TableSet] = {}
    rest: list[Path] = []
    for path in paths:
        if path.is_file() and path.name.lower() in (*TABLES, *_OPTIONAL_TABLES):
            sets.setdefault(str(path.parent), _folder_tables(path.parent, inputs.archives.sizes))
        elif path.is_file() and path.suffix.lower() == ".zip":
            members = _zip_members(path, inputs.archives)
            if members:
                sets.setdefault(str(path), _zip_tables(path, members, inputs.archives))
            else:
                rest.append(path)  # JSON members are listed from the archive still open
        elif path.is_dir():
            for folder in sorted(
                {p.parent for p in path.rglob("*") if p.name.lower() == "applications.txt"}
            ):
                sets.setdefault(str(folder), _folder_tables(folder, inputs.archives.sizes))
            rest.append(path)
        else:
            rest.append(path)
    return Found(list(sets.values()), expand(rest, (".json",), inputs))


def _zip_members(archive: Path, archives: Archives) -> dict[str, str]:
    try:
        names = {Path(n).name.lower(): n for n in archives.get(archive).namelist()}
    except (zipfile.BadZipFile, OSError):
        archives.release(archive)
        return {}
    return names if "applications.txt" in names else {}


def read_inputs(found: Found, progress: Callable[[str], None]) -> ReadResult:
    """Read and parse what `find_inputs` found: the table sets, then the JSON documents."""
    result = ReadResult()
    result.rejected.extend(found.inputs.rejected)
    for tables in found.tables:
        progress(tables.name)
        try:
            _guarded(tables.name, result, partial(parse_tables, tables, result))
        finally:
            tables.release()
    for doc in found.inputs.docs:
        progress(doc.name)
        _guarded(doc.name, result, partial(_read_json_doc, doc, result))
    return result


def read_drugsfda(paths: Iterable[Path], progress: Callable[[str], None]) -> ReadResult:
    with find_inputs(paths) as found:
        return read_inputs(found, progress)


def _guarded(name: str, result: ReadResult, parse: Callable[[], None]) -> None:
    """Parse one input; one odd file must not stop a bulk import."""
    try:
        parse()
    except (OSError, zipfile.BadZipFile, csv.Error, TooLarge) as exc:
        result.rejected.append(Rejection(name, f"cannot be read: {exc}"))
    except Exception as exc:
        result.rejected.append(Rejection(name, f"could not be parsed: {exc!r}"))


def _read_json_doc(doc: InputDoc, result: ReadResult) -> None:
    data = read_doc(doc)
    if isinstance(data, Rejection):
        result.rejected.append(data)
        return
    parse_openfda(doc.name, data, result)
