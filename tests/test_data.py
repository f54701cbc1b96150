"""The bundled data: the seed's claims, the MDMA timeline, and the questions it must answer."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.provenance import cited_sources, conflicts
from graph.records import Citation
from graph.status import Phase, status_as_of, timeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_c4d38e4f2f9fb276.txt"
FACTS = SHARED / "facts.md"

needs_shared = pytest.mark.skipif(
    not SEED.exists() or not FACTS.exists(),
    reason=f"the shared seed and facts.md are not beside the project ({SHARED})",
)

US, AU = "jurisdiction:US", "jurisdiction:AU"
# The seed article: Medical News Today's original, and the blog copy whose text the project
# holds. Each quote is cited to the one whose words it carries.
ORIGINAL, COPY = "source:seed-mnt", "source:seed-copy"
# The sentences the copy kept word for word from the original (both texts carry them).
KEPT_WORD_FOR_WORD = (
    "Current research is investigating the uses of MDMA therapy in the treatment of:",
    "Research into MDMA therapy for treating PTSD",
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _citations(real: KnowledgeGraph) -> list[tuple[str, Citation]]:
    return [
        (node, citation)
        for node, attrs in real.graph.nodes(data=True)
        for citation in attrs["citations"]
    ]


def _pieces(quote: str | None) -> list[str]:
    """The parts of a quote between the ellipses that cut it."""
    return [p.strip() for p in _squash(quote or "").split("...") if p.strip()]


def _citations_of(real: KnowledgeGraph, source: str) -> list[tuple[str, Citation]]:
    return [(node, c) for node, c in _citations(real) if c.source == source]


@needs_shared
def test_seed_claims_are_cited_to_the_copy_in_its_own_words(real: KnowledgeGraph) -> None:
    seed = _squash(SEED.read_text(encoding="utf-8"))
    seed_claims = [c for c in real.by_kind["claim"] if c.startswith("claim:seed-")]
    assert len(seed_claims) >= 34
    for claim in seed_claims:
        assert any(c.source == COPY for c in cited_sources(real, claim)), (
            f"{claim} does not cite the seed"
        )
    cited = _citations_of(real, COPY)
    assert len(cited) >= 50
    for node, citation in cited:
        pieces = _pieces(citation.quote)
        # A derived citation carries no words: it says how a value was worked out.
        assert pieces or citation.derived, f"{node}: a citation of the copy without a quote"
        for piece in pieces:
            assert piece in seed, f"{node}: {piece!r} is cited to the copy but is not its wording"


def _in_the_copys_own_words(quote: str, seed: str) -> bool:
    """Whether `quote` is the copy's text rather than the original's: the copy paraphrases
    the original, and keeps the original's words only in the sentences listed here."""
    return _squash(quote) in seed and _squash(quote) not in KEPT_WORD_FOR_WORD


@needs_shared
def test_the_copys_words_are_never_cited_to_the_original(real: KnowledgeGraph) -> None:
    seed = _squash(SEED.read_text(encoding="utf-8"))
    # The check itself: the copy's paraphrase is caught, the original's words pass.
    assert _in_the_copys_own_words("MDMA used in MDMA therapy is of the highest quality.", seed)
    assert not _in_the_copys_own_words("MDMA therapy uses pharmaceutical grade MDMA.", seed)
    assert all(_squash(kept) in seed for kept in KEPT_WORD_FOR_WORD)
    cited = _citations_of(real, ORIGINAL)
    assert len(cited) >= 20
    for node, citation in cited:
        assert citation.quote, f"{node}: a citation of the original without a quote"
        for piece in _pieces(citation.quote):
            assert not _in_the_copys_own_words(piece, seed), (
                f"{node}: {piece!r} is the copy's wording, cited to the original"
            )


@needs_shared
def test_the_originals_words_that_facts_md_gives_are_cited_to_the_original(
    real: KnowledgeGraph,
) -> None:
    facts = _squash(FACTS.read_text(encoding="utf-8"))
    grade = "MDMA therapy uses pharmaceutical grade MDMA."
    assert grade in facts
    quotes = [_squash(c.quote or "") for _, c in _citations_of(real, ORIGINAL)]
    assert grade in quotes
    assert not any(grade in _squash(c.quote or "") for _, c in _citations_of(real, COPY))


def test_every_record_citing_the_copy_cites_the_original_or_says_why_not(
    real: KnowledgeGraph,
) -> None:
    records = {node for node, _ in _citations_of(real, COPY)}
    assert len(records) >= 45
    for record in sorted(records):
        citations = real.node(record)["citations"]
        cites_original = any(c.source == ORIGINAL for c in citations)
        says_why = any(c.source == COPY and ORIGINAL in (c.note or "") for c in citations)
        assert cites_original or says_why, f"{record}: the original is neither cited nor excused"


@needs_shared
def test_every_other_quote_is_in_facts_md(real: KnowledgeGraph) -> None:
    """Except quotes from sources the curators read themselves (those with `retrieved`),
    the seed copy's (its own text, checked above), and a source's own title, which its
    record gives."""
    facts = _squash(FACTS.read_text(encoding="utf-8"))
    for node, citation in _citations(real):
        source = real.node(citation.source)
        if (
            not citation.quote
            or "retrieved" in source
            or citation.source == COPY
            or citation.quote == source["title"]
        ):
            continue
        for piece in _pieces(citation.quote):
            assert piece in facts, f"{node}: {piece!r} is in no shared text"


@needs_shared
def test_every_source_url_is_one_facts_md_gives_or_was_read_directly(
    real: KnowledgeGraph,
) -> None:
    facts = FACTS.read_text(encoding="utf-8")
    read_directly = []
    for source in real.by_kind["source"]:
        attrs = real.node(source)
        if "url" not in attrs:
            # Only the seed copy has no public address; its record says where it is held.
            assert source == COPY
            assert SEED.name in str(attrs["held"])
        elif "retrieved" in attrs:
            read_directly.append(source)
        else:
            assert str(attrs["url"]) in facts, f"{source}: {attrs['url']} is not in facts.md"
    # Curators keep adding sources they read themselves; these three must stay among them.
    assert {
        "source:beckley-psytech-audited-accounts-2024",
        "source:comp360-phase2b-nejm-reviewerly",
        "source:compass-8k-2022-08",
        "source:ctgov-eu-lysergide",
        "source:ctgov-nct02427568",
        "source:ctgov-nct04077437-record",
        "source:ctgov-nct04438512",
        "source:ctgov-nct04714359",
        "source:ctgov-nct05624268",
        "source:cybin-btd-financetom",
        "source:fastcompany-mindmed-btd-2024",
        "source:fierce-lykos-2025-01",
        "source:healio-mm120-btd-2024",
        "source:jnj-spravato-monotherapy-financetom",
        "source:lykos-adcom-scheduled-prnewswire",
        "source:maestro-spravato-mdd-suicidal",
        "source:maps-lykos-name-change-globenewswire",
        "source:meddatax-comp006",
        "source:meddatax-nct02008396",
        "source:neuly-nct05407064",
        "source:politico-priority-review-excerpt",
        "source:seed-mnt",
        "source:thefly-crl-tipranks",
        "source:usona-faq",
    } <= set(read_directly)


@pytest.mark.parametrize(
    "phrase",
    [
        "combines regular dosages of the drug with psychotherapy",
        "Serotonin and other neurotransmitters are increased by MDMA",
        "3,4-Methylenedioxymethamphetamine is known as MDMA",
        "It is an empathogen",
        "Ecstasy and MDMA clinical use are not the same thing",
        "MDMA used in MDMA therapy is of the highest quality",
        "third and final stage of clinical trials",
        "designated MDMA as a breakthrough therapy",
        "approved an expanded access program",
        "2020 pilot trial with 18 participants",
        "MDMA therapy significantly lowered anxiety compared to the placebo group",
        "Oxytocin and prolactin, two hormones related to bonding and trust",
        "MDMA lowers activity in the amygdala",
        "binge-eating disorder",
        "anxiety in adults with autism",
    ],
)
def test_seed_claim_is_in_the_graph_attributed_to_the_seed(
    real: KnowledgeGraph, phrase: str
) -> None:
    claims = [
        c
        for c in real.by_kind["claim"]
        if any(
            cited.source == COPY and phrase in _squash(cited.citation.quote or "")
            for cited in cited_sources(real, c)
        )
    ]
    assert claims, f"no claim cites the seed for {phrase!r}"


@pytest.mark.parametrize(
    ("claim", "phrase"),
    [
        ("claim:seed-therapy-combines-mdma-and-psychotherapy", "regulated doses of MDMA alongside"),
        ("claim:seed-mdma-chemical-name", "MDMA stands for 3,4-methylenedioxymethamphetamine"),
        ("claim:seed-ecstasy-common-name", "People may refer to recreational MDMA as ecstasy"),
        ("claim:seed-therapy-mdma-highest-quality", "MDMA therapy uses pharmaceutical grade MDMA"),
        ("claim:seed-revisit-experiences-without-overwhelm", "revisit traumatic memories"),
        ("claim:seed-research-ptsd", "Research into MDMA therapy for treating PTSD"),
    ],
)
def test_seed_claim_is_also_cited_to_the_original_in_its_own_words(
    real: KnowledgeGraph, claim: str, phrase: str
) -> None:
    assert any(
        cited.source == ORIGINAL and phrase in _squash(cited.citation.quote or "")
        for cited in cited_sources(real, claim)
    )


def test_seed_source_is_medical_news_today_2022_09_29(real: KnowledgeGraph) -> None:
    seed = real.node(ORIGINAL)
    assert seed["publisher"] == "Medical News Today"
    assert seed["published"] == PartialDate(2022, 9, 29)
    assert seed["title"] == "What is MDMA therapy used for"
    assert (
        seed["url"] == "https://www.medicalnewstoday.com/articles/mdma-therapy?utm_source=ReadNext"
    )
    assert seed["retrieved"] == PartialDate(2026, 12, 2)  # its stored text was read


def test_the_seed_copy_is_held_without_an_address_and_names_its_original(
    real: KnowledgeGraph,
) -> None:
    copy = real.node(COPY)
    assert copy["type"] == "secondary_copy"
    assert "url" not in copy
    assert "000_c4d38e4f2f9fb276.txt" in str(copy["held"])
    assert str(real.node(ORIGINAL)["url"]) in str(copy["original"])
    assert copy["title"] == real.node(ORIGINAL)["title"]


def test_pilot_significance_conflict_keeps_both_claims(real: KnowledgeGraph) -> None:
    assert "conflict:mdma-anxiety-pilot-significance" in conflicts(real)
    conflict = real.node("conflict:mdma-anxiety-pilot-significance")
    assert conflict["claims"] == (
        "claim:seed-2020-pilot-significantly-lowered-anxiety",
        "claim:wolfson-2020-pilot-not-significant",
    )
    assert real.node(conflict["claims"][0])["status"] == "contradicted"
    # The seed's "significantly" is the copy's; the original's stored text ends before the
    # pilot, so nothing of it is cited to the original.
    seed = cited_sources(real, conflict["claims"][0])
    assert any("significantly lowered anxiety" in (c.citation.quote or "") for c in seed)
    assert {c.source for c in seed} == {COPY, "source:wolfson-2020-sci-rep"}
    wolfson = cited_sources(real, "claim:wolfson-2020-pilot-not-significant")
    assert any("p = .056" in (c.citation.quote or "") for c in wolfson)


def test_third_and_final_stage_is_superseded_by_the_crl(real: KnowledgeGraph) -> None:
    claim = real.node("claim:seed-ptsd-research-in-phase-3")
    assert claim["status"] == "superseded"
    assert claim["valid_to"] == PartialDate(2024, 8, 9)


def test_btd_grant_and_announcement_dates_are_kept_apart(real: KnowledgeGraph) -> None:
    btd = real.node("action:mdma-ptsd-btd")
    assert (btd["date"], btd["announced"]) == (PartialDate(2017, 8, 16), PartialDate(2017, 8, 26))
    assert btd["disclosure"] == "sponsor"


def test_maps_pbc_renamed_lykos_on_2024_01_05(real: KnowledgeGraph) -> None:
    names = real.node("organisation:lykos")["names"]
    assert [(n["name"], str(n.get("from")), str(n.get("to"))) for n in names] == [
        ("MAPS Public Benefit Corporation", "2014", "2024-01-04"),
        ("Lykos Therapeutics", "2024-01-05", "None"),
    ]
    assert real.names.search("MAPS Public Benefit Corporation", kinds=("organisation",))[0].id == (
        "organisation:lykos"
    )


def test_mdma_ptsd_us_status_before_the_application(real: KnowledgeGraph) -> None:
    status = status_as_of(real, "substance:mdma", date(2023, 6, 1), "condition:ptsd", US).approval
    assert status.phase is Phase.INVESTIGATIONAL
    assert status.in_force == (
        "action:mdma-ptsd-spa",
        "action:mdma-ptsd-btd",
        "action:mdma-ptsd-expanded-access",
    )
    assert status.summary == (
        "Investigational: no marketing application decided or pending. In force: "
        "special protocol assessment (2017-07-28); breakthrough therapy designation "
        "(2017-08-16); expanded access (2019-12-20)."
    )


def test_mdma_ptsd_us_status_after_the_complete_response_letter(real: KnowledgeGraph) -> None:
    status = status_as_of(real, "substance:mdma", date(2024, 9, 1), "condition:ptsd", US).approval
    assert status.phase is Phase.NOT_APPROVED
    assert status.phase_set_by == "action:mdma-ptsd-crl"
    assert "action:mdma-ptsd-priority-review" not in status.in_force
    assert "action:mdma-ptsd-adcom-vote" in status.history
    assert status.history.index("action:mdma-ptsd-nda-submitted") < status.history.index(
        "action:mdma-ptsd-crl"
    )


def test_mdma_ptsd_under_review_in_spring_2024(real: KnowledgeGraph) -> None:
    status = status_as_of(real, "substance:mdma", date(2024, 5, 1), "condition:ptsd", US).approval
    assert status.phase is Phase.UNDER_REVIEW
    assert "action:mdma-ptsd-priority-review" in status.in_force


def test_tga_rescheduling_takes_effect_on_2023_07_01(real: KnowledgeGraph) -> None:
    before = status_as_of(real, "substance:mdma", date(2023, 3, 1), "condition:ptsd", AU).legal
    after = status_as_of(real, "substance:mdma", date(2023, 7, 1), "condition:ptsd", AU).legal
    assert "action:mdma-ptsd-tga-rescheduling" in before.history
    assert before.schedules == ()
    assert after.schedules == ("action:mdma-ptsd-tga-rescheduling",)


def test_mdma_timeline_runs_in_order(real: KnowledgeGraph) -> None:
    entries = timeline(real, "substance:mdma", "condition:ptsd", US, include_trials=False)
    order = [e.node for e in entries]
    for earlier, later in [
        ("action:mdma-ptsd-btd", "action:mdma-ptsd-expanded-access"),
        ("action:mdma-ptsd-expanded-access", "action:mdma-ptsd-nda-submitted"),
        ("event:maps-pbc-renamed-lykos", "action:mdma-ptsd-adcom-vote"),
        ("action:mdma-ptsd-adcom-vote", "action:mdma-ptsd-crl"),
        ("action:mdma-ptsd-crl", "action:mdma-ptsd-crl-published"),
    ]:
        assert order.index(earlier) < order.index(later)
    assert entries[0].date.year == 2014  # MAPS PBC created
    assert entries[-1].node == "action:mdma-ptsd-crl-published"


def test_fda_breakthrough_designations(real: KnowledgeGraph) -> None:
    from graph.selection import actions

    found = actions(real, kinds=("breakthrough_therapy_designation",), agency="organisation:fda")
    assert found == [
        "action:esketamine-trd-btd",
        "action:esketamine-mdd-suicidal-btd",
        "action:mdma-ptsd-btd",
        "action:psilocybin-trd-compass-btd",
        "action:psilocybin-mdd-usona-btd",
        "action:lsd-gad-btd",
        "action:cyb003-mdd-btd",
        "action:methylone-us-transcend-btd-2025",
        "action:mebufotenin-trd-btd",
        "action:luvesilocin-us-re104-btd-2026",
    ]


def test_phase_3_trials_of_mdma_with_enrollment(real: KnowledgeGraph) -> None:
    from graph.selection import trials

    mapp = {
        t: (real.node(t).get("enrollment"), real.node(t).get("enrollment_type"))
        for t in trials(real, substance="substance:mdma", phases=("PHASE3",))
    }
    assert mapp["trial:NCT03537014"] == (90, "ACTUAL")
    assert mapp["trial:NCT04077437"] == (104, "ACTUAL")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("molly", "substance:mdma"),
        ("midomafetamine", "substance:mdma"),
        ("ecstasy", "substance:ecstasy"),
        ("psilocybine", "substance:psilocybin"),
        ("post traumatic stress", "condition:ptsd"),
        ("COMP360", "substance:psilocybin"),
        ("mm-120", "substance:lsd"),
        ("Lykos", "organisation:lykos"),
    ],
)
def test_search_finds_what_a_journalist_means(
    real: KnowledgeGraph, text: str, expected: str
) -> None:
    assert real.names.search(text, limit=1)[0].id == expected


def test_a_broken_copy_of_the_real_data_is_refused_with_file_and_line(tmp_path: Path) -> None:
    import shutil

    from graph.errors import DataValidationError
    from graph.load import load_graph

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    trials = copy / "trials.yaml"
    lines = trials.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip() == "phase: PHASE3")
    lines[number] = lines[number].replace("PHASE3", "PHASE 3")
    trials.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_graph(copy)
    assert [str(p) for p in caught.value.problems] == [
        f"data/trials.yaml:{number + 1}: phase: 'PHASE 3' is not one of EARLY_PHASE1, PHASE1, "
        "PHASE1_PHASE2, PHASE2, PHASE2_PHASE3, PHASE3, PHASE4, NA"
    ]


def test_mdma_trials_newest_start_first_with_undated_last(real: KnowledgeGraph) -> None:
    from graph.selection import sort_trials, trials

    ordered = sort_trials(real, trials(real, substance="substance:mdma"), "-start")
    starts = [real.node(t).get("start") for t in ordered]
    dated = [s for s in starts if s is not None]
    assert dated == sorted(dated, reverse=True)
    assert starts[len(dated) :] == [None] * (len(starts) - len(dated))
    assert ordered.index("trial:NCT04077437") < ordered.index("trial:NCT03537014")  # MAPP2, MAPP1


@pytest.mark.parametrize(
    ("file", "old", "new", "refused"),
    [
        (
            "trials.yaml",
            "  enrollment: 90\n",
            "  enrollment: 91\n",
            [(27, "trial:NCT03537014: a citation of source:mitchell-2021-mapp1-focus")],
        ),
        (
            "actions/mdma.yaml",
            "  date: 2017-08-16\n",
            "  date: 2017-08-15\n",
            [
                (87, "action:mdma-ptsd-btd: a citation of source:maps-btd-timeline"),
                (90, "action:mdma-ptsd-btd: a citation of source:feduccia-2019-focus-reprint"),
            ],
        ),
        (
            "trials.yaml",
            'quote: "phase 3 clinical trial (NCT03537014) to test',
            'quote: "phase 3 clinical trial to test',
            [(24, "trial:NCT03537014: a citation of source:mitchell-2021-mapp1-focus")],
        ),
    ],
    ids=["enrollment", "designation-date", "registry-id"],
)
def test_a_copy_of_the_real_data_whose_quote_no_longer_carries_a_value_is_refused(
    tmp_path: Path, file: str, old: str, new: str, refused: list[tuple[int, str]]
) -> None:
    import shutil

    from graph.errors import DataValidationError
    from graph.load import load_graph

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_graph(copy)
    problems = caught.value.problems
    assert [(p.file, p.line) for p in problems] == [(f"data/{file}", n) for n, _ in refused]
    assert [p.message[: len(m)] for p, (_, m) in zip(problems, refused, strict=True)] == [
        m for _, m in refused
    ]
