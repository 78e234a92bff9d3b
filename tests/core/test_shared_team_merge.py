"""Team coding meets a shared project (issue 15, item 3): coders' files merge into it as into a project file.

A coder who worked offline (a handed-out file, or a pulled copy) brings their codes back with
the team-coding merge. The lead's project here is `project`: a file, or a shared project on
the server; the same codes must arrive in both, a second merge must change nothing, and the
coders' own files, handed out from a local copy of the lead, stay as they were.
"""

from __future__ import annotations

import pytest

from annotator.core.project import Project
from annotator.core.team.handout import handout
from annotator.core.team.merge import merge
from tests.core.test_team_merge import build_lead, code_as, fill_lead
from tests.support import codes_dump, dump

pytestmark = pytest.mark.both_engines


def test_coders_files_merge_into_the_project_and_a_second_merge_changes_nothing(project, tmp_path):
    fill_lead(project)
    copy = tmp_path / "copy.annotator"  # the same corpus and codebook, where the files are handed out from
    build_lead(copy)
    with Project(copy, create=False) as lead:
        ann = handout(lead, "Ann", tmp_path / "ann.annotator", documents=[1, 2, 3])
        bo = handout(lead, "Bo", tmp_path / "bo.annotator", documents=[2, 3, 4])
    for made, coder, variant in ((ann, "Ann", 0), (bo, "Bo", 1)):
        with Project(made.path, create=False) as mine:
            code_as(mine, coder, list(made.document_ids), variant=variant)
            if coder == "Bo":  # a coder may grow the registry while coding
                mine.entities.create("Kim Ji-ho", mine.codebook.by_name("Person"))
    code_as(project, "Lead", [5], variant=0)

    report = merge(project, [ann.path, bo.path])
    assert [line.split(":")[0] for line in report.lines()[:2]] == ["Ann", "Bo"]
    ann_report = report.coders["Ann"]
    assert (ann_report.annotations, ann_report.attribute_values, ann_report.answers, ann_report.marks,
            len(ann_report.documents)) == (9, 3, 9, 1, 3)
    assert report.entities_added == 1

    with Project(copy, create=False) as reference:  # everyone coding in one project file
        code_as(reference, "Lead", [5], variant=0)
        code_as(reference, "Ann", [1, 2, 3], variant=0)
        code_as(reference, "Bo", [2, 3, 4], variant=1)
        reference.entities.create("Kim Ji-ho", reference.codebook.by_name("Person"))
        assert codes_dump(project) == codes_dump(reference)

    before = dump(project)
    again = merge(project, [ann.path, bo.path])
    assert not again.changed and dump(project) == before


def test_a_coder_file_handed_out_from_the_project_equals_one_from_a_project_file_and_merges_back(project, tmp_path):
    fill_lead(project)
    made = handout(project, "Ann", tmp_path / "ann.annotator", documents=[2, 3])
    copy = tmp_path / "copy.annotator"
    build_lead(copy)
    with Project(copy, create=False) as lead:
        local = handout(lead, "Ann", tmp_path / "ann-local.annotator", documents=[2, 3])
    with Project(made.path, create=False) as mine, Project(local.path, create=False) as theirs:
        assert mine.coders.current_name == "Ann" and mine.documents.ids() == [2, 3]
        assert codes_dump(mine) == codes_dump(theirs)
        assert [mine.metadata.get(doc) for doc in (2, 3)] == [theirs.metadata.get(doc) for doc in (2, 3)]
        code_as(mine, "Ann", [2, 3], variant=0)
    assert merge(project, [made.path]).coders["Ann"].annotations == 6
    assert {a.annotator for a in project.annotations.iter_all()} == {"Ann"}
