"""Files → decoded text → articles → paragraphs and table rows.

Reading decodes whatever encoding a page is in; :func:`parse_page` splits one newspaper
page into :class:`Article` objects for both layouts seen in the seeds (Markdown headings,
and plain text where a title is a short line with no final punctuation), repairing layout
damage while every paragraph keeps the offsets of its characters in the decoded file.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from .config import SUPPORTED_SUFFIXES
from .errors import DocumentError
from .text import CJK, Mapped, concat, ends_sentence, repair, undouble

# ----------------------------------------------------------------------------- reading


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
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise DocumentError(f"{name}: not a readable PDF ({exc.__class__.__name__}).") from exc
    return _checked("\n\n".join(pages), name)


def _docx_text(data: bytes, name: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip and XML errors
        raise DocumentError(f"{name}: not a readable .docx file ({exc.__class__.__name__}).") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        prefix = "#" * int(level.group(1)) + " " if level else ""
        lines.append(prefix + para.text)
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return _checked("\n\n".join(lines), name)


def _html_text(text: str, name: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
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


# ----------------------------------------------------------------------------- articles


@dataclass
class Paragraph:
    """One citable unit of an article: a paragraph, a caption, or a table row."""

    text: Mapped
    kind: str = "body"  # body | lead | heading | caption | table_row | note
    header: str = ""  # table rows: the header the row is read with


@dataclass
class Article:
    """An article of a page: title, subtitle, byline and paragraphs."""

    title: str
    subtitle: str = ""
    byline: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    kind: str = "article"  # article | caption | continuation | table
    closed: bool = False

    @property
    def heading(self) -> str:
        """Title and subtitle, as shown to readers and used as context for passages."""
        return f"{self.title}：{self.subtitle}" if self.subtitle else self.title

    @property
    def span(self) -> tuple[int, int]:
        """Original offsets from the first to the last paragraph."""
        spans = [p.text.span() for p in self.paragraphs if p.text.text]
        return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else (0, 0)


@dataclass
class _Unit:
    kind: str  # heading | title | table | byline | credit | source | date | lead | body | caption
    text: Mapped
    level: int = 0
    rows: list[Mapped] = field(default_factory=list)
    unterminated: bool = False


_BYLINE_LINE = re.compile(
    rf"^\s*(?:[(（][{CJK}·、，, ]{{2,24}}[)）]|(?:本报)?记者[ \u3000]*[{CJK} \u3000、]{{2,16}}|"
    rf"本报通讯员[ \u3000]*[{CJK} 、]{{2,16}})\s*$")
_BYLINE_TAIL = re.compile(rf"(?<=[。！？”!?\"])\s*[(（][{CJK}·、，, ]{{2,24}}[)）]\s*$")
_CREDIT_LINE = re.compile(rf"^\s*[{CJK}·、 ]{{2,12}}[ \u3000]*摄\s*$")
_CREDIT_TAIL = re.compile(rf"(?<=[。！？”!?])\s*(?:本报记者[ \u3000]*)?[{CJK}·、]{{2,10}}[ \u3000]*摄\s*$")
_CAPTION_TAIL = re.compile(rf"(?<=[。！？”!?])\s*本报记者[ \u3000]*[{CJK}]{{2,4}}\s*$")
_SOURCE_LINE = re.compile(r"^\s*(?:据|来源[:：])\s*《[^》]{1,30}》\s*$")
_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_CONTINUATION = re.compile(r"^\s*[(（]\s*(?:上接|下转)第?\s*\d+\s*版\s*[)）]\s*")
_LEAD = re.compile(r"^\s*(?:\*\*)?本报讯")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(\S.*?)\s*#*\s*$")
_LIST_NOTE = re.compile(r"^\s*\d{1,2}\s*[.、．]")
TITLE_MAX_CHARS = 40


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _is_title_like(line: str) -> bool:
    s = line.strip()
    return (0 < len(s) <= TITLE_MAX_CHARS and not ends_sentence(s) and "。" not in s
            and s[-1] not in "，,、"
            and s.count("，") + s.count(",") <= 1 and not _LIST_NOTE.match(s)
            and not s.startswith(("(", "（")))


def _split_units(text: str) -> list[_Unit]:
    """Lines → units: headings, tables, bylines, credits and paragraphs (before merging)."""
    units: list[_Unit] = []
    para: list[tuple[int, int]] = []
    blank_before = True

    def flush() -> None:
        if para:
            m = repair(concat(Mapped.of(text, s, e) for s, e in _join_lines(para)))
            if m.text:
                units.append(_Unit("body", m))
            para.clear()

    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            flush()
            blank_before = True
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            units.append(_Unit("heading", Mapped.of(text, start + heading.start(2), start + heading.end(2)),
                               level=len(heading.group(1))))
        elif "\t" in line.strip() or (units and units[-1].kind == "table" and not blank_before
                                       and "\t" in line):
            flush()
            row = Mapped.of(text, start, end)
            if units and units[-1].kind == "table" and not blank_before or units and units[-1].kind == "table" and "\t" in line:
                units[-1].rows.append(row)
            else:
                units.append(_Unit("table", row, rows=[row]))
        elif (_BYLINE_LINE.match(line) or _CREDIT_LINE.match(line) or _SOURCE_LINE.match(line)
              or _DATE_LINE.match(line)):
            flush()
            kind = ("credit" if _CREDIT_LINE.match(line) else "source" if _SOURCE_LINE.match(line)
                    else "date" if _DATE_LINE.match(line) else "byline")
            units.append(_Unit(kind, repair(Mapped.of(text, start, end))))
        else:
            # an indented line after a finished sentence starts a new paragraph
            if para and line[:1] in " \t\u3000" and ends_sentence(text[para[-1][0]:para[-1][1]]):
                flush()
            para.append((start, end))
        blank_before = False
    flush()
    return units


def _join_lines(lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the lines including the newline between them (deleted later by repair)."""
    if not lines:
        return []
    return [(lines[0][0], lines[-1][1])]


def _classify(units: list[_Unit]) -> list[_Unit]:
    """Name each paragraph (lead, title, caption, body) and peel off trailing bylines."""
    out: list[_Unit] = []
    for u in units:
        if u.kind != "body":
            out.append(u)
            continue
        t = u.text
        cont = _CONTINUATION.match(t.text)
        if cont:
            t = t.slice(cont.end(), len(t)).strip()
            if not t.text:
                out.append(_Unit("continuation", u.text))
                continue
            u = _Unit("continuation_body", t)
        credit = _CREDIT_TAIL.search(t.text) or _CAPTION_TAIL.search(t.text)
        byline = _BYLINE_TAIL.search(t.text)
        if credit:
            out.append(_Unit("caption", t.slice(0, credit.start()).strip()))
            out.append(_Unit("credit", t.slice(credit.start(), len(t)).strip()))
            continue
        if byline:
            body = t.slice(0, byline.start()).strip()
            out.append(_Unit(u.kind if u.kind != "body" else _kind_of(body), body))
            out.append(_Unit("byline", t.slice(byline.start(), len(t)).strip()))
            continue
        if u.kind == "body":
            u = _Unit(_kind_of(t), undouble(t) if _is_title_like(t.text) else t)
        out.append(u)
    for u in out:
        u.unterminated = u.kind in {"body", "lead", "continuation_body"} and not ends_sentence(u.text.text)
    return out


def _kind_of(t: Mapped) -> str:
    if _LEAD.match(t.text):
        return "lead"
    if _is_title_like(t.text):
        return "title"
    return "body"


def _merge_broken(units: list[_Unit]) -> list[_Unit]:
    """Join paragraphs cut across a blank line and drop fragments printed twice."""
    out: list[_Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if (prev is not None and prev.unterminated and u.kind in {"body", "title"}
                and (u.kind == "body" or len(u.text) <= 12)):
            merged = prev.text + u.text
            out[-1] = _Unit(prev.kind, merged, unterminated=not ends_sentence(merged.text))
            continue
        if (prev is not None and u.kind == "body" and len(u.text) >= 8
                and any(u.text.text[k:] in prev.text.text for k in range(4))):
            continue  # a fragment repeated from the line before (its first characters may differ)
        out.append(u)
    return out


_TAG_TEXT = re.compile(r"</?[A-Za-z][^<>]*>|&[A-Za-z#0-9]+;|\*\*")


def _cell(text: str) -> str:
    return re.sub(r"\s+", "", _TAG_TEXT.sub("", text)) if re.search(f"[{CJK}<]", text) else \
        re.sub(r"\s+", " ", _TAG_TEXT.sub("", text)).strip()


def _table_paragraphs(unit: _Unit) -> list[Paragraph]:
    """Each row becomes a citable paragraph that reads ``column：value`` with its header."""
    rows = unit.rows
    header_cells = [_cell(c) for c in rows[0].text.split("\t")]
    header = " | ".join(c for c in header_cells if c)
    paras = [Paragraph(repair(rows[0]), kind="table_header", header=header)]
    for row in rows[1:]:
        cells = [_cell(c) for c in row.text.split("\t")]
        pairs = [f"{h}：{c}" if h else c for h, c in zip(header_cells + [""] * len(cells), cells) if c]
        label = "；".join(pairs)
        paras.append(Paragraph(repair(row), kind="table_row", header=label))
    return paras


def parse_page(text: str) -> list[Article]:
    """Split one decoded page into articles.

    Args:
        text: the whole decoded file; offsets in the result index into it.

    Returns:
        Articles in page order, parts of the same article (same title) merged.
    """
    units = _classify(_split_units(text))
    markdown = any(u.kind == "heading" for u in units)
    if markdown:  # in Markdown pages titles are headings; short lines are body text
        for u in units:
            if u.kind == "title":
                u.kind = "body"
                u.unterminated = not ends_sentence(u.text.text)
    units = _merge_broken(units)
    articles: list[Article] = []
    cur: Article | None = None
    pending: list[_Unit] = []

    def start(kind: str = "article") -> Article:
        nonlocal cur
        title, subtitle = _title_from(pending)
        cur = Article(title=title, subtitle=subtitle, kind=kind)
        articles.append(cur)
        pending.clear()
        return cur

    def orphan_home() -> Article | None:
        for art in reversed(articles):
            paras = [p for p in art.paragraphs if p.kind in {"body", "lead"}]
            if art.kind == "article" and paras and not ends_sentence(paras[-1].text.text):
                return art
        return None

    for u in units:
        if u.kind in {"heading", "title"} or (u.kind == "continuation" and markdown):
            if u.kind == "title" and not markdown and cur is not None and not cur.closed \
                    and not pending and cur.paragraphs and not _next_is_lead(units, u):
                cur.paragraphs.append(Paragraph(u.text, kind="heading"))  # a section heading
                continue
            pending.append(u)
            continue
        if pending:
            only_continuation = all(p.kind == "continuation" for p in pending)
            start("continuation" if only_continuation else "article")
        assert_cur = cur
        if u.kind in {"byline", "source", "date"}:
            if assert_cur is not None:
                if u.kind == "byline":
                    assert_cur.byline = assert_cur.byline or _strip_byline(u.text.text)
                    assert_cur.closed = True
                assert_cur.paragraphs.append(Paragraph(u.text, kind="note"))
            continue
        if u.kind == "credit":
            target = articles[-1] if articles and articles[-1].kind == "caption" else None
            if target is None and cur is not None and cur.paragraphs:
                last = cur.paragraphs.pop()
                target = Article(title=_caption_title(last.text.text), kind="caption")
                target.paragraphs.append(Paragraph(last.text, kind="caption"))
                articles.append(target)
            if target is not None:
                target.byline = u.text.text
                target.paragraphs.append(Paragraph(u.text, kind="note"))
            continue
        if u.kind == "caption":
            art = Article(title=_caption_title(u.text.text), kind="caption")
            art.paragraphs.append(Paragraph(u.text, kind="caption"))
            articles.append(art)
            continue
        if u.kind == "table":
            if cur is None or cur.closed:
                pending.append(_Unit("title", Mapped("表格", (u.text.origin[0],))))
                start("table")
            assert cur is not None
            cur.kind = "table" if not cur.paragraphs or cur.kind == "table" else cur.kind
            cur.paragraphs.extend(_table_paragraphs(u))
            continue
        if u.kind == "continuation":
            continue
        # lead, body, continuation_body
        if u.kind == "continuation_body" and cur is not None and not cur.paragraphs:
            cur.paragraphs.append(Paragraph(u.text, kind="body"))  # titled continuation
            continue
        if u.kind == "continuation_body":  # "(上接第1版)…" continues an article of another page
            pending.append(_Unit("title", Mapped("（上接第1版）" + _caption_title(u.text.text),
                                                 (u.text.origin[0],))))
            start("continuation")
            assert cur is not None
            cur.paragraphs.append(Paragraph(u.text, kind="body"))
            continue
        is_orphan = (cur is None or cur.closed
                     or (any(p.kind == "table_row" for p in cur.paragraphs)
                         and not _LIST_NOTE.match(u.text.text)))
        if u.kind == "lead" and cur is not None and any(p.kind in {"body", "lead"} for p in cur.paragraphs):
            is_orphan = True
        if is_orphan:
            home = orphan_home() if u.kind != "lead" else None
            if home is not None:
                home.paragraphs[-1].text = home.paragraphs[-1].text + u.text
                cur = home
                continue
            pending.append(_Unit("title", Mapped(_caption_title(u.text.text), (u.text.origin[0],))))
            start("article")
        assert cur is not None
        cur.paragraphs.append(Paragraph(u.text, kind="lead" if u.kind == "lead" else "body"))
    if pending:
        start()
    for art in articles:
        if _CONTINUATION.fullmatch(art.title) and art.paragraphs:
            art.title = "（上接第1版）" + _caption_title(art.paragraphs[0].text.text)
            art.kind = "continuation"
    return _merge_same_title([a for a in articles if a.paragraphs])


def _next_is_lead(units: list[_Unit], u: _Unit) -> bool:
    i = units.index(u)
    nxt = units[i + 1] if i + 1 < len(units) else None
    return nxt is not None and (nxt.kind in {"lead", "title"} or nxt.text.text.startswith("——"))


def _title_from(pending: list[_Unit]) -> tuple[str, str]:
    if not pending:
        return "", ""
    texts = [_clean_title(p.text.text) for p in pending]
    headings = [p for p in pending if p.kind == "heading"]
    if headings:
        main = min(headings, key=lambda p: p.level)
        title = _clean_title(main.text.text)
        rest = [t for p, t in zip(pending, texts) if p is not main and t]
        return title, " ".join(rest)
    return texts[0], " ".join(t for t in texts[1:] if t)


def _clean_title(text: str) -> str:
    t = re.sub(r"\s+", " ", _TAG_TEXT.sub("", text)).strip()
    n = len(t)
    if n >= 4 and n % 2 == 0 and t[: n // 2] == t[n // 2 :]:
        t = t[: n // 2]
    return t


def _strip_byline(text: str) -> str:
    return re.sub(r"^[(（]|[)）]$", "", text.strip()).strip()


def _caption_title(text: str) -> str:
    text = re.sub(r"^本报讯\s*(?:[(（][^)）]{0,30}[)）])?", "", text.strip())
    first = re.split(r"[。！？；，,]", text, maxsplit=1)[0]
    return first[:24] + ("…" if len(first) > 24 else "")


def _merge_same_title(articles: list[Article]) -> list[Article]:
    merged: list[Article] = []
    by_title: dict[str, Article] = {}
    for art in articles:
        key = re.sub(r"\s+", "", art.title + art.subtitle)
        prior = by_title.get(key) if art.kind == "article" and art.title else None
        if prior is not None:
            prior.paragraphs.extend(art.paragraphs)
            prior.subtitle = prior.subtitle or art.subtitle
            prior.byline = prior.byline or art.byline
            continue
        if art.kind == "article" and art.title:
            by_title[key] = art
        merged.append(art)
    return merged
