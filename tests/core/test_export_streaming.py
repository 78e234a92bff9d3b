"""JSON Lines, Web Annotation and .qdpx exports stream: the same bytes as the files built whole in memory,
and memory that stays flat however many annotations a project holds (issue 12, item 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema

from tests.core.engines import ENGINES, location
from tests.core.export_golden import GOLDEN, build_golden_project, exports, frozen_clock
from tests.core.refi_support import FIXTURES


@pytest.fixture(scope="module", params=ENGINES)
def golden_exports(request, tmp_path_factory) -> dict[str, bytes]:
    """The golden project's exports, built in a project file and in a shared project: the same bytes."""
    folder = tmp_path_factory.mktemp("golden")
    with frozen_clock(), build_golden_project(location(request, folder, "golden.annotator", request.param)) as project:
        found = exports(project, folder)
        # The project's name is its location's: a shared project's is its database's.
        found["golden-project.qde"] = found["golden-project.qde"].replace(
            f' name="{project.path.stem}"'.encode(), b' name="golden"', 1)
        found["golden.jsonld"] = found["golden.jsonld"].replace(
            f'"label": "{project.path.stem}"'.encode(), b'"label": "golden"', 1)
        return found


def test_streamed_exports_are_byte_for_byte_the_files_built_whole(golden_exports):
    expected = {path.name: path.read_bytes() for path in GOLDEN.glob("golden*")}
    assert sorted(golden_exports) == sorted(expected)
    for name, data in expected.items():
        assert golden_exports[name].decode("utf-8") == data.decode("utf-8"), name


def test_the_streamed_project_file_is_valid_against_the_refi_schema(golden_exports):
    schema = xmlschema.XMLSchema(str(FIXTURES / "Project-mrt2019.xsd"))
    schema.validate(golden_exports["golden-project.qde"].decode("utf-8"))


# -- memory: flat in the number of annotations ------------------------------------------------------

_MEASURE = """
import json, sys
from annotator.core.interchange.formats import export
from annotator.core.project import Project

def kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

name, warm, big, out = sys.argv[1:5]
with Project(warm) as project:  # modules, caches and the first export's one-off costs
    export(project, name, out + ".warm")
with Project(big) as project:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak (VmHWM) starts again from what is resident now
    before = kb("VmRSS")
    count = export(project, name, out)
    after = kb("VmHWM")
print(json.dumps({"growth_kb": after - before, "count": count}))
"""


def _bulk_project(path: Path, annotations: int) -> Path:
    """20 documents, half of the annotations in the first (as in a heavily coded long report), notes,
    attribute values, entity links and cues on some; rows go in with sqlite3 in bulk (fixture only)."""
    import sqlite3

    from annotator.core.project import Project

    words = "Walmart told suppliers to leave AWS, a spokesperson said; 월마트 아마존 🚀. "
    with Project(path) as project:
        org, claim = project.codebook.by_name("Organization"), project.codebook.by_name("Claim")
        verdict = next(a for a in project.codebook.attributes(claim.id) if a.name == "verdict")
        walmart = project.entities.create("Walmart", org)
        docs = [project.documents.add(title=f"Report {n}", text=words * (400 if n == 0 else 20) + str(n))
                for n in range(20)]
        project.metadata.set_many(docs[0], {"outlet": "Wire", "url": "https://example.org/r"})
    conn = sqlite3.connect(path)
    with conn:
        rows, values = [], []
        for n in range(annotations):
            doc = docs[0] if n % 2 == 0 else docs[1 + n % 19]
            start = (n * 7) % 1000
            label = claim.id if n % 5 == 0 else org.id
            rows.append((n + 1, doc, label, start, start + 7, words[start % len(words):][:7].ljust(7, "x"),
                         f"note {n} about this passage, checked against the wire copy" if n % 3 == 0 else "",
                         f"coder{n % 4}", "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00",
                         walmart.id if label == org.id and n % 7 == 0 else None,
                         start + 1 if label == claim.id else None, start + 3 if label == claim.id else None))
            if label == claim.id:
                values.append((n + 1, verdict.id, "misleading"))
        conn.executemany("INSERT INTO annotations(id, document_id, label_id, span_start, span_end, text, note, "
                         "annotator, created_at, updated_at, entity_id, cue_start, cue_end) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)", values)
    conn.close()
    return path


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    return {"warm": _bulk_project(folder / "warm.annotator", 100),
            "small": _bulk_project(folder / "small.annotator", 10_000),
            "large": _bulk_project(folder / "large.annotator", 100_000)}


def _peak_growth_mb(name: str, project: Path, warm: Path, out: Path) -> float:
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _MEASURE, name, str(warm), str(project), str(out)],
                            capture_output=True, text=True, check=True, timeout=600,
                            cwd=Path(__file__).resolve().parents[2])
    return json.loads(result.stdout.splitlines()[-1])["growth_kb"] / 1024


@pytest.mark.parametrize("name", ["jsonl", "webanno", "qdpx"])
def test_export_memory_stays_flat_from_ten_thousand_to_a_hundred_thousand_annotations(bulk, tmp_path, name):
    small = _peak_growth_mb(name, bulk["small"], bulk["warm"], tmp_path / f"small.{name}")
    large = _peak_growth_mb(name, bulk["large"], bulk["warm"], tmp_path / f"large.{name}")
    # Ten times the annotations: memory held per annotation would grow tenfold; a stream barely moves.
    # The slack covers allocator noise on a few megabytes.
    assert large < 2 * small + 8, f"{name}: peak grew {small:.1f} MB for 10,000 annotations, {large:.1f} MB for 100,000"
