"""JSON Lines, Web Annotation and .qdpx exports stream: the same bytes as the files built whole in memory,
and memory that stays flat however many annotations a project holds (issue 12, item 14)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xmlschema

from tests.core.export_golden import GOLDEN, build_golden_project, exports, frozen_clock
from tests.core.refi_support import FIXTURES


@pytest.fixture(scope="module")
def golden_exports(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("golden")
    with frozen_clock(), build_golden_project(folder / "golden.annotator") as project:
        return exports(project, folder)


def test_streamed_exports_are_byte_for_byte_the_files_built_whole(golden_exports):
    expected = {path.name: path.read_bytes() for path in GOLDEN.glob("golden*")}
    assert sorted(golden_exports) == sorted(expected)
    for name, data in expected.items():
        assert golden_exports[name].decode("utf-8") == data.decode("utf-8"), name


def test_the_streamed_project_file_is_valid_against_the_refi_schema(golden_exports):
    schema = xmlschema.XMLSchema(str(FIXTURES / "Project-mrt2019.xsd"))
    schema.validate(golden_exports["golden-project.qde"].decode("utf-8"))
