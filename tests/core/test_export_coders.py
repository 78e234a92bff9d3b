"""Exports and coders (issue 14, items 4, 6 and 7): every coder's codes with a coder column by default,
one coder's with --coder, and a one-coder project's tables byte for byte as before coders were exported."""

from __future__ import annotations

import pytest

from tests.core.export_golden import GOLDEN, build_one_coder_project, frozen_clock, table_exports


@pytest.fixture(scope="module")
def one_coder_tables(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("one-coder")
    with frozen_clock(), build_one_coder_project(folder / "one-coder.annotator") as project:
        return table_exports(project, folder)


def test_a_one_coder_project_exports_its_tables_exactly_as_before(one_coder_tables):
    # The fixtures were written by the exports as they were before coders existed in them.
    expected = {path.name: path.read_bytes() for path in GOLDEN.glob("one-coder-*")}
    assert sorted(one_coder_tables) == sorted(expected)
    for name, data in expected.items():
        assert one_coder_tables[name].decode("utf-8") == data.decode("utf-8"), name
