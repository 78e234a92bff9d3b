"""The numbers behind every chart kind (issue 16, item 1), on a project file and a shared project.

Each test checks a chart's table against the hand-counted project of charts_support.py, or
against a query of its own, and what a click on a cell would list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from annotator.core.charts.data import ChartOptions, chart_data
from annotator.core.charts.filters import ChartFilter
from annotator.core.common.errors import ProjectError
from annotator.core.team.adjudication import take
from annotator.core.team.project_agreement import agreement
from tests.core.charts_support import build
from tests.support import span_of

pytestmark = pytest.mark.both_engines


@pytest.fixture
def coded(project):
    return project, build(project)


def _table(data) -> dict[str, dict[str, float]]:
    """Row -> {column: value} with the zero cells left out, as a reader of the chart sees it."""
    return {row: {c: data.value(row, c) for c in data.columns if data.value(row, c)} for row in data.rows}


def test_stance_by_target_counts_every_coders_stances_toward_each_target(coded):
    project, _ = coded
    data = chart_data(project, "stance-targets")
    assert data.columns == ["Favor", "Against", "Neutral", "Mixed"]
    assert data.colors["Favor"] == project.codebook.by_name("Favor").color
    assert _table(data) == {"Walmart": {"Favor": 2, "Against": 2}, "삼성전자": {"Against": 1, "Mixed": 1},
                            "Amazon": {"Favor": 1}}
    assert data.rows[0] == "Walmart"  # the most stanced-toward target first


def test_a_click_on_a_stance_cell_lists_its_documents_and_annotations(coded):
    project, docs = coded
    data = chart_data(project, "stance-targets")
    behind = data.cell_ids(project, "Walmart", "Against")
    against = project.codebook.by_name("Against").id
    expected = sorted(a.id for a in project.annotations.iter_all() if a.label_id == against and a.target == "Walmart")
    assert behind.documents == (docs["d1"], docs["d2"])
    assert list(behind.annotations) == expected and len(expected) == 2


def test_one_coder_the_gold_layer_and_all_coders_count_different_codes(coded):
    project, docs = coded
    assert _table(chart_data(project, "stance-targets", ChartFilter(coder="lee"))) == {
        "Walmart": {"Favor": 1, "Against": 1}}
    take(project, docs["d1"], "kim")  # kim's codes of d1 become the gold layer's
    gold = chart_data(project, "stance-targets", ChartFilter(gold=True))
    assert _table(gold) == {"Walmart": {"Favor": 1}, "삼성전자": {"Against": 1}}
    # Gold copies kim's codes: counting it among all coders would count them twice.
    assert _table(chart_data(project, "stance-targets"))["Walmart"] == {"Favor": 2, "Against": 2}


def test_the_document_filter_keeps_documents_by_metadata_stance_and_search(coded):
    project, _ = coded
    times = chart_data(project, "stance-targets", ChartFilter(metadata=(("outlet", "Times"),)))
    assert _table(times) == {"Walmart": {"Favor": 1, "Against": 1}, "삼성전자": {"Against": 1, "Mixed": 1},
                             "Amazon": {"Favor": 1}}
    mixed = chart_data(project, "stance-targets", ChartFilter(stance_target="삼성전자", stance="Mixed"))
    assert _table(mixed) == {"삼성전자": {"Mixed": 1}, "Amazon": {"Favor": 1}}  # d3 alone
    store = chart_data(project, "labels", ChartFilter(search="store"))  # only d2 says "store"
    assert _table(store)["Organization"] == {"annotations": 2, "documents": 1}


def test_stance_by_outlet_and_toward_one_target(coded):
    project, _ = coded
    assert _table(chart_data(project, "stance-outlets")) == {
        "Times": {"Favor": 2, "Against": 2, "Mixed": 1}, "Post": {"Favor": 1, "Against": 1}}
    walmart = chart_data(project, "stance-outlets", options=ChartOptions(target="walmart"))  # case aside
    assert _table(walmart) == {"Times": {"Favor": 1, "Against": 1}, "Post": {"Favor": 1, "Against": 1}}


def test_stance_over_time_by_month_and_by_week(coded):
    project, _ = coded
    months = chart_data(project, "stance-time")
    assert _table(months) == {"2024-03": {"Favor": 2, "Against": 3}, "2024-04": {"Favor": 1, "Mixed": 1}}

    def monday(day: str) -> str:
        d = date.fromisoformat(day)
        return (d - timedelta(days=d.weekday())).isoformat()

    weeks = chart_data(project, "stance-time", options=ChartOptions(period="week"))
    assert weeks.rows == [monday("2024-03-05"), monday("2024-03-20"), monday("2024-04-02")]
    assert _table(weeks)[monday("2024-03-20")] == {"Favor": 1, "Against": 1}


def test_most_mentioned_entities_count_mentions_and_documents(coded):
    project, _ = coded
    data = chart_data(project, "entities")
    assert _table(data) == {"Walmart": {"mentions": 4, "documents": 3}, "삼성전자": {"mentions": 2, "documents": 2},
                            "Amazon": {"mentions": 2, "documents": 2}, "Kim": {"mentions": 1, "documents": 1}}
    assert data.rows[0] == "Walmart"


def test_a_name_both_linked_and_unlinked_counts_its_documents_once(project):
    """Walmart: a linked mention (text 월마트) and unlinked ones in the same and another document;
    아마존 linked to Amazon counts under Amazon, an unlinked 아마존 elsewhere under its text."""
    org = project.codebook.by_name("Organization")
    walmart = project.entities.create("Walmart", org.id).id
    amazon = project.entities.create("Amazon", org.id).id
    texts = {"A": "월마트 (Walmart) cut prices.", "B": "Walmart again.", "C": "아마존 waited."}
    docs = {name: project.documents.add(title=name, text=text) for name, text in texts.items()}
    project.annotations.link_entity(project.annotations.add(docs["A"], org, *span_of(texts["A"], "월마트")).id,
                                    walmart)
    project.annotations.add(docs["A"], org, *span_of(texts["A"], "Walmart"))
    project.annotations.add(docs["B"], org, *span_of(texts["B"], "Walmart"))
    project.annotations.link_entity(project.annotations.add(docs["A"], org, *span_of(texts["A"], "cut")).id, amazon)
    project.annotations.add(docs["C"], org, *span_of(texts["C"], "아마존"))
    expected = {name: (n, d) for name, n, d in project.store.conn.execute(
        "SELECT COALESCE(e.name, a.text), count(*), count(DISTINCT a.document_id) FROM annotations a "
        "LEFT JOIN entities e ON e.id = a.entity_id GROUP BY COALESCE(e.name, a.text)")}
    assert expected == {"Walmart": (3, 2), "Amazon": (1, 1), "아마존": (1, 1)}
    data = chart_data(project, "entities")
    assert {row: (data.value(row, "mentions"), data.value(row, "documents")) for row in data.rows} == expected
    network = chart_data(project, "cooccurrence")
    assert {row: network.value(row, row) for row in network.rows} == {n: d for n, (_, d) in expected.items()}
    assert network.cell_ids(project, "Walmart", None).documents == (docs["A"], docs["B"])


def test_the_co_occurrence_network_weighs_edges_by_shared_documents(coded):
    project, docs = coded
    data = chart_data(project, "cooccurrence")
    edges = {frozenset((a, b)): w for (a, b), w in data.values.items() if a != b}
    assert edges == {frozenset(("Walmart", "삼성전자")): 2, frozenset(("Walmart", "Amazon")): 2,
                     frozenset(("Walmart", "Kim")): 1, frozenset(("삼성전자", "Amazon")): 1,
                     frozenset(("삼성전자", "Kim")): 1}
    assert data.value("Walmart", "Walmart") == 3  # a node's size: its documents
    assert data.cell_ids(project, "Walmart", "삼성전자").documents == (docs["d1"], docs["d3"])


# Sentences: abbreviations (Mr., U.S.), a paragraph break with no period before it, Korean with
# a period and a CJK full stop, a mention spanning two sentences, and stretches between two mentions
# longer than the piece of text read at first (one holding a sentence's end, one not).
SENTENCES = {
    "A": "Kim met Mr. Park and the U.S. staff of Walmart on Monday. Amazon waited\n\nKim phoned.",
    "B": "삼성전자는 아마존을 만났다. 그러나 Kim은 떠났다。Walmart 없이.",
    "C": "They met Costco. Target came.",
    "D": "Walmart " + "and more " * 60 + "Amazon agreed.",
    "E": "Kim " + "and more " * 60 + "left. Amazon stayed.",
}
MENTIONS = {"A": [("Kim", 0), ("Walmart", 0), ("Amazon", 0), ("Kim", 1)], "B": [("삼성전자", 0), ("아마존", 0),
            ("Kim", 0), ("Walmart", 0)], "C": [("They", 0), ("Costco. Target", 0), ("came", 0)],
            "D": [("Walmart", 0), ("Amazon", 0)], "E": [("Kim", 0), ("Amazon", 0)]}


def test_the_sentence_network_joins_entities_mentioned_in_one_sentence(project):
    org = project.codebook.by_name("Organization")
    docs, tagged = {}, {}
    for name, text in SENTENCES.items():
        docs[name] = project.documents.add(title=name, text=text)
        for word, nth in MENTIONS[name]:
            tagged[(name, word, nth)] = project.annotations.add(docs[name], org, *span_of(text, word, nth)).id
    data = chart_data(project, "cooccurrence", options=ChartOptions(within="sentence"))
    edges = {frozenset((a, b)): w for (a, b), w in data.values.items() if a != b}
    assert edges == {frozenset(("Kim", "Walmart")): 1, frozenset(("삼성전자", "아마존")): 1,
                     frozenset(("They", "Costco. Target")): 1, frozenset(("Walmart", "Amazon")): 1}
    assert data.value("Kim", "Kim") == 3  # a node's size stays its documents
    assert data.value_title == "sentences"
    # A click on an edge lists the documents with a shared sentence and the mentions in it.
    kim_walmart = data.cell_ids(project, "Kim", "Walmart")
    assert kim_walmart.documents == (docs["A"],)
    assert kim_walmart.annotations == tuple(sorted((tagged[("A", "Kim", 0)], tagged[("A", "Walmart", 0)])))
    assert data.cell_ids(project, "Walmart", "Amazon").documents == (docs["D"],)
    assert data.cell_ids(project, "Kim", "Amazon").documents == ()
    assert data.cell_ids(project, "Kim", None).documents == (docs["A"], docs["B"], docs["E"])
    # The same mentions by document: every pair in one document is joined.
    by_document = chart_data(project, "cooccurrence")
    shared = {frozenset((a, b)): w for (a, b), w in by_document.values.items() if a != b}
    assert shared[frozenset(("Kim", "Walmart"))] == 2 and shared[frozenset(("Kim", "Amazon"))] == 2
    assert by_document.cell_ids(project, "Kim", "Walmart").documents == (docs["A"], docs["B"])
    with pytest.raises(ProjectError, match="Unknown --within 'paragraph'; use document or sentence"):
        chart_data(project, "cooccurrence", options=ChartOptions(within="paragraph"))


def test_the_sentence_network_keeps_to_the_filter_and_the_coders(coded):
    project, docs = coded
    by_sentence = ChartOptions(within="sentence")

    def edges(flt):
        data = chart_data(project, "cooccurrence", flt, by_sentence)
        return {frozenset((a, b)): w for (a, b), w in data.values.items() if a != b}, data

    # d1 and d3 as kim tagged them; d2 names Walmart and Amazon in two sentences.
    assert edges(ChartFilter(coder="kim"))[0] == {frozenset(("Walmart", "삼성전자")): 2,
                                                  frozenset(("Walmart", "Amazon")): 1,
                                                  frozenset(("Amazon", "삼성전자")): 1}
    only_post, data = edges(ChartFilter(metadata=(("outlet", "Post"),)))
    assert only_post == {} and data.rows == ["Amazon", "Walmart"]
    assert data.cell_ids(project, "Amazon", "Walmart").documents == ()
    times, data = edges(ChartFilter(metadata=(("outlet", "Times"),), coder="kim"))
    assert data.cell_ids(project, "Walmart", "삼성전자").documents == (docs["d1"], docs["d3"])


def test_claims_by_verdict_type_and_source(coded):
    project, _ = coded
    assert _table(chart_data(project, "claims-verdict")) == {"accurate": {"Claim": 1}, "false": {"Claim": 1}}
    assert chart_data(project, "claims-verdict").rows == ["accurate", "false"]  # the codebook's order
    assert _table(chart_data(project, "claims-type")) == {"factual": {"Claim": 1}, "(not set)": {"Claim": 1}}
    assert _table(chart_data(project, "claims-source")) == {"삼성전자": {"false": 1}, "Walmart": {"accurate": 1}}


def test_label_frequencies_match_a_count_of_the_annotations(coded):
    project, _ = coded
    data = chart_data(project, "labels")
    names = {label.id: label.name for label in project.codebook.labels()}
    counted: dict[str, list] = {}
    for a in project.annotations.iter_all():
        counted.setdefault(names[a.label_id], []).append(a.document_id)
    assert _table(data) == {name: {"annotations": len(ids), "documents": len(set(ids))}
                            for name, ids in counted.items()}
    assert list(_table(chart_data(project, "labels", options=ChartOptions(layer="stance")))) == [
        "Favor", "Against", "Mixed"]


def test_the_document_label_matrix_matches_a_query_of_its_own(coded):
    project, docs = coded
    data = chart_data(project, "matrix")
    rows = project.store.conn.execute(
        "SELECT d.id, d.title, l.name, count(*) FROM annotations a JOIN documents d ON d.id = a.document_id "
        "JOIN labels l ON l.id = a.label_id GROUP BY d.id, d.title, l.name").fetchall()
    assert {(r, c): v for (r, c), v in data.values.items() if v} == {
        (f"#{doc} {title}", label): count for doc, title, label, count in rows}
    assert data.rows == [f"#{docs['d1']} One", f"#{docs['d2']} Two", f"#{docs['d3']} Three"]  # d4 has none


def test_variable_distributions_and_their_crosstab(coded):
    project, _ = coded
    assert _table(chart_data(project, "variable", options=ChartOptions(variable="topic"))) == {
        "Economy": {"answers": 4}, "Politics": {"answers": 1}}
    assert _table(chart_data(project, "variable", options=ChartOptions(variable="critical"))) == {
        "yes": {"answers": 2}, "no": {"answers": 1}}
    cross = chart_data(project, "crosstab", options=ChartOptions(variable="topic", second="critical"))
    assert _table(cross) == {"Economy": {"yes": 2}, "Politics": {"no": 1}}


def test_agreement_per_label_and_variable_is_the_agreement_reports(coded):
    project, _ = coded
    data = chart_data(project, "agreement")
    report = agreement(project)
    topic = next(r.figure.value for r in report.rows if r.scope == "variable" and r.name == "topic"
                 and r.figure.measure == "alpha")
    assert data.value("variable: topic", "alpha") == topic
    assert "kim" in data.title and "lee" in data.title


def test_agreement_of_one_coder_is_refused_with_a_reason(coded):
    project, _ = coded
    with pytest.raises(ProjectError, match="compares coders"):
        chart_data(project, "agreement", ChartFilter(coder="kim"))


def test_unknown_kinds_fields_variables_and_empty_charts_say_what_to_do(coded):
    project, _ = coded
    with pytest.raises(ProjectError, match="Unknown chart 'pie'.*stance-targets"):
        chart_data(project, "pie")
    with pytest.raises(ProjectError, match="metadata field 'paper'.*date, outlet"):
        chart_data(project, "stance-outlets", options=ChartOptions(by="paper"))
    with pytest.raises(ProjectError, match="metadata field 'section'"):
        chart_data(project, "labels", ChartFilter(metadata=(("section", "x"),)))
    with pytest.raises(ProjectError, match="No variable is called 'tone'"):
        chart_data(project, "variable", options=ChartOptions(variable="tone"))
    with pytest.raises(ProjectError, match="^nothing to chart: "):
        chart_data(project, "labels", ChartFilter(metadata=(("outlet", "Nobody"),)))
    with pytest.raises(ProjectError, match="no gold layer"):
        chart_data(project, "labels", ChartFilter(gold=True))
