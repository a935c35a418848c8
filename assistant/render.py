"""The app's HTML: answers, summaries, source cards, whole articles and the status line,
rendered from typed results (strings in, strings out; every piece of source or user text
HTML-escaped), and the page's CSS and script."""

from __future__ import annotations

import html
import json
import re

from .answer import Answer
from .citation import Citation
from .core import Assistant
from .errors import AssistantError
from .summary import Summary

CSS = """
.answer mark, .sources mark { background: #ffe58a; padding: 0 2px; border-radius: 3px; }
.notfound { border-left: 4px solid #d9534f; padding-left: 8px; color: #8a1f1b; }
.closest { background: #f4f4f4; color: #555; border: 1px dashed #bbb; padding: 4px 8px; }
.cite { font-size: 0.8em; color: #1a5fb4; vertical-align: super; cursor: pointer; }
.cite:hover { text-decoration: underline; }
.answer ol.items { list-style: none; padding-left: 0; }
.sources .flash { background: #ffb347; outline: 2px solid #e67e00; }
.offstage { position: absolute !important; left: -9999px; width: 1px; height: 1px; overflow: hidden; }
.reader { border-top: 2px solid #1a5fb4; margin-top: 8px; }
.sources details { border: 1px solid #ddd; border-radius: 6px; margin: 6px 0; padding: 6px 8px; }
.sources summary { cursor: pointer; font-weight: 600; }
.meta { color: #666; font-size: 0.85em; }
"""


# The page's script: a click on a citation marker [n] opens its source card, scrolls to it
# and flashes the cited sentence (in the chat's panel or the library's); a click on "read the
# article" asks for the whole article; a new question is scrolled to the top of the chat, so
# the answer streams in below it instead of pushing it out of view.
APP_JS = """
() => {
  let questions = 0;
  new MutationObserver(() => {
    const asked = document.querySelectorAll('#chatbot [data-testid="user"]');
    if (asked.length > questions) {
      questions = asked.length;
      asked[asked.length - 1].scrollIntoView({block: 'start'});
    }
  }).observe(document.body, {childList: true, subtree: true});
  document.addEventListener('click', (event) => {
    const read = event.target.closest('.read-article');
    if (read) {
      event.preventDefault();
      const box = document.querySelector('#read-request textarea');
      box.value = read.closest('details').getAttribute('data-read');
      box.dispatchEvent(new Event('input', {bubbles: true}));
      setTimeout(() => document.querySelector('#read-go').click(), 50);
      return;
    }
    const marker = event.target.closest('.cite');
    const n = marker && [...marker.classList].find((c) => /^n\\d+$/.test(c));
    if (!n) return;
    const panel = marker.closest('#library') ? '#library-sources' : '#sources';
    const card = document.querySelector(`${panel} details.${n}`);
    if (!card) return;
    card.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    const mark = card.querySelector(`mark.${n}`) || card;
    document.querySelectorAll('.sources .flash').forEach((el) => el.classList.remove('flash'));
    mark.classList.add('flash');
    setTimeout(() => mark.classList.remove('flash'), 2500);
  });
}
"""

# ----------------------------------------------------------------------------- rendering (pure)

_JOINED_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n(?=[\u3000-\u9fff\uff00-\uffef])")


def _marker(n: int, citation: Citation | None = None) -> str:
    """A citation marker; its tooltip names the source, and a click shows it (:data:`APP_JS`)."""
    title = ""
    if citation is not None:
        title = f' title="{html.escape(f"{citation.source} · 第{citation.paragraph}段：{citation.text[:60]}")}"'
    return f'<sup class="cite n{n}"{title}>[{n}]</sup>'  # the chat keeps classes, not data-*


def _page_text(text: str) -> str:
    """Escaped source text as a paragraph reads: the page's hard line breaks inside Chinese
    text joined (the characters, and so the offsets, are the file's own)."""
    return html.escape(_JOINED_BREAK.sub("", text)).replace("\n", "<br>")


def _highlight(text: str, span: str | None) -> str:
    """Escape ``text`` and wrap the first occurrence of ``span`` in ``<mark>``."""
    if span and span in text:
        i = text.index(span)
        return (html.escape(text[:i]) + "<mark>" + html.escape(span) + "</mark>"
                + html.escape(text[i + len(span):]))
    return html.escape(text)


def render_answer(ans: Answer) -> str:
    """The chat message for an answer: highlighted short answer, numbered list items,
    citation markers; a not-found answer looks different."""
    if not ans.found:
        return (f'<div class="answer notfound"><b>未找到答案 · Not found</b><br>{html.escape(ans.message)}'
                f"</div>")
    parts = ['<div class="answer">']
    if ans.short_answer:
        parts.append(f"<p><b>简答：</b><mark>{html.escape(ans.short_answer)}</mark></p>")
    if ans.items:  # the items number themselves (一是, 二是): the list adds no numbers
        parts.append('<ol class="items">')
        for n, item in enumerate(ans.items, 1):
            cite_no = min(n, len(ans.citations))
            cited = ans.citations[cite_no - 1] if ans.citations else None
            parts.append(f"<li>{_highlight(item, ans.short_answer)}{_marker(cite_no, cited)}</li>")
        parts.append("</ol>")
    else:
        parts.append(f"<p>{_highlight(ans.answer, ans.short_answer)}"
                     + "".join(_marker(n, c) for n, c in enumerate(ans.citations, 1)) + "</p>")
    parts.append("</div>")
    return "".join(parts)


def render_summary(summary: Summary) -> str:
    """A summary as a paragraph per article, each sentence with its marker."""
    if not summary.sentences:
        return '<div class="answer notfound">没有可摘要的内容 · Nothing to summarise.</div>'
    out = [f'<div class="answer"><p><b>摘要：</b>{html.escape(summary.title)}</p>']
    last = None
    for n, s in enumerate(summary.sentences, 1):
        key = (s.citation.source, s.citation.article_id)
        if key != last:
            if last is not None:
                out.append("</p>")
            out.append(f'<p><span class="meta">{html.escape(s.citation.article)}</span><br>')
            last = key
        out.append(html.escape(s.text) + _marker(n, s.citation))
    out.append("</p></div>")
    return "".join(out)


def render_sources(assistant: Assistant, citations: list[Citation], title: str = "来源 Sources",
                   readable: bool = True) -> str:
    """Each cited paragraph with its file, article and paragraph number, the cited
    sentence highlighted inside the paragraph (and, in the chat, a link that opens the whole
    article: ``readable``)."""
    if not citations:
        return f'<div class="sources"><h4>{html.escape(title)}</h4><p class="meta">—</p></div>'
    out = [f'<div class="sources"><h4>{html.escape(title)}</h4>']
    groups: dict[tuple[str, int, int], list[tuple[int, Citation]]] = {}
    for n, c in enumerate(citations, 1):
        groups.setdefault((c.source, c.article_id, c.paragraph), []).append((n, c))
    for cites in groups.values():
        first = cites[0][1]
        doc = assistant.document_text(first.source)
        start, end = assistant.paragraph_span(first)
        pieces, pos = [], start
        for n, c in sorted(cites, key=lambda nc: nc[1].start):
            s_, e_ = min(max(c.start, pos), end), min(max(c.end, pos), end)
            pieces.append(_page_text(doc[pos:s_]) + f'<mark class="n{n}">' + _page_text(doc[s_:e_]) + "</mark>")
            pos = e_
        pieces.append(_page_text(doc[pos:end]))
        body = "".join(pieces)
        numbers = [n for n, _ in cites]
        label = f"[{numbers[0]}]" if len(numbers) == 1 else f"[{numbers[0]}–{numbers[-1]}]"
        spans = ", ".join(f"{c.start}–{c.end}" for _, c in cites[:3]) + (" …" if len(cites) > 3 else "")
        request = html.escape(json.dumps({"source": first.source, "article": first.article_id,
                                          "spans": [[c.start, c.end] for _, c in cites]}, ensure_ascii=False))
        out.append(f'<details open class="{" ".join(f"n{n}" for n in numbers)}" data-read="{request}">'
                   f'<summary>{label} '
                   f"{html.escape(first.source)} · {html.escape(first.article)} · "
                   f"第{first.paragraph}段</summary><p>{body}</p>"
                   f'<p class="meta">字符 {spans}'
                   + (' · <a class="read-article" href="#chat-reader">阅读全文 Read the article</a>' if readable else "")
                   + "</p></details>")
    out.append("</div>")
    return "".join(out)


def render_article(assistant: Assistant, request: str) -> str:
    """The whole article a source card belongs to (``request``: its JSON ``data-read``), with
    its title and place, every paragraph in the file's own text, the cited spans marked."""
    try:
        req = json.loads(request or "{}")
        source, article_id = str(req["source"]), int(req["article"])
        cited = [(int(s), int(e)) for s, e in req.get("spans", [])]
    except (ValueError, KeyError, TypeError):
        return ""
    try:
        doc = assistant.document_text(source)
    except AssistantError as exc:
        return f'<div class="notfound">{html.escape(str(exc))}</div>'
    record = next((a for a in assistant.articles(source) if a.article_id == article_id), None)
    paragraphs = assistant.article_spans(source, article_id)
    out = [f'<div class="sources reader"><h3>{html.escape(record.title if record else source)}</h3>',
           f'<p class="meta">{html.escape(source)} · 第{article_id}篇 · {len(paragraphs)} 段'
           + (f" · {html.escape(' '.join(record.keywords))}" if record and record.keywords else "") + "</p>"]
    for start, end in paragraphs:
        pieces, pos = [], start
        for s_, e_ in sorted(cited):
            s_, e_ = max(s_, pos), min(e_, end)
            if s_ < e_:
                pieces.append(_page_text(doc[pos:s_]) + "<mark>" + _page_text(doc[s_:e_]) + "</mark>")
                pos = e_
        out.append("<p>" + "".join(pieces) + _page_text(doc[pos:end]) + "</p>")
    return "".join(out) + "</div>"


def render_closest(assistant: Assistant, passages: list[Citation]) -> str:
    """The passages closest to an unanswered question: plainly not an answer (no citation
    numbers, nothing highlighted, a muted card of their own)."""
    title = "最接近的段落（未找到答案，仅供参考）· Closest passages, not an answer"
    if not passages:
        return f'<div class="sources closest"><h4>{html.escape(title)}</h4><p class="meta">—</p></div>'
    out = [f'<div class="sources closest"><h4>{html.escape(title)}</h4>']
    for c in passages:
        start, end = assistant.paragraph_span(c)
        body = _page_text(assistant.document_text(c.source)[start:end])
        out.append(f"<details><summary>{html.escape(c.source)} · {html.escape(c.article)} · 第{c.paragraph}段"
                   f"</summary><p>{body}</p></details>")
    out.append("</div>")
    return "".join(out)


def render_stats(assistant: Assistant) -> str:
    """The status line: model and counts."""
    s = assistant.stats()
    return (f"**模型 Model:** `{s.embedder}` · **文件 Files:** {s.files} · "
            f"**文章 Articles:** {s.articles} · **段落 Passages:** {s.passages}")
