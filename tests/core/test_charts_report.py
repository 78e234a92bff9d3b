"""The HTML report (issue 16, item 3): one self-contained file, every project string escaped, nothing loaded or run."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from annotator.core.charts.filters import ChartFilter
from annotator.core.charts.report import report_html, write_report
from annotator.core.common.errors import ProjectError
from tests.core.charts_support import build

HOSTILE = '<script>alert("x")</script><img src=http://evil.example/x.png>'


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture
def coded(project):
    build(project)
    return project


def test_the_report_holds_every_chart_the_codebook_and_a_method_note(coded, tmp_path):
    out = write_report(coded, tmp_path / "report.html")
    parsed = _parsed(out.read_text("utf-8"))
    text = " ".join(parsed.text)
    for title in ("Stance by target", "Stance by outlet", "Stance by month", "Most mentioned entities",
                  "Entities in the same documents", "Claims by verdict", "Claims by source and verdict",
                  "Label frequencies", "Documents × labels", "topic: answers", "topic × critical",
                  "Agreement figures", "Codebook", "Method"):
        assert title in text, title
    assert sum(1 for tag, _ in parsed.tags if tag == "svg") == 14  # 10 charts, 2 variables, a crosstab, agreement
    assert "3 of the project's 4 documents" not in text  # nothing filtered: all four are counted
    assert "4 of the project's 4 documents are counted (all coders)" in text
    assert "삼성전자" in text and "Documents dated 2024-03-05 to 2024-04-02." in text


def test_the_method_note_counts_the_filtered_documents_and_each_coders_work(coded):
    parsed = _parsed(report_html(coded, ChartFilter(metadata=(("outlet", "Times"),))))
    text = " ".join(parsed.text)
    assert "2 of the project's 4 documents are counted (outlet = Times; all coders)" in text
    cells = [t.strip() for t in parsed.text if t.strip()]
    assert cells[cells.index("kim") + 1] == "3" and cells[cells.index("lee") + 1] == "2"  # documents coded


def test_nothing_is_loaded_or_run_and_hostile_strings_stay_text(coded):
    coded.documents.set_title(1, HOSTILE)
    coded.codebook.rename(coded.codebook.by_name("Person").id, HOSTILE + " person")
    coded.codebook.set_description(coded.codebook.by_name("Claim").id, HOSTILE)
    coded.codebook.rename(coded.codebook.by_name("Favor").id, 'Favor id="x" url(#y)')
    html = report_html(coded)
    parsed = _parsed(html)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "link", "object", "embed", "foreignobject"}
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        for name in ("href", "xlink:href"):
            # In-page references, and a heatmap's pixels carried inside the file itself.
            assert attrs.get(name, "#").startswith(("#", "data:image/png;base64,")), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert HOSTILE in " ".join(parsed.text)  # shown as the analyst typed it, as text
    # In the codebook and in the charts' legends and ticks, none rewritten by the ids made unique per chart.
    text = " ".join(parsed.text)
    assert text.count('Favor id="x" url(#y)') >= 4 and "url(#c" not in text
    csp = next(attrs["content"] for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs)
    assert "default-src 'none'" in csp and "script" not in csp


def test_a_report_needs_an_html_file_name(coded, tmp_path):
    with pytest.raises(ProjectError, match=r"\.html file"):
        write_report(coded, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_the_inline_charts_do_not_share_ids(coded):
    ids = [attrs["id"] for tag, attrs in _parsed(report_html(coded)).tags if "id" in attrs]
    assert len(ids) == len(set(ids))
