"""Agreement fed from a project: the figures equal the math (and the krippendorff package) on the same data (issue 14, item 5)."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.team.alpha import krippendorff_alpha, percent_agreement
from annotator.core.team.kappa import cohen_kappa, fleiss_kappa
from annotator.core.team.project_agreement import agreement
from annotator.core.team.span_f1 import match_spans, pairwise_span_f1_by_label
from annotator.core.team.spans import Span
from annotator.core.team.unitizing import binary_unitizing_alpha, layer_unitizing_alpha

pytestmark = pytest.mark.both_engines

TEXT = "Walmart left AWS on Monday. 월마트는 아마존을 떠났다. The CEO said prices will fall next year."


def figure(report, scope, name, measure):
    found = [row.figure for row in report.rows if (row.scope, row.name, row.figure.measure) == (scope, name, measure)]
    assert len(found) == 1, f"{scope} {name} {measure}: {len(found)} rows"
    return found[0]


def as_coder(project: Project, name: str) -> None:
    project.annotations.annotator = name


def package_alpha(data, level, order=None):
    """The krippendorff package on units x coders data (None missing), values mapped to ranks for ordinal."""
    if order is not None:
        rank = {value: i for i, value in enumerate(order)}
        data = [[None if v is None else rank[v] for v in row] for row in data]
    matrix = np.array([[np.nan if v is None else float(v) for v in row] for row in data]).T
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))


@pytest.fixture
def two_coders(project: Project):
    """Ten documents, Kim and 이지은 answering three variables with gaps; Kim alone on an eleventh."""
    docs = [project.documents.add(title=f"기사 {i}", text=f"{TEXT} {i}") for i in range(11)]
    project.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
    # Codes out of numeric order: the ordinal scale is the choices' order, 5 < 1 < 3.
    project.variables.add("tone", "single_choice", level="ordinal", choices=[(5, "negative"), (1, "neutral"),
                                                                            (3, "positive")])
    project.variables.add("sources", "number", level="interval")
    answers = {
        "Kim": {"topic": [1, 1, 2, 9, 2, 1, None, 2, 1, 9], "tone": [5, 1, 3, 3, 5, 1, 1, None, 3, 5],
                "sources": [0, 2, 3, 1, 5, 2, 4, 3, None, 1]},
        "이지은": {"topic": [1, 2, 2, 9, 2, 1, 1, 2, None, 9], "tone": [5, 1, 1, 3, 5, 3, 1, 5, 3, 5],
                 "sources": [0, 2, 4, 1, 5, 3, 4, 2, 1, None]},
    }
    for coder, given in answers.items():
        for i, doc in enumerate(docs[:10]):
            project.codesheet.set_many(doc, {name: values[i] for name, values in given.items()
                                             if values[i] is not None}, coder=coder)
    project.codesheet.set(docs[10], "topic", 1, coder="Kim")
    return docs, answers


def test_variables_match_the_math_and_the_krippendorff_package(project: Project, two_coders):
    docs, answers = two_coders
    report = agreement(project)
    assert report.coders == ("Kim", "이지은") and report.units == tuple(docs[:10])  # the eleventh: Kim alone
    orders = {"topic": None, "tone": [5, 1, 3], "sources": None}
    for name, level in (("topic", "nominal"), ("tone", "ordinal"), ("sources", "interval")):
        data = [[answers["Kim"][name][i], answers["이지은"][name][i]] for i in range(10)]
        alpha = figure(report, "variable", name, "alpha")
        assert alpha.level == level
        assert alpha.value == pytest.approx(krippendorff_alpha(data, level, order=orders[name]).value, abs=1e-12)
        assert alpha.value == pytest.approx(package_alpha(data, level, orders[name]), abs=1e-9)
        paired = sum(1 for row in data if None not in row)  # gaps leave a document out, as Krippendorff does
        assert (alpha.coders, alpha.documents, alpha.units) == (2, paired, paired) and paired < 10
        assert figure(report, "variable", name, "percent").value == percent_agreement(data).value
        kappa = figure(report, "variable", name, "cohen_kappa")
        assert kappa.value == pytest.approx(cohen_kappa(data).value) and kappa.units == paired
        assert not [row for row in report.rows if row.figure.measure == "fleiss_kappa"]


def test_level_overrides_where_the_type_allows_it_and_says_where_not(project: Project, two_coders):
    project.variables.add("quoted", "text")
    docs, answers = two_coders
    for coder in ("Kim", "이지은"):
        project.codesheet.set(docs[0], "quoted", "김지호", coder=coder)
        project.codesheet.set(docs[1], "quoted", "Lee", coder=coder)
    report = agreement(project, level="interval")
    data = [[answers["Kim"]["tone"][i], answers["이지은"]["tone"][i]] for i in range(10)]
    tone = figure(report, "variable", "tone", "alpha")
    assert tone.level == "interval" and tone.value == pytest.approx(package_alpha(data, "interval"), abs=1e-9)
    assert figure(report, "variable", "quoted", "alpha").level == "nominal"
    assert "--level interval does not fit quoted: it keeps its own level." in report.notes
    with pytest.raises(ProjectError, match="Unknown level 'nominl'"):
        agreement(project, level="nominl")


def test_no_variation_is_no_figure_with_its_reason_never_a_one(project: Project, doc_factory):
    project.variables.add("paywall", "yes_no")
    for doc in (doc_factory(TEXT), doc_factory(TEXT + " 2")):
        for coder in ("Kim", "Lee"):
            project.codesheet.set(doc, "paywall", "yes", coder=coder)
    report = agreement(project)
    alpha = figure(report, "variable", "paywall", "alpha")
    assert alpha.value is None and "every value is the same" in alpha.reason
    assert figure(report, "variable", "paywall", "percent").value == 1.0  # percent is defined: all agree
    assert figure(report, "variable", "paywall", "cohen_kappa").value is None


def test_multiple_choice_is_one_yes_no_item_per_choice(project: Project, doc_factory):
    project.variables.add("actors", "multiple_choice", choices=[(1, "government"), (2, "business")])
    given = {"Kim": ["1;2", "1", "2", "1"], "Lee": ["1", "1", "2;1", "2"]}
    docs = [doc_factory(f"{TEXT} {i}") for i in range(4)]
    for coder, values in given.items():
        for doc, value in zip(docs, values):
            project.codesheet.set(doc, "actors", value, coder=coder)
    report = agreement(project)
    government = [[1, 1], [1, 1], [0, 1], [1, 0]]
    business = [[1, 0], [0, 0], [1, 1], [0, 1]]
    assert figure(report, "variable", "actors: government", "alpha").value == pytest.approx(
        package_alpha(government, "nominal"), abs=1e-9)
    assert figure(report, "variable", "actors: business", "alpha").value == pytest.approx(
        package_alpha(business, "nominal"), abs=1e-9)


@pytest.fixture
def three_coders(project: Project):
    """Three coders' entity and claim spans on three documents; Cho codes only the first two."""
    docs = [project.documents.add(title=f"doc {i}", text=f"{TEXT} {i}") for i in range(3)]
    org, person, claim = (project.codebook.by_name(n) for n in ("Organization", "Person", "Claim"))
    marks = {
        "Ann": [(0, org, 0, 7), (0, org, 13, 16), (0, claim, 43, 83), (1, org, 0, 7), (1, claim, 43, 73),
                (2, org, 0, 7)],
        "Bo": [(0, org, 0, 7), (0, person, 13, 16), (0, claim, 43, 83), (1, org, 0, 6), (1, claim, 40, 83),
               (2, org, 28, 31)],
        "Cho": [(0, org, 0, 7), (0, org, 12, 16), (1, org, 0, 7), (1, person, 43, 46)],
    }
    made = {}
    for coder, found in marks.items():
        as_coder(project, coder)
        for i, label, start, end in found:
            made[coder, i, start] = project.annotations.add(docs[i], label, start, end)
    return docs, marks, made


def spans_of(docs, marks, layer, only):
    layer_labels = {"entity": ("Organization", "Person"), "claim": ("Claim",)}[layer]
    return {coder: [Span(docs[i], s, e, label.name) for i, label, s, e in found
                    if label.name in layer_labels and docs[i] in only] for coder, found in marks.items()}


def test_span_figures_match_the_math_on_the_documents_every_coder_coded(project: Project, three_coders):
    docs, marks, _made = three_coders
    report = agreement(project)
    assert report.units == tuple(docs) and report.complete == tuple(docs[:2])
    lengths = {doc: len(project.documents.get(doc).text) for doc in docs[:2]}
    for layer in ("entity", "claim"):
        spans = spans_of(docs, marks, layer, docs[:2])
        pooled, per_label = layer_unitizing_alpha(spans, lengths)
        assert figure(report, "layer", layer, "u_alpha") == pooled
        for label, expected in per_label.items():
            assert figure(report, "label", label, "u_alpha") == expected
        assert figure(report, "layer", layer, "binary_u_alpha") == binary_unitizing_alpha(spans, lengths)
        for overlap, measure in ((False, "f1_exact"), (True, "f1_overlap")):
            pooled, per_label = pairwise_span_f1_by_label(spans, lengths, overlap=overlap)
            assert figure(report, "layer", layer, measure) == pooled
            for label, expected in per_label.items():
                assert figure(report, "label", label, measure) == expected
    entity = figure(report, "layer", "entity", "u_alpha")
    assert (entity.coders, entity.documents, entity.units) == (3, 2, 10)
    assert "Span figures rest on the 2 documents every compared coder coded; 1 more" in report.notes[0]


def test_the_matrix_and_each_document_compare_the_coders_who_coded_there(project: Project, three_coders):
    docs, marks, _made = three_coders
    report = agreement(project)
    lengths = {doc: len(project.documents.get(doc).text) for doc in docs}
    every = {coder: [Span(docs[i], s, e, label.name) for i, label, s, e in found] for coder, found in marks.items()}
    ann_bo, _ = pairwise_span_f1_by_label({"Ann": every["Ann"], "Bo": every["Bo"]}, lengths, overlap=True)
    cell = report.pair("Ann", "Bo")
    assert cell.documents == 3 and cell.f1_overlap == ann_bo
    ann_cho, _ = pairwise_span_f1_by_label({"Ann": every["Ann"], "Cho": every["Cho"]},
                                           {d: lengths[d] for d in docs[:2]}, overlap=True)
    assert report.pair("Cho", "Ann").f1_overlap == ann_cho and report.pair("Ann", "Cho").documents == 2
    last = report.documents[2]
    assert (last.document, last.coders, last.spans) == (docs[2], ("Ann", "Bo"), {"Ann": 1, "Bo": 1})
    assert last.f1_overlap.value == 0.0  # one Organization each, in different places
    assert report.documents[0].spans == {"Ann": 3, "Bo": 3, "Cho": 2}


def test_a_coder_who_coded_nothing_on_a_document_is_no_unit_there(project: Project, doc_factory):
    shared, alone, marked = doc_factory(TEXT), doc_factory(TEXT + " 2"), doc_factory(TEXT + " 3")
    org = project.codebook.by_name("Organization")
    project.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    for coder in ("Kim", "Lee"):
        as_coder(project, coder)
        project.annotations.add(shared, org, 0, 7)
        project.codesheet.set(shared, "topic", 1)
    as_coder(project, "Kim")
    project.annotations.add(alone, org, 0, 7)  # nobody else touched it
    project.annotations.add(marked, org, 0, 7)
    project.codesheet.mark_coded(marked, coder="Lee")  # Lee read it and found nothing to tag
    project.codesheet.set(shared, "topic", 2, coder="Park")  # Park answered one document, tagged none
    report = agreement(project, coders=["Kim", "Lee"])
    assert report.units == (shared, marked)
    entity = figure(report, "layer", "entity", "u_alpha")
    lengths = {shared: len(TEXT), marked: len(TEXT) + 2}
    spans = {"Kim": [Span(shared, 0, 7, "Organization"), Span(marked, 0, 7, "Organization")],
             "Lee": [Span(shared, 0, 7, "Organization")]}
    assert entity == layer_unitizing_alpha(spans, lengths)[0] and entity.value < 1  # Lee's "nothing" counts
    everyone = agreement(project)
    assert everyone.coders == ("Kim", "Lee", "Park") and everyone.complete == (shared,)
    assert everyone.documents[1].coders == ("Kim", "Lee")  # Park is no unit on the marked document
    topic = figure(everyone, "variable", "topic", "alpha")
    assert (topic.coders, topic.units) == (3, 1)
    assert figure(everyone, "variable", "topic", "fleiss_kappa").value == pytest.approx(
        fleiss_kappa([[1, 1, 2]]).value)


def test_roles_and_attributes_of_matched_spans(project: Project, doc_factory):
    docs = [doc_factory(f"{TEXT} {i}") for i in range(3)]
    claim, quote = project.codebook.by_name("Claim"), project.codebook.by_name("Quote")
    verdict = next(a for a in project.codebook.attributes(claim.id) if a.name == "verdict")
    sources = {"Kim": ["the CEO", "CEO", None], "Lee": ["the ceo", "Walmart", None]}
    verdicts = {"Kim": [verdict.choices[0], verdict.choices[1], None], "Lee": [verdict.choices[0],
                                                                             verdict.choices[0], None]}
    for coder in ("Kim", "Lee"):
        as_coder(project, coder)
        for i, doc in enumerate(docs):
            label = quote if (coder, i) == ("Lee", 2) else claim
            tagged = project.annotations.add(doc, label, 43, 83 if coder == "Kim" else 79,
                                             source=sources[coder][i])
            if verdicts[coder][i] is not None:
                project.values.set(tagged.id, verdict.id, verdicts[coder][i])
    report = agreement(project)
    roles = {(r.layer, r.name): r for r in report.roles}
    assert roles["claim", "source"].matched == 3  # overlapping same-layer spans, Claim against Quote too
    assert roles["claim", "source"].figure == krippendorff_alpha(
        [["the ceo", "the ceo"], ["ceo", "walmart"], ["(none)", "(none)"]], "nominal", documents=3)
    assert roles["claim", "label"].figure == krippendorff_alpha(
        [["Claim", "Claim"], ["Claim", "Claim"], ["Claim", "Quote"]], "nominal", documents=3)
    assert roles["claim", "verdict"].figure == krippendorff_alpha(
        [[verdicts["Kim"][0], verdicts["Lee"][0]], [verdicts["Kim"][1], verdicts["Lee"][1]], [None, None]],
        "nominal", documents=3)
    assert figure(report, "layer", "claim: source", "alpha") == roles["claim", "source"].figure
    places = [(d.document, d.kind, d.name, d.start, d.end, d.versions) for d in report.disagreements
              if d.kind == "role"]
    assert places == [(docs[1], "role", "claim: source", 43, 83, {"Kim": "ceo", "Lee": "walmart"})]
    # And the matching is the math's: the same pairs match_spans finds with the layer as their label.
    kim = [Span(d, 43, 83, "claim") for d in docs]
    lee = [Span(d, 43, 79, "claim") for d in docs]
    assert len(match_spans(kim, lee, overlap=True)) == 3


def test_disagreements_name_the_place_and_each_coders_version(project: Project, three_coders):
    docs, _marks, _made = three_coders
    report = agreement(project)
    first = [(d.kind, d.name, d.start, d.end, d.versions) for d in report.disagreements if d.document == docs[0]]
    assert first == [("span", "entity", 12, 16, {"Ann": "Organization 13-16", "Bo": "Person 13-16",
                                                  "Cho": "Organization 12-16"}),
                     ("span", "claim", 43, 83, {"Ann": "Claim 43-83", "Bo": "Claim 43-83", "Cho": "(nothing)"})]
    assert report.documents[0].disagreements == 2


def test_whole_document_stances_compare_per_target(project: Project, doc_factory):
    favor, against = project.codebook.by_name("Favor"), project.codebook.by_name("Against")
    docs = [doc_factory(f"{TEXT} {i}") for i in range(3)]
    given = {"Kim": [favor, favor, against], "Lee": [favor, against, None]}
    for coder, labels in given.items():
        as_coder(project, coder)
        for doc, label in zip(docs, labels):
            if label is None:
                project.codesheet.mark_coded(doc)
            else:
                project.annotations.add(doc, label, target="Walmart")
    report = agreement(project)
    alpha = figure(report, "variable", "whole document: stance toward walmart", "alpha")
    assert alpha == krippendorff_alpha([["Favor", "Favor"], ["Favor", "Against"], ["Against", "(none)"]],
                                       "nominal")


def test_the_gold_layer_is_no_coder_unless_named(project: Project, doc_factory):
    doc = doc_factory(TEXT)
    org = project.codebook.by_name("Organization")
    for coder, end in (("Kim", 7), ("Lee", 6)):
        as_coder(project, coder)
        project.annotations.add(doc, org, 0, end)
    project.coders.writing_gold = True
    project.annotations.add(doc, org, 0, 7)
    project.coders.writing_gold = False
    gold = project.coders.gold().name
    assert agreement(project).coders == ("Kim", "Lee")
    against_gold = agreement(project, coders=["Lee", gold])
    assert against_gold.coders == ("Lee", gold)
    assert figure(against_gold, "layer", "entity", "f1_exact").value == 0.0


def test_one_coder_or_no_shared_document_is_a_problem_not_a_figure(project: Project, doc_factory):
    doc = doc_factory(TEXT)
    as_coder(project, "Kim")
    project.annotations.add(doc, project.codebook.by_name("Organization"), 0, 7)
    report = agreement(project)
    assert report.rows == [] and report.problem.startswith("No two coders have coded the same document yet")
    project.codesheet.mark_coded(doc_factory(TEXT + " 2"), coder="Lee")
    report = agreement(project, coders=["Kim", "Lee"])
    assert report.rows == [] and report.problem.startswith("No document was coded by two of Kim, Lee")
    with pytest.raises(ProjectError, match="No coder is called 'Nobody'"):
        agreement(project, coders=["Kim", "Nobody"])
    with pytest.raises(ProjectError, match="Agreement compares two coders or more"):
        agreement(project, coders=["Kim", "kim"])
    with pytest.raises(ProjectError, match="There is no document 99"):
        agreement(project, documents=[doc, 99])


def test_documents_limit_the_units(project: Project, two_coders):
    docs, answers = two_coders
    report = agreement(project, documents=docs[:4])
    data = [[answers["Kim"]["topic"][i], answers["이지은"]["topic"][i]] for i in range(4)]
    assert report.units == tuple(docs[:4])
    assert math.isclose(figure(report, "variable", "topic", "alpha").value, package_alpha(data, "nominal"),
                        abs_tol=1e-9)
