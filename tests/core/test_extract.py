"""Reading news in every shape: saved web pages, Word, PDF, Markdown; and refusing hostile files."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.extract import IMPORTABLE_SUFFIXES, extract, kind_of

HEADLINE = "Minister defends port deal"
PARAGRAPHS = [
    "The transport minister on Tuesday defended the sale of the harbour terminal, saying the agreement "
    "would bring two thousand jobs to the region within five years.",
    "Opposition leaders called the deal a giveaway and demanded that parliament see the full contract "
    "before any money changes hands.",
    "“We have nothing to hide,” the minister told reporters outside the ministry, adding that the "
    "contract would be published next month.",
]
ARTICLE_TEXT = "\n\n".join([HEADLINE, *PARAGRAPHS]) + "\n"

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{HEADLINE} | The Harbour Times</title>
<meta property="og:site_name" content="The Harbour Times">
<meta property="og:title" content="{HEADLINE}">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T08:30:00+09:00">
<link rel="canonical" href="https://harbourtimes.example/politics/port-deal">
<link rel="stylesheet" href="https://cdn.example/site.css">
<style>body {{ font-family: serif; }} .cookie {{ position: fixed; }}</style>
<script>alert("pwned"); fetch("https://tracker.example/beacon");</script>
<script src="https://tracker.example/analytics.js"></script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/login">Sign in</a></li></ul></nav>
<main>
<article>
<h1>{HEADLINE}</h1>
<p class="byline">By Jane Doe</p>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p>
<img src="https://images.example/port.jpg" alt="The port at dusk">
</article>
<section id="comments" class="comments">
<h2>Comments</h2>
<form action="/comment" method="post"><textarea name="c">Write your comment here</textarea>
<button>Post comment</button></form>
<div class="comment">Great article, I agree with everything the minister says about the port.</div>
</section>
</main>
<footer><p>© 2024 The Harbour Times. All rights reserved. Privacy policy · Terms of use</p></footer>
<script>document.write("<p>Injected by script</p>")</script>
</body>
</html>
"""

BOILERPLATE = [
    "alert", "fetch", "tracker", "font-family", "cookies", "Accept all", "Home", "Sign in", "Politics",
    "Comments", "Write your comment", "Post comment", "Great article", "©", "All rights reserved",
    "Privacy policy", "Injected by script", "By Jane Doe", "The port at dusk",
]


def refusal(name: str, data: bytes, **kw) -> str:
    with pytest.raises(ImportRefused) as caught:
        extract(name, data, **kw)
    reason = caught.value.reason
    assert "\n" not in reason  # one line, for the import report
    return reason


# -- web pages ---------------------------------------------------------------------------------


def test_news_page_keeps_the_article_and_its_byline_without_the_site_around_it() -> None:
    found = extract("port-deal.html", NEWS_PAGE.encode("utf-8"))
    assert found.text == ARTICLE_TEXT
    assert [piece for piece in BOILERPLATE if piece in found.text] == []
    assert found.title == HEADLINE
    assert found.metadata == {
        "outlet": "The Harbour Times",
        "author": "Jane Doe",
        "date": "2024-03-05",
        "url": "https://harbourtimes.example/politics/port-deal",
        "language": "en-GB",
    }
    assert found.encoding == "utf-8"


def test_reading_a_page_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network used during import")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    found = extract("port-deal.htm", NEWS_PAGE.encode("utf-8"))
    assert found.text == ARTICLE_TEXT
    assert attempts == []


KOREAN_HEADLINE = "항만 매각 논란, 장관 “숨길 것 없다”"
KOREAN_BODY = [
    "국토교통부 장관은 화요일 항만 터미널 매각을 옹호하며 5년 안에 지역에 일자리 2천 개가 생길 것이라고 말했다.",
    "야당 지도부는 이번 거래를 헐값 매각이라고 비판하며 돈이 오가기 전에 국회가 계약서 전문을 봐야 한다고 요구했다.",
    "똠방각하라는 별명으로 불리는 의원은 계약서가 다음 달 공개될 것이라는 장관의 설명을 믿기 어렵다고 했다.",
]


@pytest.mark.parametrize(
    "declaration",
    ['<meta charset="euc-kr">', '<meta http-equiv="Content-Type" content="text/html; charset=EUC-KR">'],
    ids=["meta-charset", "http-equiv"],
)
def test_korean_page_in_euc_kr_is_read_as_its_charset_declares(declaration: str) -> None:
    page = (
        f'<html lang="ko"><head>{declaration}<title>{KOREAN_HEADLINE} - 한국일보</title></head><body>'
        f'<nav>홈 | 정치 | 경제 | 로그인</nav><article><h1>{KOREAN_HEADLINE}</h1>'
        + "".join(f"<p>{p}</p>" for p in KOREAN_BODY)
        + "</article><footer>무단 전재 및 재배포 금지</footer></body></html>"
    )
    # 똠 is outside EUC-KR proper; browsers read "euc-kr" pages as Windows-949, and so must we.
    found = extract("기사.html", page.encode("cp949"))
    assert found.text == "\n\n".join([KOREAN_HEADLINE, *KOREAN_BODY]) + "\n"
    assert found.title == KOREAN_HEADLINE
    assert found.metadata["language"] == "ko"
    assert found.encoding == "cp949"


def test_a_wrong_charset_declaration_falls_back_to_reading_the_bytes() -> None:
    body = "L'été dernier, à Noël, le garçon a mangé une crème brûlée près du château de la ville."
    page = f'<html><head><meta charset="utf-8"></head><body><article><p>{body}</p></article></body></html>'
    found = extract("page.html", page.encode("cp1252"))
    assert found.text == body + "\n"


def test_a_saved_page_named_txt_is_still_read_as_a_page() -> None:
    found = extract("saved.txt", NEWS_PAGE.encode("utf-8"))
    assert found.text == ARTICLE_TEXT


def test_a_page_without_an_article_is_refused() -> None:
    page = b"<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>"
    assert refusal("empty.html", page).startswith("no article text found in this web page")


# -- Word --------------------------------------------------------------------------------------


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_file_text_in_reading_order_with_its_heading_as_title() -> None:
    def build(document) -> None:
        document.add_paragraph("정치 · 2024년 3월 5일")  # a dateline above the headline is not the title
        document.add_heading("항만 매각 논란 🚢", level=1)
        document.add_paragraph("장관은 화요일 항만 매각을 옹호했다 😀.")
        document.add_paragraph("")
        document.add_paragraph("Opposition leaders\tcalled it a giveaway.")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "찬성", "반대"
        table.cell(1, 0).merge(table.cell(1, 1)).text = "합의 없음"

    found = extract("기사.docx", docx_bytes(build))
    assert found.text == (
        "정치 · 2024년 3월 5일\n\n항만 매각 논란 🚢\n\n장관은 화요일 항만 매각을 옹호했다 😀.\n\n"
        "Opposition leaders\tcalled it a giveaway.\n\n찬성\t반대\n합의 없음\n"
    )
    assert found.title == "항만 매각 논란 🚢"
    # python-docx stamps every file it makes with author "python-docx": file properties are not bylines.
    assert found.metadata == {}


def test_word_file_without_a_heading_leaves_the_title_to_the_importer() -> None:
    found = extract("a.docx", docx_bytes(lambda d: d.add_paragraph("Just one paragraph.")))
    assert (found.text, found.title) == ("Just one paragraph.\n", None)


def test_word_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("Harmless looking.")))
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(64 * 1024 * 1024))  # 64 MB of zeros, ~64 KB packed
    data = package.getvalue()
    assert len(data) < 1024 * 1024
    reason = refusal("bomb.docx", data)
    assert reason.startswith("this Word file looks like a zip bomb: its part word/media/image1.png would inflate")
    assert reason.endswith("to 64 MiB; it was not opened")


def test_word_file_that_would_unpack_beyond_the_limit_is_refused() -> None:
    # A package may unpack to four times the text limit (python-docx's own template is ~1 MB unpacked).
    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("Text.")))
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.bin", bytes(900 * 1024))  # below the size the ratio rule looks at
    data = package.getvalue()
    assert len(data) < 400 * 1024
    reason = refusal("big.docx", data, max_bytes=400 * 1024)
    assert reason.startswith("this Word file would unpack to ")
    assert reason.endswith(" MiB, more than the limit of 1.6 MiB; it was not opened")


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"Dear editor, this is plain text saved with the wrong name.", "not a Word .docx file (it is not a ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not a .docx package: a password-protected or old-format"),
        (b"", "not a Word .docx file"),
    ],
    ids=["text", "old-doc", "empty"],
)
def test_a_file_named_docx_that_is_no_word_package_is_refused(data: bytes, start: str) -> None:
    assert refusal("renamed.docx", data).startswith(start)


def test_a_zip_named_docx_that_is_not_a_word_document_is_refused() -> None:
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    assert refusal("photos.docx", package.getvalue()).startswith("cannot read this Word file")


# -- PDF ---------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_bytes(*pages: list[str]) -> bytes:
    pdf = FPDF()
    if DEJAVU.exists():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_text_layer_is_extracted_page_by_page() -> None:
    if DEJAVU.exists():
        first = ["Élections: le ministre défend l'accord", "Ünïcode “quotes” survive — and so does €."]
    else:
        first = ["Elections: the minister defends the deal", "ASCII text only on this machine."]
    second = ["Page two of the article.", "The contract will be published next month."]
    found = extract("article.pdf", pdf_bytes(first, second))
    assert found.text == "\n".join(first) + "\n\n" + "\n".join(second) + "\n"
    assert found.title is None  # left to the importer's headline finder


def test_pdf_named_txt_is_read_as_a_pdf() -> None:
    found = extract("article.txt", pdf_bytes(["A PDF under a text file's name."]))
    assert found.text == "A PDF under a text file's name.\n"


def image_only_pdf() -> bytes:
    scan = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(scan).text((20, 80), "SCANNED PAGE WITH WORDS AS PIXELS", fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(scan, x=10, y=10, w=180)
    return bytes(pdf.output())


@pytest.mark.parametrize("data", [pytest.param(image_only_pdf(), id="scan"), pytest.param(pdf_bytes([]), id="blank")])
def test_pdf_without_a_text_layer_is_refused_as_scanned(data: bytes) -> None:
    assert refusal("scan.pdf", data).startswith("no text layer (scanned?)")


@pytest.mark.parametrize(
    ("name", "data", "start"),
    [
        ("a.pdf", b"Plain text with a .pdf name, not a PDF at all.", "not a PDF file (it does not start with %PDF-)"),
        ("a.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", "cannot read this PDF ("),
    ],
    ids=["renamed", "damaged"],
)
def test_broken_pdfs_are_refused_with_one_line(name: str, data: bytes, start: str) -> None:
    assert refusal(name, data).startswith(start)


# -- Markdown ----------------------------------------------------------------------------------

MARKDOWN = """---
title: "Port deal: the minister speaks"
author: Jane Doe
date: 5 March 2024
sitename: The Harbour Times
tags: [port, politics]
section: Politics
---
# Minister defends **port** deal

The [minister](https://example.org/minister) said *nothing* was hidden,
and that `contract.pdf` would follow.

- jobs: 2,000
- years: 5
  - phased

1. Sale approved
2. Contract published

> “We have nothing to hide.”

| Party | Position |
|-------|----------|
| Government | for |

![The port at dusk](port.jpg)
"""


def test_markdown_is_stored_as_readable_text_with_front_matter_as_metadata() -> None:
    found = extract("port.md", MARKDOWN.encode("utf-8"))
    assert found.text == (
        "Minister defends port deal\n\n"
        "The minister said nothing was hidden,\nand that contract.pdf would follow.\n\n"
        "• jobs: 2,000\n• years: 5\n  • phased\n\n"
        "1. Sale approved\n2. Contract published\n\n"
        "“We have nothing to hide.”\n\n"
        "Party\tPosition\nGovernment\tfor\n\n"
        "The port at dusk\n"
    )
    assert found.title == "Port deal: the minister speaks"
    assert found.metadata == {"author": "Jane Doe", "date": "2024-03-05", "outlet": "The Harbour Times",
                              "section": "Politics"}


def test_markdown_heading_is_the_title_and_a_leading_rule_is_not_front_matter() -> None:
    found = extract("notes.markdown", "---\nNot a field line here\n---\n## Sub\n\n# 항만 매각\n\n본문 😀\n".encode())
    assert found.text == "Not a field line here\n\nSub\n\n항만 매각\n\n본문 😀\n"
    assert (found.title, found.metadata) == ("항만 매각", {})


def test_markdown_of_only_markup_is_refused() -> None:
    assert refusal("empty.md", b"---\n\n***\n\n<!-- nothing -->\n").startswith("this Markdown file has no text")


# -- choosing the reader, and limits -----------------------------------------------------------


def test_the_reader_is_chosen_by_the_bytes_first_and_the_name_second() -> None:
    word = docx_bytes(lambda d: d.add_paragraph("x"))
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "a")
    assert kind_of("x.bin", word) == "docx"
    assert kind_of("x.txt", b"%PDF-1.4 ...") == "pdf"
    assert kind_of("x.txt", b"\xef\xbb\xbf  <!-- saved -->\n<!DOCTYPE html><html>") == "html"
    assert kind_of("x.txt", b"Pages begin with <html>, as this article explains") == "plain"
    assert kind_of("x.txt", plain_zip.getvalue()) == "plain"
    assert kind_of("x.MD", b"# t") == "markdown"
    assert set(IMPORTABLE_SUFFIXES) == {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    assert refusal("page.html", NEWS_PAGE.encode(), max_bytes=1024).startswith("file too large")


def test_text_that_unpacks_beyond_the_limit_is_refused() -> None:
    # 600 KB of text packs into a small Word file; the stored text is what the limit is for.
    long_text = " ".join(f"word{i:05d}" for i in range(60_000))
    data = docx_bytes(lambda d: d.add_paragraph(long_text))
    assert len(data) < 500 * 1024
    assert refusal("long.docx", data, max_bytes=500 * 1024).startswith("file too large (586 KiB")


# -- files that try to reach outside themselves ------------------------------------------------


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENTS", encoding="utf-8")
    doctype = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'.encode()
    page = (b'<?xml version="1.0"?>\n' + doctype + b"<html><body><article><h1>Headline</h1><p>Leaked: &xxe; "
            b"and the rest of a paragraph long enough to count as the article.</p></article></body></html>")
    assert "TOP-SECRET" not in extract("page.html", page).text

    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("MARKER")))
    with zipfile.ZipFile(package) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    parts["word/document.xml"] = (
        parts["word/document.xml"]
        .replace(b"<w:document", doctype.replace(b"html", b"w:document") + b"<w:document", 1)
        .replace(b"MARKER", b"MARKER &xxe;")
    )
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    text = extract("hostile.docx", hostile.getvalue()).text
    assert text.startswith("MARKER") and "TOP-SECRET" not in text
