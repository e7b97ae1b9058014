"""Decoding (issue 28): one stray byte must not garble a whole page. A page that is UTF-8 but for a
few bad bytes is read as UTF-8 (each bad byte a U+FFFD), a page in a legacy charset is still read
in that charset, and a declared charset is honoured when the bytes are not UTF-8."""

import re
from pathlib import Path

import pytest

from cleaner.readers import decode
from conftest import ROOT

GERMAN = sorted((ROOT / "raw").glob("*.txt"))
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€")


def _german(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert re.search("[äöüß]", text)
    return text


@pytest.mark.parametrize("path", GERMAN, ids=lambda p: p.name)
@pytest.mark.parametrize("stray", [b"\xff", b"\xc3", b"\x80\x81"])
def test_a_stray_byte_in_a_utf8_page_is_one_replacement_not_mojibake(path, stray):
    text = _german(path)
    data = text.encode("utf-8")
    at = data.index(b"\n", len(data) // 2)
    decoded = decode(data[:at] + stray + data[at:])
    assert not MOJIBAKE.search(decoded)
    assert decoded.replace("\ufffd", "") == text or decoded.count("\ufffd") <= len(stray)
    assert decoded.replace("\ufffd", "").count("ü") == text.count("ü")


@pytest.mark.parametrize("path", GERMAN, ids=lambda p: p.name)
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_a_page_in_a_legacy_charset_is_still_read_in_it(path, codec):
    text = _german(path)
    data = text.encode(codec, "replace")
    assert decode(data) == data.decode(codec)


def test_a_declared_legacy_charset_is_honoured_when_the_bytes_are_not_utf8():
    html = '<html><head><meta charset="windows-1252"></head><body><p>Gr\u00fc\u00dfe aus K\u00f6ln</p></body></html>'
    assert "Grüße aus Köln" in decode(html.encode("cp1252"))


def test_a_utf8_page_declaring_cp1252_with_stray_bytes_stays_utf8():
    """The declaration lies (the page is UTF-8) and two bytes are damaged: UTF-8 still wins, since
    a page really in cp1252 has an invalid sequence for nearly every non-ASCII character."""
    body = "<p>" + "It is what it is. " * 200 + "Caf\u00e9 \u201cquoted\u201d</p>"
    html = '<html><head><meta charset="windows-1252"></head><body>' + body + "</body></html>"
    data = html.encode("utf-8")
    data = data[:100] + b"\xfe" + data[100:400] + b"\xff" + data[400:]
    decoded = decode(data)
    assert "Café “quoted”" in decoded and not MOJIBAKE.search(decoded)


@pytest.mark.parametrize("path", GERMAN[:3], ids=lambda p: p.name)
@pytest.mark.parametrize("stray", [b"\xff", b"\x81"])
def test_a_stray_byte_in_a_page_in_its_declared_multibyte_charset_is_one_replacement(path, stray):
    """A GB2312-declared page (GB18030 bytes: a real page's German text beside Chinese) with one bad
    byte was rejected as undecodable or garbled by the detector; the declaration decides, the bad
    byte becomes U+FFFD."""
    zh = "市政府表示，新图书馆将于下月向公众开放。就读于圣尼各拉女校，中学毕业后考入理工学院。"
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        f"<body><p>{zh}</p><pre>{path.read_text(encoding='utf-8')}</pre></body></html>"
    )
    data = html.encode("gb18030")
    at = data.index(b"\n", len(data) // 2)
    decoded = decode(data[:at] + stray + data[at:])
    assert decoded.count("\ufffd") == 1 and decoded.replace("\ufffd", "") == html
