"""Read ClinicalTrials.gov downloads: detect each document's format from its content and
parse it into `Study` records, or reject it with the reason a curator needs.

Accepted: API v2 JSON (a single study, a search page ``{"studies": [...]}``, or a list of
studies) and the legacy XML (``<clinical_study>``). Rejected, with a reason: the retired
v1 "classic" JSON, truncated or damaged files, and JSON or XML that is not a study.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from graph.importers.ctgov_json import parse_study
from graph.importers.ctgov_records import Study, StudyError
from graph.importers.ctgov_xml import parse_clinical_study
from graph.importers.inputs import Archives, Inputs, Rejection, SizeLimits, expand, read_doc
from graph.importers.jsonutil import JsonError, JsonObject, as_object, load_json

SUFFIXES: Final = (".json", ".xml")
_V1_KEYS: Final = ("FullStudiesResponse", "StudyFieldsResponse")


@dataclass
class ReadResult:
    studies: list[Study] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def parse_document(name: str, data: bytes, result: ReadResult) -> None:
    """Parse one document into `result`: its studies, or why it (or a study in it) was
    rejected."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        result.rejected.append(Rejection(name, "the file is empty"))
    elif head in (b"{", b"["):
        _parse_json(name, data, result)
    elif head == b"<":
        _parse_xml(name, data, result)
    else:
        result.rejected.append(
            Rejection(name, "neither JSON nor XML, so not a ClinicalTrials.gov download")
        )


def _parse_json(name: str, data: bytes, result: ReadResult) -> None:
    try:
        parsed = load_json(data)
    except JsonError as exc:
        result.rejected.append(Rejection(name, str(exc)))
        return
    if isinstance(parsed, list):
        _parse_study_list(name, parsed, "[{}]", result)
        return
    top = as_object(parsed)
    if top is None:
        result.rejected.append(Rejection(name, "JSON that is not an object or a list"))
        return
    for key in _V1_KEYS:
        if key in top:
            result.rejected.append(
                Rejection(
                    name,
                    f"the retired ClinicalTrials.gov classic API (v1, {key}) format; "
                    "download the record again from the API v2 "
                    "(https://clinicaltrials.gov/api/v2/studies/NCT...)",
                )
            )
            return
    studies = top.get("studies")
    if "protocolSection" in top:
        _add_study(name, top, result)
    elif isinstance(studies, list):
        _parse_study_list(name, studies, " [studies[{}]]", result)
        if isinstance(top.get("nextPageToken"), str):
            result.notices.append(
                f"{name}: a search page with more results (nextPageToken); download the "
                "following pages to import them too"
            )
    elif "results" in top and "meta" in top:
        result.rejected.append(
            Rejection(
                name, "an openFDA response, not a ClinicalTrials.gov record; use `import drugsfda`"
            )
        )
    else:
        keys = ", ".join(sorted(top)[:8]) or "none"
        result.rejected.append(
            Rejection(
                name,
                "JSON that is not a ClinicalTrials.gov API v2 study or search page "
                f"(no protocolSection or studies; top-level keys: {keys})",
            )
        )


def _parse_study_list(name: str, items: list[object], where: str, result: ReadResult) -> None:
    for index, item in enumerate(items):
        origin = name + where.format(index)
        study = as_object(item)
        if study is None:
            result.rejected.append(Rejection(origin, "not a study object"))
        else:
            _add_study(origin, study, result)


def _add_study(origin: str, study: JsonObject, result: ReadResult) -> None:
    try:
        result.studies.append(parse_study(study, origin))
    except StudyError as exc:
        result.rejected.append(Rejection(origin, str(exc)))


def _parse_xml(name: str, data: bytes, result: ReadResult) -> None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        result.rejected.append(
            Rejection(name, f"not well-formed XML (the file may be truncated): {exc}")
        )
        return
    if root.tag != "clinical_study":
        result.rejected.append(
            Rejection(
                name,
                f"XML whose root element is <{root.tag}>, not a ClinicalTrials.gov "
                "<clinical_study> record",
            )
        )
        return
    try:
        result.studies.append(parse_clinical_study(root, name))
    except StudyError as exc:
        result.rejected.append(Rejection(name, str(exc)))


def find_inputs(paths: Iterable[Path], sizes: SizeLimits | None = None) -> Inputs:
    """The documents under `paths`, found once: count them, then `read_inputs` them."""
    return expand(paths, SUFFIXES, Inputs(archives=Archives(sizes=sizes)))


def read_inputs(found: Inputs, progress: Callable[[str], None]) -> ReadResult:
    """Read and parse the documents `find_inputs` found, one at a time."""
    result = ReadResult()
    result.rejected.extend(found.rejected)
    for doc in found.docs:
        progress(doc.name)
        data = read_doc(doc)
        if isinstance(data, Rejection):
            result.rejected.append(data)
            continue
        try:
            parse_document(doc.name, data, result)
        except Exception as exc:  # one odd file must not stop a bulk import
            result.rejected.append(Rejection(doc.name, f"could not be parsed: {exc!r}"))
    return result


def read_ctgov(paths: Iterable[Path], progress: Callable[[str], None]) -> ReadResult:
    with find_inputs(paths) as found:
        return read_inputs(found, progress)
