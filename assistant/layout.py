"""Page layout: one decoded newspaper page → articles → paragraphs and table rows.

:func:`parse_page` handles both layouts seen in the seeds (Markdown headings, and plain text
where a title is a short line with no final punctuation), repairs layout damage (hard line
breaks, doubled headings, bylines and photo credits run into paragraphs, paragraphs cut
across a blank line, ``（上接第1版）`` continuations) and keeps, for every character of every
paragraph, its offset in the decoded file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .config import CAPTION_TITLE_CHARS, REPEATED_FRAGMENT_MIN_CHARS, SHORT_TITLE_MERGE_CHARS, TITLE_MAX_CHARS
from .text import CJK, Mapped, concat, ends_sentence, repair, undouble

ParagraphKind = Literal["body", "lead", "heading", "caption", "table_header", "table_row", "note"]
ArticleKind = Literal["article", "caption", "continuation", "table"]
UnitKind = Literal["heading", "title", "table", "byline", "credit", "source", "date", "lead", "body", "caption",
                   "continuation", "continuation_body"]


@dataclass
class Paragraph:
    """One citable unit of an article: a paragraph, a caption, or a table row."""

    text: Mapped
    kind: ParagraphKind = "body"
    header: str = ""  # table rows: the row read with its header, ``列：值；列：值``
    cells: tuple[tuple[str, str], ...] = ()  # table rows: (column, value) of each non-empty cell


@dataclass
class Article:
    """An article of a page: title, subtitle, byline and paragraphs."""

    title: str
    subtitle: str = ""
    byline: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    kind: ArticleKind = "article"
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
    kind: UnitKind
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
            kind: UnitKind = ("credit" if _CREDIT_LINE.match(line) else "source" if _SOURCE_LINE.match(line)
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


def _kind_of(t: Mapped) -> UnitKind:
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
                and (u.kind == "body" or len(u.text) <= SHORT_TITLE_MERGE_CHARS)):
            merged = prev.text + u.text
            out[-1] = _Unit(prev.kind, merged, unterminated=not ends_sentence(merged.text))
            continue
        if (prev is not None and u.kind == "body" and len(u.text) >= REPEATED_FRAGMENT_MIN_CHARS
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
        values = [_cell(c) for c in row.text.split("\t")]
        cells = tuple((h, c) for h, c in zip(header_cells + [""] * len(values), values) if c)
        label = "；".join(f"{h}：{c}" if h else c for h, c in cells)
        paras.append(Paragraph(repair(row), kind="table_row", header=label, cells=cells))
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
    page = _Page(markdown)
    for n, u in enumerate(units):
        page.add(u, units[n + 1] if n + 1 < len(units) else None)
    return page.finish()


class _Page:
    """The articles of one page as its units are read in order: titles wait in ``pending``
    until the first paragraph starts their article; ``current`` is the article being read."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.articles: list[Article] = []
        self.current: Article | None = None
        self.pending: list[_Unit] = []

    def add(self, u: _Unit, following: _Unit | None) -> None:
        """Read one unit (``following`` is the next one, to tell a section heading from a title)."""
        if u.kind in {"heading", "title"} or (u.kind == "continuation" and self.markdown):
            self._title(u, following)
            return
        if self.pending:
            self._start("continuation" if all(p.kind == "continuation" for p in self.pending) else "article")
        handler = {"byline": self._note, "source": self._note, "date": self._note, "credit": self._credit,
                   "caption": self._caption, "table": self._table, "continuation": _skip,
                   "continuation_body": self._continuation}.get(u.kind, self._paragraph)
        handler(u)

    def finish(self) -> list[Article]:
        """The page's articles, continuations titled and parts of one article merged."""
        if self.pending:
            self._start()
        for art in self.articles:
            if _CONTINUATION.fullmatch(art.title) and art.paragraphs:
                art.title = "（上接第1版）" + _caption_title(art.paragraphs[0].text.text)
                art.kind = "continuation"
        return _merge_same_title([a for a in self.articles if a.paragraphs])

    def _start(self, kind: ArticleKind = "article") -> Article:
        title, subtitle = _title_from(self.pending)
        self.current = Article(title=title, subtitle=subtitle, kind=kind)
        self.articles.append(self.current)
        self.pending.clear()
        return self.current

    def _start_titled(self, title: str, origin: int, kind: ArticleKind) -> Article:
        self.pending.append(_Unit("title", Mapped(title, (origin,))))
        return self._start(kind)

    def _title(self, u: _Unit, following: _Unit | None) -> None:
        cur = self.current
        if u.kind == "title" and not self.markdown and cur is not None and not cur.closed \
                and not self.pending and cur.paragraphs and not _is_lead_of(following):
            cur.paragraphs.append(Paragraph(u.text, kind="heading"))  # a section heading
            return
        self.pending.append(u)

    def _note(self, u: _Unit) -> None:
        if self.current is None:
            return
        if u.kind == "byline":
            self.current.byline = self.current.byline or _strip_byline(u.text.text)
            self.current.closed = True
        self.current.paragraphs.append(Paragraph(u.text, kind="note"))

    def _credit(self, u: _Unit) -> None:
        """A photo credit closes the caption above it (made from the last paragraph if needed)."""
        cur = self.current
        target = self.articles[-1] if self.articles and self.articles[-1].kind == "caption" else None
        if target is None and cur is not None and cur.paragraphs:
            last = cur.paragraphs.pop()
            target = Article(title=_caption_title(last.text.text), kind="caption")
            target.paragraphs.append(Paragraph(last.text, kind="caption"))
            self.articles.append(target)
        if target is not None:
            target.byline = u.text.text
            target.paragraphs.append(Paragraph(u.text, kind="note"))

    def _caption(self, u: _Unit) -> None:
        art = Article(title=_caption_title(u.text.text), kind="caption")
        art.paragraphs.append(Paragraph(u.text, kind="caption"))
        self.articles.append(art)

    def _table(self, u: _Unit) -> None:
        cur = self.current
        if cur is None or cur.closed:
            cur = self._start_titled("表格", u.text.origin[0], "table")
        cur.kind = "table" if not cur.paragraphs or cur.kind == "table" else cur.kind
        cur.paragraphs.extend(_table_paragraphs(u))

    def _continuation(self, u: _Unit) -> None:
        """``(上接第1版)…`` continues an article of another page (or a titled continuation)."""
        cur = self.current
        if cur is None or cur.paragraphs:
            cur = self._start_titled("（上接第1版）" + _caption_title(u.text.text), u.text.origin[0], "continuation")
        cur.paragraphs.append(Paragraph(u.text, kind="body"))

    def _paragraph(self, u: _Unit) -> None:
        """A lead or body paragraph: in the current article, or the continuation of an
        unfinished one, or an article of its own."""
        cur = self.current
        orphan = (cur is None or cur.closed
                  or (any(p.kind == "table_row" for p in cur.paragraphs) and not _LIST_NOTE.match(u.text.text)))
        if u.kind == "lead" and cur is not None and any(p.kind in {"body", "lead"} for p in cur.paragraphs):
            orphan = True
        if orphan:
            home = self._unfinished() if u.kind != "lead" else None
            if home is not None:
                home.paragraphs[-1].text = home.paragraphs[-1].text + u.text
                self.current = home
                return
            cur = self._start_titled(_caption_title(u.text.text), u.text.origin[0], "article")
        assert cur is not None
        cur.paragraphs.append(Paragraph(u.text, kind="lead" if u.kind == "lead" else "body"))

    def _unfinished(self) -> Article | None:
        """The latest article whose last paragraph stops mid-sentence."""
        for art in reversed(self.articles):
            paras = [p for p in art.paragraphs if p.kind in {"body", "lead"}]
            if art.kind == "article" and paras and not ends_sentence(paras[-1].text.text):
                return art
        return None


def _skip(u: _Unit) -> None:
    return None


def _is_lead_of(nxt: _Unit | None) -> bool:
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
    return undouble(Mapped.of(re.sub(r"\s+", " ", _TAG_TEXT.sub("", text)).strip())).text


def _strip_byline(text: str) -> str:
    return re.sub(r"^[(（]|[)）]$", "", text.strip()).strip()


def _caption_title(text: str) -> str:
    text = re.sub(r"^本报讯\s*(?:[(（][^)）]{0,30}[)）])?", "", text.strip())
    first = re.split(r"[。！？；，,]", text, maxsplit=1)[0]
    return first[:CAPTION_TITLE_CHARS] + ("…" if len(first) > CAPTION_TITLE_CHARS else "")


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
