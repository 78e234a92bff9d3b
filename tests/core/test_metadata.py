"""Document metadata: set, read, list, filter; every change one exact undo step."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.corpus.metadata import iso_date
from annotator.core.interchange.formats import export_document_coding
from annotator.core.interchange.json_formats import export_jsonl
from annotator.core.interchange.tables import export_documents
from annotator.core.project import Project
from annotator.core.store.database import Change
from tests.support import dump

pytestmark = pytest.mark.both_engines


def test_set_and_get_with_standard_keys_first(project: Project, doc_factory: Callable[..., int]) -> None:
    doc = doc_factory("Minister defends port deal.")
    project.metadata.set_many(doc, {"section": "Politics", "url": "https://example.org/a", "outlet": "  Daily  ",
                                    "Desk": "Seoul", "author": "Jane Doe"})
    assert project.metadata.get(doc) == {
        "outlet": "Daily", "author": "Jane Doe", "url": "https://example.org/a", "Desk": "Seoul", "section": "Politics",
    }
    assert list(project.metadata.get(doc)) == ["outlet", "author", "url", "Desk", "section"]
    assert project.metadata.get(doc_factory("Another story.")) == {}


def test_none_or_blank_removes_a_field(project: Project, doc_factory: Callable[..., int]) -> None:
    doc = doc_factory("Text.")
    project.metadata.set_many(doc, {"author": "Kim", "outlet": "Daily", "date": "2024-03-05"})
    project.metadata.set(doc, "author", None)
    project.metadata.set(doc, "outlet", "   ")
    assert project.metadata.get(doc) == {"date": "2024-03-05"}


def test_keys_and_filter_across_documents(project: Project, doc_factory: Callable[..., int]) -> None:
    a, b, c = doc_factory("One."), doc_factory("Two."), doc_factory("Three.")
    project.metadata.set_many(a, {"outlet": "Le Monde", "section": "Économie"})
    project.metadata.set_many(b, {"outlet": "LE MONDE diplomatique", "author": "Ana"})
    project.metadata.set_many(c, {"outlet": "한국일보"})
    assert project.metadata.keys() == ["outlet", "author", "section"]
    assert project.metadata.documents_where("outlet", "le monde") == [a, b]
    assert project.metadata.documents_where("section", "éCONOMIE") == [a]
    assert project.metadata.documents_where("outlet", "한국") == [c]
    assert project.metadata.documents_where("outlet", "") == [a, b, c]
    assert project.metadata.documents_where("author", "Bob") == []
    assert project.metadata.documents_where("nothing", "") == []


def test_each_set_is_one_event_and_an_unchanged_value_writes_nothing(
    project: Project, doc_factory: Callable[..., int]
) -> None:
    doc = doc_factory("Text.")
    seen: list[Change] = []
    project.subscribe(seen.append)
    project.metadata.set_many(doc, {"outlet": "Daily", "author": "Kim"})
    assert seen == [Change("document_changed", document_id=doc)]
    _, changeset = project.store.edit(project.metadata.set, doc, "outlet", "Daily")
    assert changeset is None and len(seen) == 1


@pytest.mark.parametrize(
    "action",
    [
        lambda m, doc: m.set(doc, "outlet", "The Harbour Times"),
        lambda m, doc: m.set(doc, "author", "Someone Else"),
        lambda m, doc: m.set(doc, "author", None),
        lambda m, doc: m.set_many(doc, {"date": "2024-03-06", "url": None, "custom field": "값 😀"}),
    ],
    ids=["add", "change", "remove", "several"],
)
def test_undo_restores_the_project_exactly(project: Project, doc_factory: Callable[..., int], action) -> None:
    doc = doc_factory("Text.")
    project.metadata.set_many(doc, {"author": "Jane Doe", "url": "https://example.org/a"})
    before = dump(project)
    _, changeset = project.store.edit(action, project.metadata, doc)
    assert changeset is not None and dump(project) != before
    project.store.undo(changeset)
    assert dump(project) == before


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "needs a name"), ("   ", "needs a name"), ("k" * 101, "too long (101 characters); use at most 100")],
)
def test_bad_keys_are_refused_and_change_nothing(
    project: Project, doc_factory: Callable[..., int], key: str, message: str
) -> None:
    doc = doc_factory("Text.")
    project.metadata.set(doc, "outlet", "Daily")
    before = dump(project)
    with pytest.raises(ProjectError, match=message.replace("(", r"\(").replace(")", r"\)")):
        project.metadata.set_many(doc, {"author": "Kim", key: "x"})
    assert dump(project) == before


def test_metadata_of_a_missing_document_is_refused(project: Project) -> None:
    with pytest.raises(ProjectError, match="There is no document 99"):
        project.metadata.set(99, "outlet", "Daily")


@pytest.mark.parametrize(
    ("given", "iso"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T08:30:00Z", "2024-03-05T08:30:00+00:00"),
        ("2024-03-05 08:30", "2024-03-05T08:30:00"),
        ("Tue, 05 Mar 2024 08:30:00 +0900", "2024-03-05T08:30:00+09:00"),
        ("5 March 2024", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("05.03.2024", "2024-03-05"),
        ("2024년 03월 05일", "2024-03-05"),
        ("spring 2019", "spring 2019"),
    ],
)
def test_dates_become_iso_8601_when_they_can_be_read(given: str, iso: str) -> None:
    assert iso_date(given) == iso


def test_every_export_orders_fields_as_the_document_info_panel_does(project: Project, doc_factory, tmp_path) -> None:
    """Standard fields first, then the rest alphabetically with case aside: outlet, alpha, Zeta, 언론사."""
    doc = doc_factory("Minister defends port deal.")
    project.metadata.set_many(doc, {"언론사": "조선일보", "Zeta": "z", "alpha": "a", "outlet": "Daily"})
    panel = list(project.metadata.get(doc))  # what the Document info panel lists, in its order
    assert panel == ["outlet", "alpha", "Zeta", "언론사"]
    assert project.metadata.keys() == panel  # the document list's field filter

    export_jsonl(project, tmp_path / "documents.jsonl")
    with open(tmp_path / "documents.jsonl", encoding="utf-8") as f:
        assert list(json.loads(f.readline())["meta"]) == panel

    def meta_columns(path, export) -> list[str]:
        export(project, path)
        with open(path, encoding="utf-8", newline="") as f:
            return [column for column in next(csv.reader(f)) if column.startswith("meta_")]

    assert meta_columns(tmp_path / "documents.csv", export_documents) == ["meta_outlet", "meta_alpha", "meta_Zeta",
                                                                          "meta_언론사"]
    assert meta_columns(tmp_path / "coding.csv", export_document_coding) == ["meta_outlet", "meta_alpha",
                                                                             "meta_zeta", "meta_언론사"]
