"""A large import prepares its files in worker processes (issue 17, row 4a) and stores exactly what
one thread would have: the same documents with the same ids, titles, metadata, duplicate flags and report."""

from __future__ import annotations

import multiprocessing
import os
import random
from pathlib import Path

import pytest

from annotator.core.common.pool import InOrder
from annotator.core.corpus import importing
from annotator.core.corpus.importing import ImportReport, import_paths
from annotator.core.project import Project
from tests.core.test_extract import NEWS_PAGE

pytestmark = pytest.mark.both_engines

PNG = b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(1500)
WORDS = [f"w{n}" for n in range(400)]


def mixed_folder(root: Path) -> Path:
    """Articles in UTF-8 and Korean legacy encodings, an exact and a near duplicate, a repeated
    passage, a news page with metadata, refused files, and one file big enough to be read here."""
    folder = root / "mixed"
    (folder / "sub").mkdir(parents=True)
    rng = random.Random(17)
    for n in range(12):
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        (folder / f"{n:02d}.txt").write_text(f"Story {n}\n\n{body}\n", encoding="utf-8")
    (folder / "12_copy.txt").write_bytes((folder / "03.txt").read_bytes())
    near = (folder / "05.txt").read_text(encoding="utf-8").replace("Story 5", "Story 5 (updated)")
    (folder / "13_near.txt").write_text(near + "One more line.\n", encoding="utf-8")
    passage = " ".join(rng.choice(WORDS) for _ in range(60))
    (folder / "14_repeat.txt").write_text(f"Repeated\n\n{passage}\n\nand again: {passage}\n", encoding="utf-8")
    korean = "기사 제목\n\n본문입니다. 서울에서 열린 회의.\n"
    (folder / "sub" / "15_cp949.txt").write_bytes(korean.encode("cp949"))
    (folder / "sub" / "16_euckr.txt").write_bytes("두 번째 기사\n\n다른 본문입니다.\n".encode("euc-kr"))
    (folder / "sub" / "17_empty.txt").write_bytes(b"")
    (folder / "sub" / "18_image.txt").write_bytes(PNG)
    (folder / "sub" / "19_page.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "sub" / "20_big.txt").write_text("Big one\n\n" + " ".join(WORDS) * 3 + "\n", encoding="utf-8")
    return folder


def seen(project: Project, report: ImportReport) -> dict:
    """Everything a user sees of an import: the report, each document, and the duplicate flags."""
    documents = []
    for doc_id in project.documents.ids():
        doc = project.documents.get(doc_id)
        documents.append((doc_id, doc.title, doc.text, doc.source, doc.encoding, project.metadata.get(doc_id)))
    return {
        "outcomes": [(o.path.name, o.status, o.reason, o.document_id, o.title, o.note) for o in report.outcomes],
        "summary": report.summary_lines(),
        "documents": documents,
        "flags": project.duplicates.flagged_documents(),
    }


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes for any import, two files at a time, and files from 3,000 bytes read here."""
    monkeypatch.setattr(importing, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(importing, "POOL_CHUNK", 2)
    monkeypatch.setattr(importing, "STEP_BYTES", 3000)
    monkeypatch.setattr(importing, "usable_cores", lambda: 2)  # a one-core CI machine still takes the path


@pytest.fixture
def in_process(engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """What one thread makes of an import, in a fresh project on the same engine (PostgreSQL's ids skip
    a number after a refused insert, so the comparison is engine to engine)."""
    def run(folder: Path, **kw) -> dict:
        return _in_process(engine, tmp_path, request, monkeypatch, folder, **kw)
    return run


def _in_process(engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                folder: Path, **kw) -> dict:
    location = request.getfixturevalue("pg_server").new_database() if engine == "postgresql" \
        else tmp_path / "reference.annotator"
    with monkeypatch.context() as patch:
        patch.setattr(importing, "POOL_MIN_FILES", 10**9)
        with Project(location) as reference:
            report = import_paths(reference, [folder], **kw)
            assert report.worker_processes == 0
            return seen(reference, report)


def test_workers_store_what_one_thread_stores(project: Project, tmp_path: Path, in_process, pooled) -> None:
    folder = mixed_folder(tmp_path)
    expected = in_process(folder)

    report = import_paths(project, [folder])

    assert report.worker_processes == 2  # the pool path was taken
    assert seen(project, report) == expected
    # The mix did what it was made for, so the comparison covers it.
    assert expected["summary"][0] == "Imported 18 documents, skipped 1 duplicate, refused 2 files:"
    assert {o[0]: o[1] for o in expected["outcomes"]}["20_big.txt"] == "imported"
    assert [d[4] for d in expected["documents"] if d[1] in ("기사 제목", "두 번째 기사")] == ["cp949", "cp949"]
    assert expected["flags"]  # the near duplicate and the repeated passage are flagged
    assert multiprocessing.active_children() == []  # no worker is left running


def test_cancel_with_workers_keeps_the_files_before_it_whole(project: Project, tmp_path: Path, in_process,
                                                             pooled) -> None:
    folder = mixed_folder(tmp_path)

    def stop_at_seven(done: int, total: int, path: Path) -> bool:
        return done < 7

    expected = in_process(folder, on_progress=stop_at_seven)
    report = import_paths(project, [folder], on_progress=stop_at_seven)

    assert report.cancelled and report.worker_processes == 2
    assert seen(project, report) == expected
    assert len(expected["documents"]) == 7
    assert expected["summary"][-1] == "Import cancelled: 07.txt and the 13 files after it were not imported."
    assert multiprocessing.active_children() == []
    # Importing again adds the rest and skips the seven already there.
    again = import_paths(project, [folder])
    assert (len(again.imported), len(again.skipped)) == (11, 8)


def test_a_small_import_stays_in_this_process(project: Project, tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    report = import_paths(project, [folder])
    assert len(report.outcomes) == 21 and report.worker_processes == 0


def doubled_unless_five(chunk: list[int]) -> list[int]:
    if 5 in chunk and multiprocessing.parent_process() is not None:
        os._exit(1)  # a worker killed mid-chunk (out of memory, say)
    return [n * 2 for n in chunk]


def test_results_come_back_in_order_even_when_a_worker_dies() -> None:
    with InOrder(doubled_unless_five, list(range(40)), chunk=3, workers=2, ahead=4) as pool:
        assert list(pool) == [n * 2 for n in range(40)]
    assert multiprocessing.active_children() == []


def test_a_pool_found_broken_when_work_is_handed_to_it_is_shut_down_before_the_rest_is_worked_here(monkeypatch):
    # A worker can die before its own chunk is collected: the pool then refuses the next chunk. Dropping
    # it there left its manager thread still ending the workers after the import had returned.
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from annotator.core.common import pool as pool_module

    events: list[str] = []

    class BreaksAtTheThirdChunk:
        def __init__(self, *_args, **_kwargs):
            self.submitted = 0

        def submit(self, work, chunk):
            self.submitted += 1
            if self.submitted == 3:
                events.append("refused")
                raise BrokenProcessPool("a worker died")
            future: Future = Future()
            future.set_result(work(chunk))
            return future

        def shutdown(self, wait=True, cancel_futures=False):
            events.append(f"shutdown wait={wait}")

    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", BreaksAtTheThirdChunk)
    with InOrder(lambda chunk: [n * 2 for n in chunk], list(range(12)), chunk=2, workers=2, ahead=2) as pool:
        assert list(pool) == [n * 2 for n in range(12)]
        assert events == ["refused", "shutdown wait=True"]
    assert pool.chunks_in_workers == 2
