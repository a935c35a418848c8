from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.readers import decode_bytes, extract_text, read_document

TEXT = "山西2026年15件民生实事。\n\n本报讯 太原市新闻。"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"), codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT.encode("gb18030"),
    TEXT.encode("gbk"), TEXT.encode("utf-16"), TEXT.encode("utf-16-le"),
])
def test_decodes_common_encodings(data: bytes) -> None:
    assert decode_bytes(data, "page.txt") == TEXT


def test_rejects_binary_and_empty_files() -> None:
    with pytest.raises(DocumentError, match="binary"):
        decode_bytes(bytes(range(256)) * 40, "photo.jpg.txt")
    with pytest.raises(DocumentError, match="empty"):
        decode_bytes(b"  \n ", "blank.txt")
    with pytest.raises(DocumentError, match="unsupported"):
        read_document(Path("page.exe"))


def test_html_is_text_with_headings_and_no_script() -> None:
    page = "<h2>标题一</h2><p>正文&amp;内容。</p><script>alert(1)</script><table><tr><td>县</td><td>指数</td></tr></table>"
    text = extract_text(page.encode(), "page.html")
    assert "## 标题一" in text and "正文&内容。" in text and "alert" not in text and "县\t指数" in text


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_utf16_without_a_byte_order_mark_is_read_not_called_binary(encoding: str) -> None:
    text = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座，可接待游客5万人次。(王五)\n" * 20
    assert decode_bytes(text.encode(encoding), "page.txt") == text


def _docx_of(paragraph: str, count: int) -> bytes:
    """A .docx of one heading and ``count`` copies of a paragraph, its XML written directly
    (python-docx takes seconds to add this many)."""
    import io
    import re
    import zipfile

    import docx

    document = docx.Document()
    document.add_heading("忻州新建滑雪场", level=2)
    document.add_paragraph("PLACEHOLDER")
    made = io.BytesIO()
    document.save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode()
                para = re.search(r"<w:p>(?:(?!<w:p>).)*?PLACEHOLDER.*?</w:p>", xml, re.S).group(0)
                xml = xml.replace(para, para.replace("PLACEHOLDER", paragraph) * count)
                data = xml.encode()
            dst.writestr(item, data)
    return out.getvalue()


def test_crafted_files_are_read_or_refused_quickly() -> None:
    import io
    import time
    import zipfile

    small = extract_text(_docx_of("本报讯 忻州市今年新建滑雪场2座。", 3), "small.docx")
    assert small.startswith("## 忻州新建滑雪场") and small.count("滑雪场2座") == 3  # headings still found
    crafted = [_docx_of("", 60_000), _docx_of("山西", 60_000)]  # 41 KB of empty paragraphs took 164 s once
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * 200_000_000 + b">")
    t0 = time.perf_counter()
    for n, data in enumerate(crafted):
        with pytest.raises(DocumentError, match="more than 50,000 paragraphs"):
            extract_text(data, f"crafted-{n}.docx")
    with pytest.raises(DocumentError, match="unpacks to 200 MB"):
        extract_text(bomb.getvalue(), "bomb.docx")
    deep = extract_text(("<div>" * 50_000 + "山西" + "</div>" * 50_000).encode(), "deep.html")
    assert deep.strip() == "山西"
    with pytest.raises(DocumentError, match="tags"):
        extract_text(("<b>" * 600_000).encode(), "many.html")
    assert time.perf_counter() - t0 < 30  # seconds, not minutes (each took minutes before)


BOMB_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant.errors import DocumentError
from assistant.readers import extract_text
for path in sys.argv[1:]:
    t0 = time.perf_counter()
    try:
        outcome = "read %d chars" % len(extract_text(Path(path).read_bytes(), Path(path).name))
    except DocumentError as exc:
        outcome = "refused"
    print(Path(path).name, round(time.perf_counter() - t0, 2), outcome, flush=True)
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]  # this image only
print("maxrss_mb", int(peak) // 1024)
"""


def _pdf_of(content: bytes, pages: int = 1) -> bytes:
    """A minimal PDF of ``pages`` pages sharing one Flate-compressed content stream."""
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R /Resources << >> >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_each_crafted_file_is_read_or_refused_within_10_s_and_500_mb(tmp_path: Path) -> None:
    """Bombs of every kind the app reads, each in a fresh process: a PDF whose one page
    inflates to 300 MB, a PDF of 5,000 pages, a .docx of 60k empty paragraphs and a zip bomb,
    deep and wide HTML."""
    import io
    import subprocess
    import sys
    import zipfile
    import zlib

    packer = zlib.compressobj(9)
    text = b"BT /F1 12 Tf 10 10 Td (" + b"A" * 1000 + b") Tj ET\n"
    stream = b"".join(packer.compress(text * 1000) for _ in range(300)) + packer.flush()  # 300 MB inflated
    files = {"inflate.pdf": _pdf_of(stream), "pages.pdf": _pdf_of(zlib.compress(b"BT ET"), 5_000),
             "empty.docx": _docx_of("", 60_000), "deep.html": ("<div>" * 50_000 + "山西" + "</div>" * 50_000).encode(),
             "wide.html": ("<b>" * 600_000).encode()}
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * 200_000_000 + b">")
    files["zip.docx"] = bomb.getvalue()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    root = str(Path(__file__).resolve().parent.parent)
    for name in files:  # one process each: its peak memory is its own
        run = subprocess.run([sys.executable, "-c", BOMB_CHILD.format(root=root), str(tmp_path / name)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        lines = run.stdout.splitlines()
        _, seconds, *_ = lines[0].split(" ")
        assert float(seconds) < 10, lines[0]
        assert int(lines[-1].split()[1]) < 500, (name, lines[-1])
