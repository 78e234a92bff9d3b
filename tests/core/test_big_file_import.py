"""One big text file (issue 11, item 5): memory near a few times the file, progress inside it, Cancel inside it."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.corpus import fingerprints
from annotator.core.corpus.fingerprints import fingerprint
from annotator.core.corpus.importing import PHASES, Step, import_paths
from annotator.core.project import Project

pytestmark = pytest.mark.both_engines

ROOT = Path(__file__).resolve().parents[2]


def big_text(megabytes: float, seed: int = 11) -> str:
    """Newspaper-like prose of about this size, with one paragraph printed twice (a repeated passage)."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(20_000)]
    paragraphs: list[str] = []
    size = 0
    while size < megabytes * 1024 * 1024:
        paragraph = " ".join(rng.choices(vocabulary, k=rng.randint(40, 120))) + ".\n\n"
        paragraphs.append(paragraph)
        size += len(paragraph)
    paragraphs.append(paragraphs[len(paragraphs) // 3])
    return "Big report\n\n" + "".join(paragraphs)


# Run in a fresh interpreter whose only child is the import, so ru_maxrss is that import's peak.
_MEASURE = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "annotator", "import", "--project", sys.argv[1], sys.argv[2]],
               check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def peak_bytes_of_cli_import(project: Path, file: Path) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(project), str(file)], env=env, check=True,
                          capture_output=True, text=True, timeout=300)
    return int(done.stdout.split()[-1])


def test_importing_a_20_mb_text_file_costs_a_few_times_its_size_in_memory(tmp_path: Path) -> None:
    """Bound: 8x the file. What must be held is the file's bytes while they decode (1x), the text
    (1x), SQLite's copies while it stores the row (about 2x) and FTS5's term positions for the row
    (about 1x), plus the fingerprint's arrays (12 bytes a word, about 2x): about 5x, measured 4.7x.
    The rest is headroom for the allocator and other SQLite builds. It was 28x (41x at 48 MB)."""
    tiny, big = tmp_path / "tiny.txt", tmp_path / "big.txt"
    tiny.write_text("A tiny article\n\nWith a body of a few words.\n", encoding="utf-8")
    big.write_text(big_text(20), encoding="utf-8")
    baseline = peak_bytes_of_cli_import(tmp_path / "tiny.annotator", tiny)
    peak = peak_bytes_of_cli_import(tmp_path / "big.annotator", big)
    size = big.stat().st_size
    assert peak - baseline < 8 * size, f"peak grew by {(peak - baseline) / size:.1f} times the file"
    with Project(tmp_path / "big.annotator", create=False) as project:
        [doc_id] = project.documents.ids()
        assert project.documents.text(doc_id) == big.read_text(encoding="utf-8")
        # The repeated paragraph was found in the big file as it is in a small one.
        assert [f.kind for f in project.duplicates.flags(doc_id)] == ["repeated_passage"]


@pytest.mark.parametrize("chunk", [700, 5_000, 40_000])
def test_a_long_text_fingerprinted_in_chunks_gets_the_same_keys_and_passages(
        chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(chunk)
    words = ["".join(rng.choices("abcdeéfghijklmnop", k=rng.randint(2, 8))) for _ in range(2_000)] + ["월마트가", "STRASSE"]
    paragraphs = [" ".join(rng.choices(words, k=rng.randint(20, 150))) + ".\n" for _ in range(60)]
    paragraphs[40:40] = [paragraphs[7]]  # repeated once
    paragraphs.append(paragraphs[12] * 3)  # periodic: one period is reported
    text = "".join(paragraphs)
    whole = fingerprint(text)
    monkeypatch.setattr(fingerprints, "CHUNK_CHARS", chunk)
    chunked = fingerprint(text)
    assert chunked.bands == whole.bands
    assert chunked.passages == whole.passages and len(whole.passages) >= 2


@pytest.fixture
def proj(project: Project):
    return project


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_big_file_reports_each_phase_with_how_much_of_it_is_done(tmp_path: Path, proj: Project) -> None:
    big = write(tmp_path / "big.txt", big_text(3))
    steps: list[Step] = []
    report = import_paths(proj, [big], on_step=steps.append)
    assert len(report.imported) == 1
    assert list(dict.fromkeys(s.phase for s in steps)) == list(PHASES)
    assert {(s.index, s.total, s.path) for s in steps} == {(0, 1, big)}
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert len([s for s in steps if s.phase == "checking duplicates"]) > 3  # it moves inside the phase


@pytest.mark.parametrize("phase", PHASES)
def test_cancel_inside_a_big_file_leaves_nothing_of_it_and_says_so(tmp_path: Path, proj: Project, phase: str) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "1 first.txt", "First story\n\nA short one.\n")
    write(folder / "2 big.txt", big_text(1.5))
    write(folder / "3 last.txt", "Last story\n\nAnother short one.\n")

    def step(s: Step) -> bool:
        return s.phase != phase

    report = import_paths(proj, [folder], on_step=step)
    assert report.cancelled
    assert [s.title for s in proj.documents.summaries()] == ["First story"]
    if proj.store.engine == "sqlite":  # FTS5's table; a shared project's search index is the server's (store/pg)
        assert proj.store.conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 1
    assert report.summary_lines() == ["Imported 1 document.",
                                      "Import cancelled: 2 big.txt and the 1 file after it were not imported."]


def test_cancel_inside_the_only_file_says_that_file_was_not_imported(tmp_path: Path, proj: Project) -> None:
    big = write(tmp_path / "big.txt", big_text(1.5))
    report = import_paths(proj, [big], on_step=lambda s: s.phase != "checking duplicates")
    assert proj.documents.count() == 0
    assert report.summary_lines() == ["Imported 0 documents.", "Import cancelled: big.txt was not imported."]
