"""The fast agreement path reports exactly what the straightforward code it replaced did (issue 14, item 5).

Agreement over a thousand documents had to come down from seconds of nested scans to
one pass per layer, with spans matched once per overlap cluster. The old code is kept
in agreement_reference(_math); here both read random projects built to be awkward for
a sweep: spans that nest, touch, repeat, overlap across labels and layers, coders who
coded only some documents, roles, attributes, whole-document codes and variables. The
reports must be equal, every float to the last bit and every disagreement in order.
"""

from __future__ import annotations

import random

import pytest

from annotator.core.common.errors import AnnotationError
from annotator.core.project import Project
from annotator.core.team.project_agreement import agreement
from tests.properties import agreement_reference as reference

WORDS = ("Walmart ", "left ", "AWS ", "on ", "Monday. ", "월마트는 ", "아마존을 ", "떠났다. ", "The CEO ", "said ",
         "prices ", "will ", "fall. ")
CODERS = ("Kim", "이지은", "Bo", "Cho")
LABELS = ("Organization", "Person", "Location", "Claim", "Quote", "Favor", "Against")
SOURCES = ("the CEO", "Walmart", "CEO", None)


def _spans(rng: random.Random, length: int, earlier: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A coder's marks on a document: some copied from another coder, some nudged, some new and nested."""
    marks = []
    for start, end, label in earlier:
        roll = rng.random()
        if roll < 0.35:
            marks.append((start, end, label))
        elif roll < 0.6:
            shift = rng.randint(-3, 3)
            marks.append((max(0, start + shift), end, label if rng.random() < 0.8 else rng.choice(LABELS)))
    for _ in range(rng.randint(0, 7)):
        start = rng.randrange(0, length - 1)
        end = min(length, start + rng.choice((1, 2, 5, 8, 15, 30, 60)))
        marks.append((start, end, rng.choice(LABELS)))
        if rng.random() < 0.2:  # touching the one before, or nested in it
            marks.append((end, min(length, end + 4), marks[-1][2]) if rng.random() < 0.5
                         else (start + (end - start) // 3, end, marks[-1][2]))
    return [m for m in marks if m[1] > m[0]]


def build(project: Project, seed: int) -> None:
    rng = random.Random(seed)
    coders = CODERS[:rng.choice((2, 3, 3, 4))]
    docs = []
    for i in range(rng.randint(3, 7)):
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + str(i)
        docs.append(project.documents.add(title=f"기사 {i}", text=text))
    project.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
    project.variables.add("tone", "single_choice", level="ordinal", choices=[(5, "neg"), (1, "neutral"), (3, "pos")])
    project.variables.add("sources", "number", level="interval")
    project.variables.add("actors", "multiple_choice", choices=[(1, "government"), (2, "business")])
    claim = project.codebook.by_name("Claim")
    verdict = next(a for a in project.codebook.attributes(claim.id) if a.name == "verdict")
    score = project.codebook.add_attribute(project.codebook.by_name("Quote").id, "score", "number")
    earlier: dict[int, list[tuple[int, int, str]]] = {doc: [] for doc in docs}
    for coder in coders:
        project.annotations.annotator = coder
        for doc in docs:
            if rng.random() < 0.2:
                continue  # this coder never saw it
            length = len(project.documents.get(doc).text)
            marks = _spans(rng, length, earlier[doc])
            earlier[doc] += marks
            for start, end, name in marks:
                label = project.codebook.by_name(name)
                roles = {}
                if label.layer == "stance":
                    roles = {"target": rng.choice(("Walmart", "AWS")), "holder": rng.choice(("the CEO", None))}
                elif label.layer == "claim":
                    roles = {"source": rng.choice(SOURCES)}
                try:
                    made = project.annotations.add(doc, label, start, end, **roles)
                except AnnotationError:  # the same span twice by one coder, say
                    continue
                if name == "Claim" and rng.random() < 0.6:
                    project.values.set(made.id, verdict.id, rng.choice(verdict.choices))
                if name == "Quote" and rng.random() < 0.6:
                    project.values.set(made.id, score.id, rng.choice((1, 2, 2.5)))
            if rng.random() < 0.5:
                project.annotations.add(doc, project.codebook.by_name(rng.choice(("Favor", "Against"))),
                                        target=rng.choice(("Walmart", "AWS")))
            answers = {"topic": rng.choice((1, 2, 9, None)), "tone": rng.choice((5, 1, 3, None)),
                       "sources": rng.choice((0, 1, 2.5, None)), "actors": rng.choice(("1", "1;2", "2", None))}
            answers = {name: value for name, value in answers.items() if value is not None}
            if answers and rng.random() < 0.8:
                project.codesheet.set_many(doc, answers, coder=coder)
            elif rng.random() < 0.5:
                project.codesheet.mark_coded(doc, coder=coder)
    project.entities.create("Walmart", project.codebook.by_name("Organization"))


@pytest.mark.parametrize("seed", range(12))
def test_the_fast_path_reports_what_the_reference_does(project: Project, seed: int):
    build(project, seed)
    docs = project.documents.ids()
    coders = [coder.name for coder in project.coders.list()]
    asks = [{}, {"level": "ordinal"}, {"coders": coders[-2:]}, {"documents": docs[: len(docs) // 2 + 1]}]
    for ask in asks:
        fast, slow = agreement(project, **ask), reference.agreement(project, **ask)
        assert fast.rows == slow.rows, ask
        assert fast.roles == slow.roles, ask
        assert fast.disagreements == slow.disagreements, ask
        assert fast == slow, ask
    assert slow.problem is not None or slow.rows  # the project gave something to compare
