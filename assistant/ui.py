"""The Gradio app: chat with cited answers, summaries, the library and uploads.

Handlers are plain functions over an :class:`Assistant`; :func:`build_demo` wires them to
components, each event with an ``api_name`` so ``gradio_client`` can call ``/ask``,
``/summarize``, ``/upload``, ``/remove``, ``/articles`` and ``/stats``. Every piece of
source or user text is HTML-escaped before it is rendered.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import gradio as gr

from .config import READ_CONCURRENCY, STREAM_DELAY_S, SUPPORTED_SUFFIXES, UPLOAD_CACHE_CLEANUP, UPLOAD_CONCURRENCY
from .core import Assistant
from .errors import AssistantError, Cancelled, QueryError
from .progress import ProgressBar
from .render import (
    render_answer,
    render_article,
    render_closest,
    render_sources,
    render_stats,
    render_summary,
)

EXAMPLES = [
    "山西2026年15件民生实事是什么",
    "山西5G基站数量达到多少？",
    "哪个县空气质量综合指数最低？",
    "How many mobile phone users does Shanxi have?",
]

# ----------------------------------------------------------------------------- handlers


def _message_text(content: Any) -> str:
    """The plain text of one chat message's content, in any shape Gradio passes it: a string,
    a ``{"type": "text", "text": ...}`` part, or a list of parts (Gradio 6)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "") if content.get("type", "text") == "text" else ""
    if isinstance(content, (list, tuple)):
        return "".join(_message_text(part) for part in content)
    return ""


def _messages_history(history: list[dict[str, Any]]) -> list[str]:
    """The user's earlier questions, oldest first, from the chat's message list."""
    texts = (_message_text(m.get("content")).strip() for m in history if m.get("role") == "user")
    return [t for t in texts if t]


def _user_error(exc: AssistantError) -> gr.Error:
    """A user's mistake (an empty question, an unknown file) shown in the app: no traceback in
    the server's log, which is for the server's own faults."""
    return gr.Error(str(exc), print_exception=False)


def ask_api(assistant: Assistant, question: str, history_json: str = "[]") -> dict[str, Any]:
    """``/ask``: the answer as JSON (PRODUCT.md contract)."""
    try:
        history = json.loads(history_json or "[]")
        history = [str(h) for h in history] if isinstance(history, list) else []
    except ValueError:
        history = []
    try:
        return assistant.ask(question, history=history).to_dict()
    except AssistantError as exc:
        raise _user_error(exc) from exc


def summarize_api(assistant: Assistant, source: str = "", query: str = "", article: float | None = None) -> dict[str, Any]:
    """``/summarize``: a summary of a file (or one of its articles) or of a topic, as JSON."""
    try:
        art = None if article in (None, "", -1) else int(article)
        return assistant.summarize(source=source or None, query=query or None, article=art).to_dict()
    except AssistantError as exc:
        raise _user_error(exc) from exc


def chat(assistant: Assistant, message: str, history: list[dict[str, Any]], mode: str
         ) -> Iterator[tuple[list[dict[str, Any]], str, str, str]]:
    """Chat turn: the answer streams in sentence by sentence; sources fill the panel, and the
    answer with its sources as Markdown fills the copy box."""
    history = list(history or [])
    message = (message or "").strip()
    if not message:
        gr.Warning("请先输入问题 · Type a question first.")
        yield history, "", gr.skip(), gr.skip()
        return
    history.append({"role": "user", "content": message})
    try:
        if mode.startswith("摘要"):
            summary = assistant.summarize(query=message)
            final = render_summary(summary)
            sources = render_sources(assistant, [s.citation for s in summary.sentences])
            markdown = summary.to_markdown()
        else:
            ans = assistant.ask(message, history=_messages_history(history[:-1]))
            final = render_answer(ans)
            sources = (render_sources(assistant, ans.citations) if ans.found
                       else render_closest(assistant, ans.passages[:3]))
            markdown = ans.to_markdown()
    except AssistantError as exc:
        history.append({"role": "assistant", "content": f'<div class="notfound">{html.escape(str(exc))}</div>'})
        yield history, "", gr.skip(), gr.skip()
        return
    history.append({"role": "assistant", "content": ""})
    pieces = final.split("<sup")
    shown = ""
    for n, piece in enumerate(pieces):
        shown += ("<sup" if n else "") + piece
        history[-1] = {"role": "assistant", "content": shown}
        yield history, "", gr.skip(), gr.skip()
        time.sleep(STREAM_DELAY_S)
    history[-1] = {"role": "assistant", "content": final}
    yield history, "", sources, markdown


def article_rows(assistant: Assistant) -> list[list[Any]]:
    """Library table rows: file, article number, title, keywords, first sentence."""
    return [[a.source, a.article_id, a.title, " ".join(a.keywords), a.first_sentence[:80]]
            for a in assistant.articles()]


def upload(assistant: Assistant, upload_dir: Path, files: list[Any] | None,
           progress: Callable[..., Any] | None = None, cancel: threading.Event | None = None) -> str:
    """``/upload``: store and index new pages; a bad file changes nothing and says why. Once
    ``cancel`` is set, the file in progress is dropped before it is stored (checked after
    each batch of its passages) and the rest are left; the files before it stay indexed."""
    if not files:
        return "请选择文件 · Choose one or more files first."
    lines = []
    for n, f in enumerate(files):
        path = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        name = getattr(f, "orig_name", None) or path.name

        def report(fraction: float, msg: str, n: int = n, name: str = name) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"{name}: cancelled")
            if progress is not None:
                progress((n + fraction) / len(files), desc=f"{n + 1}/{len(files)} · {name}: {msg}")

        try:
            result = assistant.add_file(name, path.read_bytes(), upload_dir, report)
            stored = (result.added or result.updated or result.unchanged or [name])[0]
            if result.unchanged:
                lines.append(f"**已在索引中 Already indexed** {html.escape(stored)} (the same content)")
                continue
            renamed = f" (stored as {html.escape(stored)})" if stored != name else ""
            lines.append(f"**已索引 Indexed** {html.escape(stored)} · {assistant.stats_of(stored)} 段落 passages"
                         + renamed)
        except Cancelled:
            left = len(files) - n
            lines.append(f"**已取消 Cancelled** {html.escape(name)} and {left - 1} more not stored")
            break
        except AssistantError as exc:  # it names the file itself
            lines.append(f"**失败 Failed** {html.escape(str(exc))}")
        except OSError as exc:
            lines.append(f"**失败 Failed** {html.escape(name)}: {html.escape(exc.strerror or str(exc))}")
    return "\n\n".join(lines)


def remove(assistant: Assistant, name: str, upload_dir: Path | None = None) -> str:
    """``/remove``: drop a file from the index for good (an upload's stored copy too); an
    empty name (the confirmation was cancelled) changes nothing."""
    if not name:
        return "未删除 Nothing removed."
    try:
        assistant.remove(name, uploads=upload_dir)
    except AssistantError as exc:  # a user's mistake: said in the app, not a traceback in the log
        return f"**未删除 Not removed:** {html.escape(str(exc))}"
    return f"**已删除 Removed** {html.escape(name)} (it stays out of the index until you add it again)"


# ----------------------------------------------------------------------------- the app


def read_view(assistant: Assistant, name: str, number: str | float | None) -> str:
    """``/read``: one article's repaired paragraphs, or the whole file as decoded (no
    article number: ``None`` or ``""``)."""
    if not name:
        return ""
    try:
        text = assistant.document_text(name)
    except AssistantError as exc:
        raise _user_error(exc) from exc
    if number is not None and number != "":
        paragraphs = assistant.article_paragraphs(name, int(number))
        if paragraphs:
            return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"


def summarise_file(assistant: Assistant, name: str, number: str | float | None) -> tuple[str, str]:
    """A file's (or one article's) summary and its sources, rendered."""
    try:
        summ = assistant.summarize(source=name, article=None if number is None or number == "" else int(number))
    except AssistantError as exc:
        raise _user_error(exc) from exc
    return render_summary(summ), render_sources(assistant, [s.citation for s in summ.sentences], readable=False)


# Reading (questions, summaries, the library) runs side by side, up to READ_CONCURRENCY
# requests of each endpoint at a time. Uploads are read and embedded UPLOAD_CONCURRENCY at a
# time, so a slow file holds up no other; the store commits one change at a time (its write
# lock), and removals queue apart from uploads.
UPLOADS: dict[str, Any] = {"concurrency_id": "uploads", "concurrency_limit": UPLOAD_CONCURRENCY}
REMOVALS: dict[str, Any] = {"concurrency_id": "removals", "concurrency_limit": 1}
_CANCELS: dict[str, set[threading.Event]] = {}  # the uploads running for each browser session, to cancel


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def login_credentials(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """Logins for an app served beyond this machine: ``ASSISTANT_AUTH`` ("user:password",
    several separated by commas) or ``ASSISTANT_AUTH_FILE`` (one "user:password" a line), never
    command-line options, which shell history keeps.

    Raises:
        QueryError: the file cannot be read, or an entry has no password.
    """
    entries = [e for e in environ.get("ASSISTANT_AUTH", "").split(",") if e.strip()]
    if environ.get("ASSISTANT_AUTH_FILE"):
        try:
            entries += Path(environ["ASSISTANT_AUTH_FILE"]).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise QueryError(f"ASSISTANT_AUTH_FILE cannot be read: {exc.strerror or exc}.") from exc
    logins = []
    for entry in (e.strip() for e in entries if e.strip() and not e.lstrip().startswith("#")):
        user, _, password = entry.partition(":")
        if not user or not password:
            raise QueryError("A login must be user:password (ASSISTANT_AUTH or ASSISTANT_AUTH_FILE).")
        logins.append((user, password))
    return logins


def build_demo(assistant: Assistant, upload_dir: Path, writable: bool = True) -> gr.Blocks:
    """The Gradio Blocks app over one assistant (launch it with ``css=CSS, js=APP_JS``);
    without ``writable`` it has no upload or remove, in the page or the API."""
    # Gradio keeps every uploaded file in its cache: files older than an hour go, hourly
    with gr.Blocks(title="新闻问答 · Chinese news assistant", delete_cache=UPLOAD_CACHE_CLEANUP) as demo:
        gr.Markdown("# 新闻问答与摘要 · Cited answers from Chinese news pages")
        stats = gr.Markdown(render_stats(assistant))
        with gr.Tab("问答 Chat"):
            _chat_tab(assistant)
        with gr.Tab("文库 Library"):
            _library_tab(assistant, upload_dir, stats, demo, writable)
        with gr.Tab("接口 API"):
            _api_tab(assistant)
    demo.queue(default_concurrency_limit=READ_CONCURRENCY)
    return demo


def _chat_tab(assistant: Assistant) -> None:
    """The chat, its mode and examples, and its sources panel."""
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话 Chat", height=520, sanitize_html=True, elem_id="chatbot",
                                 autoscroll=False)  # the page script keeps the question in view
            mode = gr.Radio(["问答 Answer", "摘要 Topic summary"], value="问答 Answer", label="模式 Mode")
            with gr.Row():
                box = gr.Textbox(placeholder="输入问题，例如：山西2026年15件民生实事是什么", scale=5,
                                 show_label=False, elem_id="question")
                send = gr.Button("提问 Ask", variant="primary", scale=1, elem_id="ask")
            gr.Examples(EXAMPLES, inputs=box, label="示例 Examples")
        with gr.Column(scale=2):
            sources = gr.HTML(render_sources(assistant, []), elem_id="sources")
            reader = gr.HTML(elem_id="chat-reader")
            read_request = gr.Textbox(elem_id="read-request", elem_classes="offstage", container=False)
            read_go = gr.Button("read", elem_id="read-go", elem_classes="offstage")
            copy_box = gr.Textbox(label="复制答案 Copy the answer with its sources (Markdown)", lines=3, max_lines=8,
                                  interactive=False, buttons=["copy"], elem_id="answer-markdown")

    def _chat(message: str, history: list[dict[str, Any]], mode_value: str) -> Iterator[Any]:
        yield from chat(assistant, message, history, mode_value)

    read_go.click(lambda r: render_article(assistant, r), read_request, reader, api_name=False)  # type: ignore[arg-type]
    send.click(_chat, [box, chatbot, mode], [chatbot, box, sources, copy_box], api_name="chat")
    box.submit(_chat, [box, chatbot, mode], [chatbot, box, sources, copy_box],
               api_name=False)  # type: ignore[arg-type]


def article_choices(assistant: Assistant, name: str | None) -> list[tuple[str, str]]:
    """The article picker's choices for one file: the whole file first, then each article."""
    whole = [("整个文件 Whole file", "")]
    if not name or name not in assistant.sources():
        return whole
    return whole + [(f"#{a.article_id} {a.title[:30]}", str(a.article_id)) for a in assistant.articles(name)]


# The browser asks before a file leaves the index; cancelling sends an empty name.
CONFIRM_REMOVE_JS = "(name) => (name && window.confirm('从索引中删除 ' + name + '？\\nRemove ' + name + ' from the index?')) ? name : ''"


def _library_tab(assistant: Assistant, upload_dir: Path, stats: gr.Markdown, demo: gr.Blocks,
                 writable: bool) -> None:
    """The article table, reading, summarising and removing a file, and uploads; summaries
    cite into the library's own sources panel. The header, the table and the file list are
    read again whenever the page loads (another process may have changed the index)."""
    table = gr.Dataframe(article_rows(assistant), headers=["文件 File", "#", "标题 Title", "关键词 Keywords",
                                                          "首句 First sentence"], interactive=False, wrap=True)
    with gr.Row():
        files = assistant.sources()
        first = files[0] if files else None
        pick = gr.Dropdown(files, label="文件 File", value=first, allow_custom_value=True, elem_id="lib-file")
        art_pick = gr.Dropdown(article_choices(assistant, first), value="", label="文章 Article",
                               elem_id="lib-article")
    with gr.Row():
        read_btn = gr.Button("阅读 Read", elem_id="lib-read")
        sum_btn = gr.Button("摘要 Summarise", elem_id="lib-summarise")
        del_btn = gr.Button("删除 Remove", variant="stop", elem_id="lib-remove", visible=writable)
    with gr.Row():
        reader = gr.HTML(elem_id="library")
        lib_sources = gr.HTML(elem_id="library-sources")
    with gr.Row(visible=writable):
        uploader = gr.File(file_count="multiple", label="上传 Upload (" + " ".join(SUPPORTED_SUFFIXES) + ")",
                           file_types=list(SUPPORTED_SUFFIXES), elem_id="lib-upload")
        up_btn = gr.Button("添加到索引 Add to index", variant="primary", elem_id="lib-add")
        cancel_btn = gr.Button("取消上传 Cancel upload", elem_id="lib-cancel")
    up_status = gr.Markdown(elem_id="lib-status")

    def _refresh(current: str | None) -> tuple[str, Any, Any, Any]:
        """After a change: the picked file stays picked while it is indexed (no jump to another)."""
        names = assistant.sources()
        keep = current if current in names else None
        return (render_stats(assistant), article_rows(assistant), gr.update(choices=names, value=keep),
                gr.update(choices=article_choices(assistant, keep), value=""))

    def _upload(fs: list[Any] | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        session, flag = request.session_hash or "", threading.Event()
        _CANCELS.setdefault(session, set()).add(flag)
        try:
            return upload(assistant, upload_dir, fs, progress, flag)
        finally:
            flags = _CANCELS.get(session, set())
            flags.discard(flag)
            if not flags:
                _CANCELS.pop(session, None)

    def _cancel(request: gr.Request) -> Any:
        flags = _CANCELS.pop(request.session_hash or "", set())
        if not flags:
            return gr.skip()
        for flag in flags:
            flag.set()
        return "正在取消 Cancelling…"

    pick.change(lambda n: gr.update(choices=article_choices(assistant, n), value=""), pick, art_pick,
                api_name=False)  # type: ignore[arg-type]
    read_btn.click(lambda n, a: read_view(assistant, n, a), [pick, art_pick], reader,
                   api_name=False)  # type: ignore[arg-type]
    sum_btn.click(lambda n, a: summarise_file(assistant, n, a), [pick, art_pick],
                  [reader, lib_sources], api_name=False)  # type: ignore[arg-type]
    demo.load(_refresh, pick, [stats, table, pick, art_pick], api_name=False)  # type: ignore[arg-type]
    if not writable:
        return
    del_btn.click(lambda n: remove(assistant, n, upload_dir), pick, up_status, api_name="remove",
                  js=CONFIRM_REMOVE_JS, **REMOVALS).then(
        _refresh, pick, [stats, table, pick, art_pick], api_name=False)  # type: ignore[arg-type]
    up_btn.click(_upload, uploader, up_status, api_name="upload", **UPLOADS).then(
        _refresh, pick, [stats, table, pick, art_pick], api_name=False)  # type: ignore[arg-type]
    cancel_btn.click(_cancel, None, up_status, api_name=False)  # type: ignore[arg-type]  # not queued behind it


def _api_tab(assistant: Assistant) -> None:
    """Named endpoints for ``gradio_client``: ``/ask``, ``/summarize``, ``/stats``, ``/articles``,
    ``/read``."""
    api_q = gr.Textbox(label="question")
    api_hist = gr.Textbox(label="history (JSON list of earlier questions)", value="[]")
    api_src = gr.Textbox(label="source")
    api_query = gr.Textbox(label="query")
    api_article = gr.Number(label="article", value=None, precision=0)
    api_out = gr.JSON(label="result")
    api_html = gr.HTML()
    with gr.Row():
        api_ask = gr.Button("ask")
        api_sum = gr.Button("summarize")
        api_stats = gr.Button("stats")
        api_arts = gr.Button("articles")
        api_read = gr.Button("read")
    api_ask.click(lambda q, h: ask_api(assistant, q, h), [api_q, api_hist], api_out, api_name="ask")
    api_sum.click(lambda s, q, a: summarize_api(assistant, s, q, a), [api_src, api_query, api_article],
                  api_out, api_name="summarize")
    api_stats.click(lambda: assistant.stats().to_dict(), None, api_out, api_name="stats")
    api_arts.click(lambda: [a.to_dict() for a in assistant.articles()], None, api_out, api_name="articles")
    api_read.click(lambda s, a: read_view(assistant, s, a), [api_src, api_article], api_html, api_name="read")


def open_assistant(index_dir: Path, seeds_dir: Path, store_uri: str | None = None) -> Assistant:
    """Open the index (the local folder, or the store ``store_uri`` names), building it from
    ``seeds_dir`` with a progress bar when it does not exist yet (and picking up added,
    changed or deleted seed files when it does)."""
    assistant = Assistant(index_dir, store_uri=store_uri)
    with ProgressBar("indexing" if not assistant.exists() else "checking index") as bar:
        report = assistant.index([seeds_dir] if seeds_dir.exists() else [], bar)
    for err in report.errors:
        print(f"skipped: {err}")
    assistant.warm_up()
    return assistant
