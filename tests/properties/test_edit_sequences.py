"""Any sequence of edits, exported and imported again, gives the same annotations.

After generated edits (tags in every layer with roles, deletions, relabels,
boundary changes, attribute values, notes, cues, entities created, linked and
merged, whole-document stances, document memos, titles and statuses) the
project goes out as REFI-QDA (.qdpx) and comes back:

* into a fresh project, where Annotator restores its own file exactly;
* into a project that already holds an article, where everything is merged
  under new ids and must still read the same (texts, offsets, labels, roles,
  attribute values, notes, entities).

The JSON Lines export of the original and of each copy carries the same spans.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given

from annotator.core.interchange.json_formats import export_jsonl
from annotator.core.interchange.refi import export_qdpx, import_qdpx
from annotator.core.project import Project
from tests.properties.edits import Analyst, Refusal, Step, articles, steps
from tests.support import dump

UNRELATED = "An article the receiving project already held, about something else entirely."


def coded_view(project: Project, texts: set[str] | None = None) -> dict[str, Any]:
    """What an analyst reads back, by names rather than ids: documents by their text, then entities."""
    labels = {label.id: label for label in project.codebook.labels()}
    annotations = project.annotations

    def role(a, name: str):
        shown = annotations.display_role(a, name)
        linked = a.entity_id if name == "entity" else getattr(a, f"{name}_entity_id")
        return None if shown is None else ("entity" if linked is not None else "text", shown)

    documents = {}
    for doc_id in project.documents.ids():
        document = project.documents.get(doc_id)
        if texts is not None and document.text not in texts:
            continue
        coded = project.annotations.for_document(doc_id)
        values = project.values.for_annotations(a.id for a in coded)
        rows = [(a.start, a.end, a.text, labels[a.label_id].name, labels[a.label_id].layer,
                 role(a, "entity"), role(a, "source"), role(a, "target"), role(a, "holder"), a.cue_start, a.cue_end,
                 sorted(values[a.id].items()), a.note) for a in coded]
        documents[document.text] = (document.title, document.status, project.documents.memo(doc_id),
                                    sorted(rows, key=repr))
    entities = sorted(
        (e.name, labels[e.label_id].name, e.aliases, e.external_id, e.memo)
        for e in (project.entities.get(s.id) for s in project.entities.all())
    )
    return {"documents": documents, "entities": entities}


def jsonl_spans(path: Path, texts: set[str]) -> dict[str, list]:
    """Each document's spans and whole-document codes from a JSON Lines export, without ids."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["text"] not in texts:
            continue
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
        spans = [{k: v for k, v in span.items() if not k.endswith("id")} for span in record["spans"]]
        codes = [{k: v for k, v in code.items() if not k.endswith("id")} for code in record["document_codes"]]
        found[record["text"]] = sorted(map(repr, spans)) + sorted(map(repr, codes))
    return found


@given(articles(), steps())
def test_edits_survive_a_qdpx_round_trip_into_a_fresh_and_into_a_busy_project(article: str,
                                                                              sequence: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with Project(folder / "study.annotator") as project:
            analyst = Analyst(project, article)
            for step in sequence:
                try:
                    analyst.run(step)
                except Refusal:
                    pass
            texts = {project.documents.text(doc_id) for doc_id in project.documents.ids()}
            expected = coded_view(project)
            qdpx = export_qdpx(project, folder / "study.qdpx")
            expected_dump = dump(project)  # after the export, which keeps the project's REFI namespace
            export_jsonl(project, folder / "study.jsonl")
            expected_spans = jsonl_spans(folder / "study.jsonl", texts)

        with Project(folder / "fresh.annotator") as fresh:
            assert import_qdpx(fresh, qdpx).mode == "restored"
            assert coded_view(fresh) == expected
            # Restoring into an empty project keeps even the ids and timestamps.
            assert dump(fresh) == expected_dump

        with Project(folder / "busy.annotator") as busy:
            busy.documents.add(title="Already here", text=UNRELATED)
            assert import_qdpx(busy, qdpx).mode == "merged"
            assert coded_view(busy, texts) == expected
            export_jsonl(busy, folder / "busy.jsonl")
            assert jsonl_spans(folder / "busy.jsonl", texts) == expected_spans
