"""Matching registry names to the records the data holds, and reading what a party is."""

from __future__ import annotations

import pytest

from graph.importers.matching import (
    Matcher,
    condition_keys,
    is_placebo,
    organisation_key,
    slug,
    split_abbreviation,
)
from graph.importers.parties import is_placeholder, looks_like_person, organisation_type
from graph.importers.plan import read_existing
from graph.load import DEFAULT_DATA_DIR
from graph.vocab import OrganisationType


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    found = Matcher()
    for record in read_existing(DEFAULT_DATA_DIR).typed:  # read-only
        found.add(record.id, record.kind, record.fields)
    return found


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["MDMA"], ["substance:mdma"]),
        (["midomafetamine"], ["substance:mdma"]),
        (["MDMA-assisted therapy"], ["substance:mdma"]),
        (["ESKETAMINE HYDROCHLORIDE"], ["substance:esketamine"]),
        (["SPRAVATO"], ["substance:esketamine"]),
        (["MM-120"], ["substance:lsd"]),
        (["LSD D-Tartrate"], ["substance:lsd"]),
        (["Psilocybin 25 mg", "COMP360"], ["substance:psilocybin"]),
        # Street names never match inside other names, and one-letter ones not at all.
        (["Vitamin E"], []),
        (["E"], []),
        (["Adam"], ["substance:mdma"]),
        (["ketamine"], ["substance:ketamine"]),
        (["esketamine"], ["substance:esketamine"]),
        (["Placebo"], []),
    ],
)
def test_substances(matcher: Matcher, names: list[str], expected: list[str]) -> None:
    assert matcher.substances(names) == expected


def test_organisations(matcher: Matcher) -> None:
    assert matcher.organisation("MAPS") == "organisation:maps"
    assert matcher.organisation("MAPS Public Benefit Corporation") == "organisation:lykos"
    assert matcher.organisation("Compass Pathways Ltd") == "organisation:compass-pathways"
    assert matcher.organisation("the Usona Institute") == "organisation:usona"
    assert matcher.organisation("Janssen Pharms") is None
    assert matcher.regulator("FDA") == "organisation:fda"
    assert organisation_key("Xynomic Pharmaceuticals, Inc.") == "xynomic pharmaceuticals"
    assert organisation_key("Laboratorio Farmaceutico Ct S.r.l.") == "laboratorio farmaceutico ct"


def test_conditions(matcher: Matcher) -> None:
    assert matcher.condition(condition_keys("PTSD")) == "condition:ptsd"
    assert matcher.condition(condition_keys("Post-Traumatic Stress Disorder (PTSD)")) == (
        "condition:ptsd"
    )
    assert matcher.condition(condition_keys("Depression, Major")) is None
    assert matcher.condition(condition_keys("Disorder, Major Depressive")) == "condition:mdd"
    assert condition_keys("Caries, Dental", "Dental Caries") == ["caries dental", "dental caries"]
    assert split_abbreviation("Spinal Muscular Atrophy (SMA)") == ("Spinal Muscular Atrophy", "SMA")
    assert split_abbreviation("HGG (Not Recruiting)") == ("HGG (Not Recruiting)", None)


def test_new_ids_are_unique_and_readable(matcher: Matcher) -> None:
    assert matcher.new_id("organisation", "MAPS") == "organisation:maps-2"
    assert matcher.new_id("condition", "Hôpitaux & Co") == "condition:hopitaux-co"
    assert (
        slug("Assistance Publique - Hôpitaux de Paris") == "assistance-publique-hopitaux-de-paris"
    )
    assert slug("???") == "unnamed"
    assert len(slug("word " * 40)) <= 60


@pytest.mark.parametrize(
    ("name", "agency_class", "investigator", "person"),
    [
        ("Alexander Kolevzon", None, None, True),
        ("M. Louise Markert", "OTHER", None, True),
        ("Moti Moskovitz", "OTHER", "Moti Moskovitz", True),
        ("Jane Doe", "INDIV", None, True),
        ("Orlando Health, Inc.", "OTHER", None, False),
        ("RTI International", None, None, False),
        ("Sangath", "OTHER", None, False),
        ("Mayo Clinic", "OTHER", None, False),
        ("Medtronic Inc", "INDUSTRY", None, False),
    ],
)
def test_people_are_told_from_organisations(
    name: str, agency_class: str | None, investigator: str | None, person: bool
) -> None:
    assert looks_like_person(name, agency_class, investigator) is person


@pytest.mark.parametrize(
    ("name", "agency_class", "expected", "guessed"),
    [
        ("Marinus Pharmaceuticals", "INDUSTRY", OrganisationType.COMPANY, False),
        ("National Institutes of Health (NIH)", "NIH", OrganisationType.GOVERNMENT, False),
        ("Orlando Health, Inc.", "OTHER", OrganisationType.COMPANY, True),
        ("Peking University", "OTHER", OrganisationType.ACADEMIC, True),
        ("Assistance Publique - Hôpitaux de Paris", None, OrganisationType.ACADEMIC, True),
        ("Usona Institute", None, OrganisationType.NONPROFIT, True),
        ("Sangath", "OTHER", OrganisationType.NONPROFIT, True),
    ],
)
def test_organisation_types(
    name: str, agency_class: str | None, expected: OrganisationType, guessed: bool
) -> None:
    guess = organisation_type(name, agency_class, OrganisationType.NONPROFIT)
    assert guess.type is expected
    assert (guess.note is not None) is guessed


def test_placeholders_and_placebos() -> None:
    assert is_placeholder("[Redacted]")
    assert not is_placeholder("Redacted Inc")
    assert is_placebo("Normal saline")
    assert is_placebo("Sham NeuroStar TMS")
    assert not is_placebo("Ganaxolone")
