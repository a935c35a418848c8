"""Files → text: decode whatever encoding a page is in, and read PDF, DOCX and HTML.

The text returned is what every citation offset points into; :mod:`assistant.layout`
splits it into articles.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path
from typing import Any

import charset_normalizer

from .config import (
    MAX_DOC_PARAGRAPHS,
    MAX_EXTRACTED_CHARS,
    MAX_HTML_TAGS,
    MAX_PDF_PAGES,
    MAX_TABLE_CELLS,
    MAX_UNZIPPED_BYTES,
    SUPPORTED_SUFFIXES,
    UTF16_PLAIN_SHARE,
)
from .errors import DocumentError


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode a text file in UTF-8 (with or without BOM), GB18030/GBK, UTF-16 or another
    encoding found by ``charset_normalizer``.

    Raises:
        DocumentError: the file is empty or looks binary.
    """
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty.")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(enc, errors="replace"), name)
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and (text := _utf16_without_bom(data)) is not None:
        return _checked(text, name)
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise DocumentError(f"{name}: this looks like a binary file, not text; give a .txt, .md, "
                            f".html, .pdf or .docx page.")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise DocumentError(f"{name}: the encoding could not be detected; save it as UTF-8.")
    encoding = best.encoding
    if encoding.lower().replace("_", "") in {"gb2312", "gbk", "gb18030", "hz", "cp936"}:
        encoding = "gb18030"  # a superset: never fails where GBK would
    try:
        return _checked(data.decode(encoding, errors="replace"), name)
    except LookupError as exc:
        raise DocumentError(f"{name}: unknown encoding {encoding}; save it as UTF-8.") from exc


_PLAIN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\x20-\x7e\n\r\t“”‘’—…·]")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (Chinese text in UTF-16BE has few zero
    bytes, so it is told from binary by decoding it): the byte order whose text reads as
    Chinese or ASCII, if one does."""
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-be", "utf-16-le"):
        try:
            text = data[: len(data) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:5000]
        share = len(_PLAIN.findall(sample)) / max(len(sample), 1)
        if share >= UTF16_PLAIN_SHARE and (best is None or share > best[0]):
            best = (share, text)
    return best[1] if best else None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > len(even) * 0.3 or odd.count(0) > len(odd) * 0.3


def _checked(text: str, name: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(f"{name}: the file holds no text.")
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\n\t\f") or ch == "\ufffd")
    if bad > max(8, len(text[:20000]) * 0.02):
        raise DocumentError(f"{name}: this looks like a binary or damaged file, not text.")
    return text.replace("\x00", "")


def read_document(path: Path) -> str:
    """Read a page from disk and return its text (the text that offsets refer to).

    Raises:
        DocumentError: unsupported type, unreadable, empty or binary file.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path.name}: unsupported file type '{suffix}'; "
                            f"supported: {', '.join(SUPPORTED_SUFFIXES)}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    return extract_text(data, path.name)


def extract_text(data: bytes, name: str) -> str:
    """Turn the bytes of a supported file into text, by its suffix."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return _pdf_text(data, name)
    if suffix == ".docx":
        return _docx_text(data, name)
    text = decode_bytes(data, name)
    if suffix in {".html", ".htm"}:
        return _html_text(text, name)
    return text


def _pdf_text(data: bytes, name: str) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"{name}: {len(reader.pages)} pages is more than the limit of {MAX_PDF_PAGES}; "
                                "split the file.")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_EXTRACTED_CHARS:
                raise DocumentError(f"{name}: more than {MAX_EXTRACTED_CHARS:,} characters of text; split the file.")
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise DocumentError(f"{name}: not a readable PDF ({exc.__class__.__name__}).") from exc
    return _checked("\n\n".join(pages), name)


def _check_zip(data: bytes, name: str) -> None:
    """A .docx is a zip: refuse one that inflates beyond :data:`MAX_UNZIPPED_BYTES` (a zip
    bomb) before any XML is parsed."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({exc.__class__.__name__}).") from exc
    if inflated > MAX_UNZIPPED_BYTES:
        raise DocumentError(f"{name}: unpacks to {inflated / 1e6:.0f} MB, more than the limit of "
                            f"{MAX_UNZIPPED_BYTES / 1e6:.0f} MB.")


def _docx_text(data: bytes, name: str) -> str:
    import docx

    _check_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        names = {s.style_id: s.name or "" for s in document.styles}  # once, not once a paragraph
    except Exception as exc:  # python-docx raises zip and XML errors
        raise DocumentError(f"{name}: not a readable .docx file ({exc.__class__.__name__}).") from exc
    lines: list[str] = []
    for n, para in enumerate(document.paragraphs):
        if n >= MAX_DOC_PARAGRAPHS:
            raise DocumentError(f"{name}: more than {MAX_DOC_PARAGRAPHS:,} paragraphs; split the file.")
        text = para.text
        if not text.strip():
            continue
        style_id = para._p.style  # the paragraph's own style id (python-docx's .style looks it up each time)
        level = re.match(r"Heading (\d)", names.get(style_id or "", ""))
        lines.append(("#" * int(level.group(1)) + " " if level else "") + text)
    cells = 0
    for table in document.tables:
        for row in table.rows:
            cells += len(row.cells)
            if cells > MAX_TABLE_CELLS:
                raise DocumentError(f"{name}: more than {MAX_TABLE_CELLS:,} table cells; split the file.")
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return _checked("\n\n".join(lines), name)


def _html_text(text: str, name: str) -> str:
    from bs4 import BeautifulSoup

    if text.count("<") > MAX_HTML_TAGS:
        raise DocumentError(f"{name}: more than {MAX_HTML_TAGS:,} tags; split the file.")
    try:
        return _html_soup_text(BeautifulSoup(text, "html.parser"), name)
    except RecursionError as exc:  # nesting deeper than Python's stack
        raise DocumentError(f"{name}: its tags nest too deeply to read.") from exc


def _html_soup_text(soup: Any, name: str) -> str:
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.insert_before("\n\n" + "#" * level + " ")
            h.insert_after("\n\n")
    for tr in soup.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        tr.replace_with("\n" + "\t".join(cells) + "\n")
    for block in soup.find_all(["p", "div", "br", "li", "table", "section", "article"]):
        block.insert_before("\n\n")
    return _checked(re.sub(r"\n{3,}", "\n\n", soup.get_text()), name)
