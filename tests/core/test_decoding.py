"""Decoding: every encoding an analyst's files arrive in reads back as the same text."""

from __future__ import annotations

import random
from importlib import resources

import pytest

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, decode_bytes


def seed_text(prefix: str) -> str:
    entry = next(e for e in resources.files("annotator.seeds").iterdir() if e.name.startswith(prefix))
    return entry.read_text("utf-8")


ENGLISH_SEEDS = ["000", "001", "002", "004"]
KOREAN = seed_text("003").replace("\xa0", " ")  # cp949 has no no-break space; a real file has a space there
FRENCH_GERMAN = (
    "L'été dernier, à Noël, le garçon a mangé une crème brûlée près du château.\n"
    "Über die Brücke gehen die Mädchen. Die Straße ist größer als früher. Schöne Grüße aus München.\n"
)


@pytest.mark.parametrize("prefix", ENGLISH_SEEDS)
def test_cp1252_english_with_curly_quotes_and_bullets(prefix: str) -> None:
    original = seed_text(prefix)
    assert any(ch in original for ch in "‘’“”•–")
    assert decode_bytes(original.encode("cp1252")) == (original, "cp1252")


@pytest.mark.parametrize("codec", ["cp949", "euc-kr"])
def test_korean_legacy_encodings(codec: str) -> None:
    text, encoding = decode_bytes(KOREAN.encode(codec))
    assert text == KOREAN
    assert encoding in {"cp949", "euc-kr"}


def test_cp949_extended_hangul() -> None:
    # 똠, 뷁 and 쓩 are outside EUC-KR; Windows (cp949) encodes them as plain double bytes.
    sentence = "똠방각하 뷁 쓩: 확장 완성형 한글이 들어 있는 기사입니다. 정부는 새로운 대책을 발표했다.\n"
    assert decode_bytes(sentence.encode("cp949")) == (sentence, "cp949")


def test_euc_kr_eight_byte_syllables() -> None:
    # Strict EUC-KR spells such syllables as a jamo sequence; they must come back whole.
    sentence = "정부는 새로운 경제 대책을 뷁 발표했다. 아마존과 월마트의 경쟁이 치열하다.\n"
    data = sentence.encode("euc-kr")
    assert b"\xa4\xd4" in data
    assert decode_bytes(data)[0] == sentence


def test_latin1_accents() -> None:
    assert decode_bytes(FRENCH_GERMAN.encode("latin-1")) == (FRENCH_GERMAN, "latin-1")


def test_utf8_plain() -> None:
    original = seed_text("003")
    assert decode_bytes(original.encode("utf-8")) == (original, "utf-8")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    ],
)
def test_byte_order_marks_are_read_and_stripped(bom: bytes, codec: str, name: str) -> None:
    original = seed_text("003")
    assert decode_bytes(bom + original.encode(codec)) == (original, name)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_line_endings_become_newlines(ending: str) -> None:
    original = seed_text("001")
    text, _ = decode_bytes(original.replace("\n", ending).encode("utf-8"))
    assert text == original


def test_crlf_in_a_legacy_encoding() -> None:
    text, encoding = decode_bytes(KOREAN.replace("\n", "\r\n").encode("cp949"))
    assert (text, encoding) == (KOREAN, "cp949")


def test_text_is_not_stripped() -> None:
    assert decode_bytes(b"\n  Title\n\nBody  \n")[0] == "\n  Title\n\nBody  \n"


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", "\ufeff".encode("utf-8"), b"\xff\xfe"])
def test_empty_files_are_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused, match="^empty file$"):
        decode_bytes(data)


def _noise(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + _noise(2000), "PNG image"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(8) + _noise(200), "ELF program"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _noise(300), "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00" + _noise(300), "ZIP archive"),
        (b"GIF89a" + _noise(100), "GIF image"),
        (b"\xff\xd8\xff\xe0" + _noise(100), "JPEG image"),
    ],
)
def test_known_binary_formats_are_named(data: bytes, kind: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        decode_bytes(data)
    assert caught.value.reason.startswith(f"binary file (looks like {kind}")
    assert caught.value.reason.endswith("; import plain text, Markdown, HTML, DOCX, PDF, CSV, TSV, JSON Lines, REFI-QDA project or REFI-QDA codebook files")


def test_nul_bytes_without_a_bom_are_refused() -> None:
    with pytest.raises(ImportRefused, match="binary file .*NUL"):
        decode_bytes(b"Hello\x00world, this has a NUL in it")


def test_utf16_without_bom_is_refused_with_a_hint() -> None:
    with pytest.raises(ImportRefused, match="UTF-16"):
        decode_bytes("Plain English text".encode("utf-16-le"))


def test_control_characters_are_refused() -> None:
    data = bytes(range(1, 9)) * 50 + b"some text"
    with pytest.raises(ImportRefused, match="control characters"):
        decode_bytes(data)


def test_a_stray_control_character_is_kept() -> None:
    text = "A headline\n\nA long enough body of text that ends with a DOS end-of-file mark.\x1a"
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


def test_random_high_bytes_are_undecodable() -> None:
    data = random.Random(1).choices(range(0x80, 0x100), k=200)
    with pytest.raises(ImportRefused, match="cannot tell the text encoding; save it as UTF-8"):
        decode_bytes(bytes(data))


def test_broken_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(ImportRefused, match="UTF-16-LE"):
        decode_bytes(b"\xff\xfe" + b"\x00\xd8A\x00")  # lone surrogate


def test_size_limit() -> None:
    assert MAX_TEXT_BYTES == 50 * 1024 * 1024
    with pytest.raises(ImportRefused, match="too large .*limit is 100 bytes"):
        decode_bytes(b"a" * 101, max_bytes=100)
    assert decode_bytes(b"a" * 100, max_bytes=100) == ("a" * 100, "utf-8")
