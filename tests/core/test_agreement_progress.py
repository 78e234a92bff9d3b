"""agreement() tells how far it has got and stops when told to (issue 14, item 5): Cancel in the window rests on it."""

from __future__ import annotations

import pytest

from annotator.core.project import Project
from annotator.core.team.project_agreement import AgreementCancelled, agreement
from annotator.core.team.span_sweep import TICK

pytestmark = pytest.mark.both_engines

TEXT = "Walmart left AWS on Monday. 월마트는 아마존을 떠났다. The CEO said prices will fall next year."
DOCUMENTS = 3 * TICK + 4  # enough that the span sweep reports more than once


@pytest.fixture
def team(project: Project) -> Project:
    """Kim and 이지은 each mark an organisation and answer a topic on every document; they differ on a few."""
    docs = [project.documents.add(title=f"기사 {i}", text=f"{TEXT} {i}") for i in range(DOCUMENTS)]
    project.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    org = project.codebook.by_name("Organization")
    for coder in ("Kim", "이지은"):
        project.annotations.annotator = coder
        for i, doc in enumerate(docs):
            differs = coder == "이지은" and i % 5 == 0
            project.annotations.add(doc, org, 0, 6 if differs else 7)
            project.codesheet.set(doc, "topic", 2 if differs else 1, coder=coder)
    return project


def figures(report) -> list[tuple]:
    return [(row.scope, row.name, row.figure.measure, row.figure.value) for row in report.rows]


def test_progress_moves_forward_and_reaches_its_total(team: Project):
    calls: list[tuple[int, int]] = []
    report = agreement(team, on_progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert calls[-1] == (total, total) and total >= DOCUMENTS
    counted = [done for done, t in calls if t]
    assert counted == sorted(counted)
    assert all(t in (0, total) for _d, t in calls)  # 0 only while the project is read, then one fixed total
    assert len(counted) > DOCUMENTS // TICK  # the sweep reports as it goes, not only at the end
    assert figures(report) == figures(agreement(team))  # the figures do not depend on being watched


def test_a_stop_asked_at_the_first_call_raises_and_leaves_no_report(team: Project):
    calls: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> bool:
        calls.append((done, total))
        return False

    with pytest.raises(AgreementCancelled):
        agreement(team, on_progress=stop)
    assert calls == [(0, 0)]


def test_a_stop_asked_in_the_middle_of_the_sweep_is_the_last_step(team: Project):
    calls: list[tuple[int, int]] = []

    def stop_mid_run(done: int, total: int) -> bool:
        calls.append((done, total))
        return not (total and done > total // 3)

    with pytest.raises(AgreementCancelled):
        agreement(team, on_progress=stop_mid_run)
    done, total = calls[-1]
    assert 0 < done < total  # stopped part-way, and asked nothing more after the stop
    assert figures(agreement(team))  # the project is as it was: a run afterwards computes everything
