"""Drawing and exporting charts (issue 16, items 2 and 4): files that open, Korean that renders as text,
a CSV that reads back, and start-up that never loads matplotlib."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from annotator.core.charts.data import KINDS, ChartOptions, chart_data
from annotator.core.charts.draw import save, svg_text
from annotator.core.common.errors import ProjectError
from tests.core.charts_support import build

SVG = "{http://www.w3.org/2000/svg}"
OPTIONS = ChartOptions(variable="topic", second="critical")


@pytest.fixture
def coded(project):
    build(project)
    return project


def _svg_texts(path) -> str:
    root = ET.parse(path).getroot()
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def _png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_chart_kind_exports_files_that_open(coded, tmp_path, kind):
    data = chart_data(coded, kind, options=OPTIONS)
    svg = save(data, tmp_path / f"{kind}.svg")
    assert data.title in _svg_texts(svg)
    assert _png_size(save(data, tmp_path / f"{kind}.png", width=640, height=480)) == (640, 480)
    assert (save(data, tmp_path / f"{kind}.pdf")).read_bytes().startswith(b"%PDF")
    csv = save(data, tmp_path / f"{kind}.csv")
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's byte-order mark, as the other CSV exports
    table = pd.read_csv(csv, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    header, rows = data.table()
    assert list(table.columns) == header
    assert table.values.tolist() == [[str(cell) for cell in row] for row in rows]


def test_korean_targets_and_entities_are_text_in_the_svg(coded, tmp_path):
    for kind in ("stance-targets", "entities", "cooccurrence", "claims-source"):
        assert "삼성전자" in _svg_texts(save(chart_data(coded, kind), tmp_path / f"{kind}.svg")), kind


def test_korean_renders_with_a_font_that_has_hangul(coded):
    """Every glyph of a Korean label is drawn from a font that has it, not as a missing-glyph box."""
    from matplotlib import font_manager

    from annotator.core.charts.draw import _style

    first = _style()["font.sans-serif"][0]
    font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=[first]),
                                                       fallback_to_default=False))
    # fonts-noto-cjk is installed on the test machines; elsewhere the style falls back to DejaVu alone.
    assert all(font.get_char_index(ord(ch)) for ch in "삼성전자"), first


def test_stance_segments_carry_hatches_not_colour_alone(coded, tmp_path):
    svg = save(chart_data(coded, "stance-targets"), tmp_path / "stance.svg").read_text("utf-8")
    assert svg.count("<pattern") >= 2  # Against and Mixed are hatched, Favor is plain


def test_a_hostile_label_stays_text_in_svg_and_inert_in_csv(coded, tmp_path):
    coded.codebook.rename(coded.codebook.by_name("Person").id, "=HYPERLINK(\"x\")<b>&")
    data = chart_data(coded, "labels")
    assert "=HYPERLINK(\"x\")<b>&" in _svg_texts(save(data, tmp_path / "labels.svg"))
    text = (save(data, tmp_path / "labels.csv")).read_text("utf-8-sig")
    assert "\n\"'=HYPERLINK(\"\"x\"\")<b>&\"," in text  # an apostrophe makes it text in Excel


def test_an_unsupported_extension_is_refused_before_anything_is_written(coded, tmp_path):
    with pytest.raises(ProjectError, match=r"\.png, \.svg, \.pdf, \.csv"):
        save(chart_data(coded, "labels"), tmp_path / "chart.gif")
    assert not (tmp_path / "chart.gif").exists()


def test_svg_text_is_a_whole_svg_document(coded):
    text = svg_text(chart_data(coded, "labels"))
    assert ET.parse(io.StringIO(text)).getroot().tag == f"{SVG}svg"


def test_starting_the_app_or_the_command_line_does_not_load_matplotlib():
    code = ("import sys, annotator.ui.main_window, annotator.cli, annotator.cli_charts, annotator.core.charts.data, "
            "annotator.core.charts.draw; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy', 'PIL')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_dark_theme_chart_has_a_dark_background_and_light_text(coded, tmp_path):
    from annotator.core.charts.draw import DARK

    svg = save(chart_data(coded, "stance-targets"), tmp_path / "dark.svg", theme=DARK).read_text("utf-8")
    assert "fill: #1e1e1e" in svg.lower()  # the figure's background
    root = ET.parse(tmp_path / "dark.svg").getroot()
    title = next(t for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == "Stance by target")
    assert "#e8e8e8" in title.get("style", "").lower()


def test_dollar_signs_in_a_label_are_text_not_math(coded, tmp_path):
    # "$x^$" would be TeX to matplotlib: a parse error, or "$5 or $6" set in italics without its dollars.
    coded.codebook.rename(coded.codebook.by_name("Person").id, "Price $x^$ or $5 or $6")
    data = chart_data(coded, "labels")
    assert "Price $x^$ or $5 or $6" in _svg_texts(save(data, tmp_path / "labels.svg"))
    assert _png_size(save(data, tmp_path / "labels.png", width=640, height=480)) == (640, 480)
