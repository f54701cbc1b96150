"""What `graph sync` asks each registry, and how it pages through the answers.

ClinicalTrials.gov API v2: ``GET /studies`` with ``query.intr`` (a substance's names as
intervention terms, joined with OR) or ``query.term`` (a free query), ``pageSize`` and
``pageToken``; incremental runs add ``filter.advanced=AREA[LastUpdatePostDate]RANGE[day,MAX]``.
openFDA: ``GET /drug/drugsfda.json`` with ``search`` (active ingredients and brand names),
``limit`` and ``skip``; a search with no match answers 404 "No matches found!".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NoReturn, Protocol

from graph.importers.registry_client import RegistryClient, RegistryError

CTGOV_BASE_URL: Final = "https://clinicaltrials.gov/api/v2"
OPENFDA_BASE_URL: Final = "https://api.fda.gov"
# ClinicalTrials.gov asks for no more than about 50 requests a minute from one address,
# openFDA 240 a minute (and 1,000 a day) without a key: stay well below both.
CTGOV_INTERVAL: Final = 1.5
OPENFDA_INTERVAL: Final = 0.5
CTGOV_PAGE_SIZE: Final = 100
OPENFDA_PAGE_SIZE: Final = 100
OPENFDA_MAX_SKIP: Final = 25_000


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class StaleCursor(Exception):
    """The registry no longer accepts the page token: the query must start again."""


@dataclass(frozen=True)
class Page:
    """One page of an answer: what to save for the importer, and where to go next."""

    document: dict[str, Any]
    records: int
    next_cursor: str | None
    total: int | None


class Registry(Protocol):
    name: str
    default_base_url: str
    min_interval: float

    def params(self, terms: list[str], free_query: str | None, since: str | None) -> dict[str, str]:
        """The first request of a query (`since`: only records updated on or after it)."""
        ...

    def fetch(self, client: RegistryClient, params: Mapping[str, str], cursor: str | None) -> Page:
        """One page; raises `StaleCursor` when the cursor is refused."""
        ...


def _quoted(term: str) -> str:
    """A term as one phrase: double quotes, which the registries' search syntax reads."""
    return '"' + term.replace('"', " ").strip() + '"'


MIN_TERM: Final = 3


def unique(terms: Iterable[str]) -> list[str]:
    """The search terms, each once; one- and two-letter names ("X", "E" for ecstasy) are
    left out, since as search terms they match thousands of unrelated records."""
    seen: dict[str, str] = {}
    for term in terms:
        cleaned = " ".join(term.split())
        if len(cleaned) >= MIN_TERM:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def _refused(
    client: RegistryClient, path: str, params: Mapping[str, str], status: int, body: object
) -> NoReturn:
    if isinstance(body, str):
        raise RegistryError(client.url(path, params), status, body)
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if message is None and isinstance(body, dict):
        message = body.get("message")
    raise RegistryError(client.url(path, params), status, str(message or "refused"))


class ClinicalTrialsGov:
    name = "ctgov"
    default_base_url = CTGOV_BASE_URL
    min_interval = CTGOV_INTERVAL
    path = "/studies"

    def params(self, terms: list[str], free_query: str | None, since: str | None) -> dict[str, str]:
        params = {"format": "json", "pageSize": str(CTGOV_PAGE_SIZE), "countTotal": "true"}
        if free_query is not None:
            params["query.term"] = free_query
        else:
            params["query.intr"] = " OR ".join(_quoted(t) for t in terms)
        if since is not None:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
        return params

    def fetch(self, client: RegistryClient, params: Mapping[str, str], cursor: str | None) -> Page:
        request = dict(params)
        if cursor is not None:
            request["pageToken"] = cursor
            request.pop("countTotal", None)
        status, body = client.get_json(self.path, request)
        if status == 400 and cursor is not None:
            raise StaleCursor(cursor)
        if status != 200:
            _refused(client, self.path, request, status, body)
        studies = body.get("studies") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(studies, list):
            raise RegistryError(
                client.url(self.path, request), status, "not a ClinicalTrials.gov search page"
            )
        token = body.get("nextPageToken")
        total = body.get("totalCount")
        return Page(
            {"studies": studies},
            len(studies),
            token if isinstance(token, str) and token else None,
            total if isinstance(total, int) else None,
        )


class OpenFda:
    name = "drugsfda"
    default_base_url = OPENFDA_BASE_URL
    min_interval = OPENFDA_INTERVAL
    path = "/drug/drugsfda.json"

    def params(self, terms: list[str], free_query: str | None, since: str | None) -> dict[str, str]:
        # openFDA cannot ask for applications changed since a day, so each sync reads all.
        if free_query is not None:
            search = free_query
        else:
            search = " ".join(
                f"{field}:{_quoted(t)}"
                for t in terms
                for field in ("products.active_ingredients.name", "products.brand_name")
            )
        return {"search": search, "limit": str(OPENFDA_PAGE_SIZE)}

    def fetch(self, client: RegistryClient, params: Mapping[str, str], cursor: str | None) -> Page:
        skip = int(cursor or 0)
        request = {**params, "skip": str(skip)}
        status, body = client.get_json(self.path, request)
        if status == 404 and isinstance(body, dict) and "error" in body:
            return Page({}, 0, None, 0)  # openFDA's answer to a search with no match
        if status != 200:
            _refused(client, self.path, request, status, body)
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(results, list):
            raise RegistryError(
                client.url(self.path, request), status, "not an openFDA drugsfda answer"
            )
        meta = _object(body.get("meta"))
        found = _object(meta.get("results")).get("total")
        total = found if isinstance(found, int) else None
        after = skip + len(results)
        more = bool(results) and total is not None and after < total
        if more and after > OPENFDA_MAX_SKIP:
            raise RegistryError(
                client.url(self.path, request),
                status,
                f"{total} results, but openFDA pages only up to skip {OPENFDA_MAX_SKIP}: "
                "narrow the query",
            )
        # The page keeps the data's date (meta.last_updated) and leaves out the counts of
        # the whole answer, which one page does not hold.
        kept_meta = {k: v for k, v in meta.items() if k != "results"}
        return Page(
            {"meta": kept_meta, "results": results},
            len(results),
            str(after) if more else None,
            total,
        )


REGISTRIES: Final[dict[str, Registry]] = {"ctgov": ClinicalTrialsGov(), "drugsfda": OpenFda()}
