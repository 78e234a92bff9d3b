"""Near-duplicate documents and repeated passages: found on import, shown as flags, dismissed by the analyst."""

from __future__ import annotations

import dataclasses
import random
import re
from importlib import resources
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.corpus.duplicates import MAX_NEAR_DUPLICATES
from annotator.core.corpus.fingerprints import MIN_REPEAT_WORDS, repeated_passages
from annotator.core.corpus.importing import import_paths, import_seeds
from annotator.core.project import Project
from annotator.core.store.database import Change
from tests.support import dump

pytestmark = pytest.mark.both_engines


def seed_text(prefix: str) -> str:
    entry = next(e for e in resources.files("annotator.seeds").iterdir() if e.name.startswith(prefix))
    return entry.read_text("utf-8")


def seed_id(project: Project, prefix: str) -> int:
    return next(d for d in project.documents.ids() if project.documents.get(d).source.startswith(prefix))


def edit_words(text: str, edits: dict[str, str]) -> str:
    for old, new in edits.items():
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def seeded(project: Project) -> Project:
    import_seeds(project)
    return project


# -- a page that prints its body twice -------------------------------------------------------

def test_seed_002_is_flagged_with_its_body_repeated(seeded: Project) -> None:
    doc = seed_id(seeded, "002")
    text = seeded.documents.text(doc)
    [flag] = seeded.duplicates.flags(doc)
    assert flag.kind == "repeated_passage" and not flag.dismissed
    first = text[flag.span_start:flag.span_end]
    repeat = text[flag.repeat_start:flag.repeat_end]
    assert first == repeat
    # The whole body, from the photo credit to the last sentence, in both copies.
    assert first.startswith("Shutterstock\n\nMuch has been written about Amazon’s growing dominance")
    assert first.endswith("makes a living from pioneering the future of the cloud")
    assert flag.span_end <= flag.repeat_start
    assert text.count(first) == 2 and text.index(first, flag.span_start + 1) == flag.repeat_start
    assert flag.score == len(re.findall(r"\w+", first))  # the score counts the words repeated
    assert seeded.duplicates.describe(flag).startswith("Repeated passage: 1,327 words from ‘Shutterstock Much has")


def test_unrelated_seeds_are_not_flagged(seeded: Project) -> None:
    # 000 and 002 are both about Walmart, Amazon and the cloud, yet different articles.
    assert seeded.duplicates.flagged_documents() == {seed_id(seeded, "002"): ["repeated_passage"]}


def test_a_repeat_needs_forty_words() -> None:
    rng = random.Random(1)
    words = [f"w{rng.randrange(10**6)}" for _ in range(200)]
    for length, found in ((MIN_REPEAT_WORDS - 1, False), (MIN_REPEAT_WORDS, True)):
        passage = " ".join(words[:length])
        text = f"{passage}. Then something else entirely, said the editor. {passage}!"
        spans = repeated_passages(text)
        assert bool(spans) is found
        if found:
            [(start, end, repeat_start, repeat_end, count)] = spans
            assert (text[start:end], text[repeat_start:repeat_end], count) == (passage, passage, length)


def test_a_chanted_phrase_is_not_a_passage_and_does_not_hang() -> None:
    assert repeated_passages("la " * 20_000) == []


def test_a_passage_printed_three_times_gives_two_flags() -> None:
    passage = " ".join(f"word{i}" for i in range(50))
    text = f"{passage}\n{passage}\n{passage}"
    found = repeated_passages(text)
    assert [(s, e) for s, e, *_ in found] == [(0, len(passage))] * 2
    assert [text[rs:re] for _, _, rs, re, _ in found] == [passage, passage]
    assert [rs for _, _, rs, _, _ in found] == [len(passage) + 1, 2 * len(passage) + 2]


# -- syndicated copies -----------------------------------------------------------------------

def test_importing_a_syndicated_copy_flags_both(seeded: Project, tmp_path: Path) -> None:
    original = seed_text("000")
    copy = edit_words(original, {
        "What If Walmart Were A Webhost": "Walmart Tells Its Suppliers: Leave Amazon's Cloud",
        "Late last month": "Last month",
        "curtly": "sharply",
        "Naively": "At first sight",
    })
    path = tmp_path / "syndicated.txt"
    path.write_text(copy, encoding="utf-8")
    report = import_paths(seeded, [path])
    [outcome] = report.imported
    new, old = outcome.document_id, seed_id(seeded, "000")
    [there] = seeded.duplicates.flags(new)
    [back] = seeded.duplicates.flags(old)
    assert (there.kind, there.other_document_id) == ("near_duplicate", old)
    assert (back.kind, back.other_document_id) == ("near_duplicate", new)
    assert 0.8 <= there.score == back.score < 1
    assert seeded.duplicates.describe(there) == (
        f"Near-duplicate of ‘What If Walmart Were A Webhost’ ({there.score:.0%} of the wording shared)")
    assert seeded.duplicates.flagged_documents() == {
        old: ["near_duplicate"], seed_id(seeded, "002"): ["repeated_passage"], new: ["near_duplicate"]}


def test_a_korean_copy_with_another_headline_is_a_near_duplicate(seeded: Project, tmp_path: Path) -> None:
    original = seed_text("003")
    # Another outlet's copy: its own headline, one particle and a few words changed.
    copy = edit_words(original, {
        "'월마트 VS 아마존' 신경전 왜!!": "월마트, 협력사에 “아마존 클라우드 쓰지 마라”",
        "월마트가 최근": "월마트는 최근",
        "강력한 경보를": "분명한 경고를",
        "거듭 강조했다고": "강조했다고",
    })
    path = tmp_path / "korean.txt"
    path.write_text(copy, encoding="utf-8")
    [outcome] = import_paths(seeded, [path]).imported
    [flag] = seeded.duplicates.flags(outcome.document_id)
    assert (flag.kind, flag.other_document_id) == ("near_duplicate", seed_id(seeded, "003"))
    assert flag.score >= 0.8


def test_a_copy_rewritten_in_half_its_sentences_is_not_flagged(seeded: Project, tmp_path: Path) -> None:
    paragraphs = seed_text("000").split("\n\n")
    rewritten = [p if i % 2 else p.replace(" ", " really ") for i, p in enumerate(paragraphs)]
    path = tmp_path / "rewritten.txt"
    path.write_text("\n\n".join(rewritten), encoding="utf-8")
    [outcome] = import_paths(seeded, [path]).imported
    assert seeded.duplicates.flags(outcome.document_id) == []


def test_rescanning_keeps_the_flag_and_the_dismissal(seeded: Project) -> None:
    doc = seed_id(seeded, "002")
    [flag] = seeded.duplicates.flags(doc)
    seeded.duplicates.dismiss(flag.id)
    before = dump(seeded)
    assert seeded.duplicates.scan() == {}
    assert seeded.duplicates.flags(doc) == [dataclasses.replace(flag, dismissed=True)]
    assert dump(seeded) == before


def test_very_short_texts_are_not_compared(project: Project, doc_factory) -> None:
    a, b = doc_factory("Breaking news."), doc_factory("Breaking news!")
    assert project.duplicates.scan([a, b]) == {}


# -- the analyst's decision -----------------------------------------------------------------------

def test_dismiss_and_restore(seeded: Project) -> None:
    doc = seed_id(seeded, "002")
    [flag] = seeded.duplicates.flags(doc)
    changes: list[Change] = []
    seeded.subscribe(changes.append)
    seeded.duplicates.dismiss(flag.id)
    assert changes == [Change("document_changed", document_id=doc)]
    assert seeded.duplicates.flagged_documents() == {}
    assert seeded.duplicates.flags(doc, include_dismissed=False) == []
    seeded.duplicates.restore(flag.id)
    assert seeded.duplicates.flagged_documents() == {doc: ["repeated_passage"]}


@pytest.mark.parametrize("action", ["dismiss", "restore"])
def test_dismiss_and_restore_undo_exactly(seeded: Project, action: str) -> None:
    [flag] = seeded.duplicates.flags(seed_id(seeded, "002"))
    if action == "restore":
        seeded.duplicates.dismiss(flag.id)
    before = dump(seeded)
    _, changeset = seeded.store.edit(getattr(seeded.duplicates, action), flag.id)
    assert changeset is not None and dump(seeded) != before
    seeded.store.undo(changeset)
    assert dump(seeded) == before


def test_dismissing_twice_is_no_second_edit(seeded: Project) -> None:
    [flag] = seeded.duplicates.flags(seed_id(seeded, "002"))
    seeded.duplicates.dismiss(flag.id)
    _, changeset = seeded.store.edit(seeded.duplicates.dismiss, flag.id)
    assert changeset is None


def test_an_unknown_flag_or_document_is_refused_clearly(seeded: Project) -> None:
    before = dump(seeded)
    with pytest.raises(ProjectError, match="no duplicate flag 999.*Reopen the document"):
        seeded.duplicates.dismiss(999)
    with pytest.raises(ProjectError, match="no document 999 to check for duplicates"):
        seeded.duplicates.scan([999])
    assert dump(seeded) == before


def test_finding_flags_is_not_an_undoable_edit(project: Project, doc_factory) -> None:
    doc = doc_factory(seed_text("002"))
    project.store.last_changeset = None
    project.duplicates.scan([doc])
    assert project.duplicates.flagged_documents() == {doc: ["repeated_passage"]}
    assert project.store.last_changeset is None


# -- a corpus -------------------------------------------------------------------------------------

@pytest.mark.sqlite_only("the scan is the same Python on both engines; the smaller tests cover a server's storage")
def test_a_3000_document_corpus(project: Project) -> None:
    rng = random.Random(4)
    vocabulary = ["".join(rng.choice("abcdefghijklmnoprstuvwyz") for _ in range(rng.randint(2, 9)))
                  for _ in range(8000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf, like real word frequencies
    texts = [rng.choices(vocabulary, weights, k=480) for _ in range(3000)]
    copies = {}  # copy index -> original index
    for original in rng.sample(range(2900), 12):
        words = list(texts[original])
        for position in rng.sample(range(len(words)), 4):
            words[position] = "edited"
        texts.append(words)
        copies[len(texts) - 1] = original
    doubled = rng.sample(range(3000), 3)
    for index in doubled:
        texts[index] = texts[index] + ["Read", "again"] + texts[index][:60]
    with project.store.write(undoable=False):  # one commit: the test is about the scan, not inserts
        ids = [project.documents.add(title=f"Article {n}", text=" ".join(words) + ".")
               for n, words in enumerate(texts)]
    found = project.duplicates.scan()
    expected: dict[int, list[str]] = {}
    for copy, original in copies.items():
        for index in (copy, original):
            expected.setdefault(ids[index], []).append("near_duplicate")
    for index in doubled:
        expected.setdefault(ids[index], []).append("repeated_passage")
    assert found == dict(sorted(expected.items()))
    for copy, original in copies.items():
        [flag] = project.duplicates.flags(ids[copy])
        assert flag.other_document_id == ids[original]


def test_a_chapter_printed_many_times_stays_within_bounds() -> None:
    chapter = " ".join(f"line{i}" for i in range(3000))
    # 120,000 words where every phrase appears 40 times: too frequent to be "a passage
    # printed twice", and skipped before the search for runs could grow quadratic.
    assert repeated_passages("\n".join([chapter] * 40)) == []


def test_a_later_copy_joins_the_earlier_ones_and_keeps_their_dismissal(seeded: Project, tmp_path: Path) -> None:
    original = seed_text("000")
    paths = []
    for n, (old, new) in enumerate([("curtly", "sharply"), ("Naively", "At first sight")]):
        paths.append(tmp_path / f"copy{n}.txt")
        paths[-1].write_text(original.replace(old, new), encoding="utf-8")
    [first] = import_paths(seeded, paths[:1]).imported
    source = seed_id(seeded, "000")
    [flag] = seeded.duplicates.flags(source)
    seeded.duplicates.dismiss(flag.id)
    [second] = import_paths(seeded, paths[1:]).imported
    others = {f.other_document_id: f for f in seeded.duplicates.flags(source)}
    assert set(others) == {first.document_id, second.document_id}
    assert others[first.document_id] == dataclasses.replace(flag, dismissed=True)  # same flag, still dismissed
    assert not others[second.document_id].dismissed
    assert {f.other_document_id for f in seeded.duplicates.flags(second.document_id)} == {source, first.document_id}


def test_a_wire_story_with_many_copies_lists_the_ten_closest(project: Project, doc_factory) -> None:
    original = seed_text("000")
    docs = [doc_factory(original.replace("curtly", f"curtly{n}")) for n in range(12)]
    project.duplicates.scan(docs)
    late = doc_factory(original.replace("curtly", "curtly12"))
    project.duplicates.scan([late])
    for doc in docs + [late]:
        flags = project.duplicates.flags(doc)
        assert len(flags) == MAX_NEAR_DUPLICATES
        assert [f.score for f in flags] == sorted((f.score for f in flags), reverse=True)
