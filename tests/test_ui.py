"""The app through its HTTP API (gradio_client) and in a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer import Answer
from assistant.render import APP_JS, CSS
from assistant.ui import build_demo


@pytest.fixture(scope="module")
def app(seeds_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory):
    demo = build_demo(seeds_assistant, tmp_path_factory.mktemp("uploads"))
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True, css=CSS,
                                 js=APP_JS)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def client(app: str):
    from gradio_client import Client

    return Client(app, verbose=False)


@pytest.mark.slow
def test_ask_and_follow_up_through_the_api(client) -> None:
    ans = client.predict("山西2026年15件民生实事是什么", "[]", api_name="/ask")
    assert ans["found"] and len(ans["items"]) == 15
    assert ans["citations"][0]["source"] == "001_f0849b058b181496.txt"
    follow = client.predict("第三件是什么", '["山西2026年15件民生实事是什么"]', api_name="/ask")
    assert "内镜检查3万名" in follow["answer"]


@pytest.mark.slow
def test_questions_are_answered_side_by_side(app: str, seeds_assistant: Assistant,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client import Client

    released = threading.Event()
    ask = seeds_assistant.ask

    def slow_ask(question: str, *args, **kwargs) -> Answer:
        if question == "慢问题":  # a question that takes until it is released
            released.wait(timeout=60)
        return ask(question, *args, **kwargs)

    monkeypatch.setattr(seeds_assistant, "ask", slow_ask)
    first = Client(app, verbose=False).submit("慢问题", "[]", api_name="/ask")
    try:
        second = Client(app, verbose=False).predict("山西5G基站数量达到多少？", "[]", api_name="/ask")
        assert "11.5万个" in second["answer"] and not first.done()  # answered while the first still waits
    finally:
        released.set()
    assert first.result(timeout=60)["question"] == "慢问题"


@pytest.mark.slow
def test_a_slow_upload_holds_up_neither_another_upload_nor_questions(app: str, seeds_assistant: Assistant,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    released = threading.Event()
    embed = seeds_assistant.embedder.embed_passages

    def slow_embed(texts):
        if any("慢" in t for t in texts):  # the slow page's passages take until released
            released.wait(timeout=120)
        return embed(texts)

    monkeypatch.setattr(seeds_assistant.embedder, "embed_passages", slow_embed)
    slow, quick = tmp_path / "slow-page.txt", tmp_path / "quick-page.txt"
    slow.write_text("## 慢车\n\n本报讯 大同市今年开通慢行绿道12条。(李四)\n", encoding="utf-8")
    quick.write_text("## 滑雪场\n\n本报讯 朔州市今年新建滑雪场4座。(王五)\n", encoding="utf-8")
    first = Client(app, verbose=False).submit([handle_file(str(slow))], api_name="/upload")
    try:
        status = Client(app, verbose=False).predict([handle_file(str(quick))], api_name="/upload")
        assert "Indexed** quick-page.txt" in status and not first.done()  # in while the slow one still embeds
        answer = Client(app, verbose=False).predict("朔州市今年新建滑雪场几座？", "[]", api_name="/ask")
        assert answer["found"] and "4座" in answer["answer"] and not first.done()
    finally:
        released.set()
    assert "Indexed** slow-page.txt" in first.result(timeout=120)
    for name in ["slow-page.txt", "quick-page.txt"]:  # leave the shared index as it was
        Client(app, verbose=False).predict(name, api_name="/remove")


@pytest.mark.slow
def test_questions_uploads_and_removals_at_once_lose_nothing(app: str, seeds_assistant: Assistant,
                                                             tmp_path: Path) -> None:
    """32 new questions sent at once while pages are uploaded and removed: no errors, the
    answers the same as one by one, and the index holds exactly what was kept."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client, handle_file

    from .conftest import QUESTIONS

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()][:32]
    alone = {q: seeds_assistant.ask(q) for q in questions}
    before = seeds_assistant.sources()
    pages = []
    for n, place in enumerate(["忻州", "朔州", "晋城"]):
        page = tmp_path / f"skiing-{n}.txt"
        page.write_text(f"## {place}新建滑雪场\n\n本报讯 {place}市今年新建滑雪场{n + 2}座。(王五)\n", encoding="utf-8")
        pages.append(page)

    def ask(q: str) -> dict:
        return Client(app, verbose=False).predict(q, "[]", api_name="/ask")

    def change(n: int) -> str:
        client = Client(app, verbose=False)
        status = client.predict([handle_file(str(pages[n]))], api_name="/upload")
        return status + (client.predict(f"skiing-{n}.txt", api_name="/remove") if n == 0 else "")

    with ThreadPoolExecutor(max_workers=35) as pool:
        changes = [pool.submit(change, n) for n in range(3)]
        answers = list(pool.map(ask, questions))
        statuses = [c.result(timeout=300) for c in changes]
    assert all("Indexed" in s for s in statuses) and "Removed" in statuses[0]
    assert seeds_assistant.sources() == sorted(before + ["skiing-1.txt", "skiing-2.txt"])
    for q, got in zip(questions, answers):
        assert (got["found"], got["answer"]) == (alone[q].found, alone[q].answer), q
    for name in ["skiing-1.txt", "skiing-2.txt"]:  # leave the shared index as it was
        Client(app, verbose=False).predict(name, api_name="/remove")
    assert seeds_assistant.sources() == before


@pytest.mark.slow
def test_summarize_through_the_api(client) -> None:
    summ = client.predict("004_57f1bea313067324.txt", "", None, api_name="/summarize")
    assert "11.5万个" in summ["summary"] and all(s["citation"]["text"] for s in summ["sentences"])
    topic = client.predict("", "2026年山西教育有哪些重点工作", None, api_name="/summarize")
    assert topic["sentences"]


@pytest.mark.slow
def test_read_an_article_or_a_whole_file(client) -> None:
    article = client.predict("000_6fb74edb579e9116.txt", 1, api_name="/read")
    assert "惠及27万名儿童" in article and "官地矿" not in article
    whole = client.predict("000_6fb74edb579e9116.txt", None, api_name="/read")
    assert "官地矿" in whole and "<pre" in whole


@pytest.mark.slow
def test_upload_good_and_bad_files(client, tmp_path: Path, seeds_assistant: Assistant) -> None:
    from gradio_client import handle_file

    good = tmp_path / "new page.txt"
    good.write_text("## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座，可接待游客5万人次。(王五)\n", encoding="utf-8")
    bad = tmp_path / "photo.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    before = seeds_assistant.stats().files
    status = client.predict([handle_file(str(bad))], api_name="/upload")
    assert "binary" in status and seeds_assistant.stats().files == before
    assert status.count("photo.txt") == 1  # the file is named once, not "photo.txt: photo.txt: …"
    status = client.predict([handle_file(str(good))], api_name="/upload")
    assert "Indexed** new_page.txt · 1 段落" in status and seeds_assistant.stats().files == before + 1
    ans = client.predict("忻州市今年新建滑雪场几座？", "[]", api_name="/ask")
    assert ans["found"] and ans["citations"][0]["source"] == "new_page.txt"
    client.predict("new_page.txt", api_name="/remove")
    assert seeds_assistant.stats().files == before


@pytest.mark.slow
def test_user_errors_are_said_in_the_app_without_a_traceback_in_the_log(client, capfd) -> None:
    with pytest.raises(Exception, match="empty"):
        client.predict("   ", "[]", api_name="/ask")
    assert "not indexed" in client.predict("nope.txt", api_name="/remove")
    assert "Traceback" not in capfd.readouterr().err


def test_chat_history_reads_gradio_message_parts() -> None:
    from assistant.ui import _messages_history

    history = [{"role": "user", "content": [{"type": "text", "text": "山西2026年15件民生实事是什么"}]},
               {"role": "assistant", "content": [{"type": "text", "text": "<ol>…</ol>"}]},
               {"role": "user", "content": "第三件是什么"},
               {"role": "user", "content": [{"type": "file", "file": {"path": "x.png"}}]}]
    assert _messages_history(history) == ["山西2026年15件民生实事是什么", "第三件是什么"]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"),
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(app: str, browser):
    """A fresh browser tab on the app."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(app)
    return tab


def _ask_in_chat(page, question: str, replies: int) -> str:
    """Type a question, press Ask, and return the text of the ``replies``-th answer."""
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    bot = "#chatbot [data-testid='bot']"
    page.wait_for_function(
        f"document.querySelectorAll(\"{bot}\").length >= {replies} && "
        "!document.querySelector('#chatbot .generating, #chatbot .pending')", timeout=60_000)
    reply, last = page.locator(bot).nth(replies - 1), None
    for _ in range(40):  # the answer streams in pieces: read it once it has stopped changing
        page.wait_for_timeout(300)
        text = reply.inner_text()
        if text == last:
            return text
        last = text
    return last or ""


@pytest.mark.slow
@pytest.mark.browser
def test_browser_follow_up_questions_use_the_chat_history(page) -> None:
    first = _ask_in_chat(page, "山西2026年15件民生实事是什么", 1)
    assert "内镜检查3万名" in first and "新型公共文化空间" in first
    third = _ask_in_chat(page, "第三件是什么", 2)
    assert "内镜检查3万名" in third and "导游" not in third
    page.wait_for_function("document.querySelector('#sources').innerText.includes('内镜检查')", timeout=30_000)
    card = page.locator("#sources details").first.inner_text()
    assert "001_f0849b058b181496.txt" in card and "第2段" in card  # the enumeration's paragraph
    last = _ask_in_chat(page, "第十五件呢", 3)
    assert "打造80个新型公共文化空间" in last


@pytest.mark.slow
@pytest.mark.browser
def test_browser_asks_and_shows_fifteen_items_with_sources(page, tmp_path: Path) -> None:
    page.locator("#question textarea").fill("山西2026年15件民生实事是什么")
    page.locator("#ask").click()
    page.wait_for_function("document.querySelectorAll('#chatbot ol li').length >= 15", timeout=60_000)
    assert page.locator("#chatbot ol li").count() == 15
    page.wait_for_selector("#sources details", timeout=30_000)  # the answer has finished streaming
    first = page.locator("#chatbot ol li").first
    assert first.evaluate("li => getComputedStyle(li).listStyleType") == "none"  # 一是 numbers it, once
    assert first.inner_text().startswith("一是")
    sources = page.locator("#sources").inner_text()
    assert "001_f0849b058b181496.txt" in sources and "十五件民生实事" in sources
    assert page.locator("#sources mark").count() >= 1
    shot = tmp_path / "chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.browser
def test_browser_the_highlighted_short_answer_is_what_was_asked_not_the_dateline(page) -> None:
    reply = _ask_in_chat(page, "2026年山西教育要全力实现什么？", 1)
    assert "本报讯" in reply  # the answering sentence opens with the dateline…
    short = page.locator("#chatbot [data-testid='bot'] p", has_text="简答").locator("mark").inner_text()
    assert short == "“六大攻坚突破”"  # …but the highlight is what the question asks for


@pytest.mark.slow
@pytest.mark.browser
def test_browser_a_count_the_pages_do_not_give_is_not_found_not_a_date(page) -> None:
    reply = _ask_in_chat(page, "山西老来福养老院有多少张床位？", 1)  # the pages name it, with its visit's date only
    assert "未找到答案" in reply and "2月6日" not in reply.split("未找到答案")[0]
    assert page.locator("#chatbot [data-testid='bot'] mark").count() == 0


@pytest.mark.slow
@pytest.mark.browser
def test_browser_pages_that_never_say_the_price_or_the_office_holder_give_not_found(page) -> None:
    for turn, question in enumerate(("平遥古城的门票多少钱？", "新荣区人社局局长是谁？"), start=1):
        reply = _ask_in_chat(page, question, turn)  # both were answered with a sentence that names neither
        assert "未找到答案" in reply and "简答" not in reply
    assert page.locator("#chatbot [data-testid='bot'] mark").count() == 0
    reply = _ask_in_chat(page, "谁是省书法家协会副主席？", 3)  # an office the page does name is answered
    assert "未找到答案" not in reply and page.locator("#chatbot [data-testid='bot'] mark").last.inner_text() == "孔祥宇"


@pytest.mark.slow
@pytest.mark.browser
def test_browser_the_office_holder_is_highlighted_from_the_sentence_that_names_the_office(page) -> None:
    reply = _ask_in_chat(page, "山西省委书记是谁？", 1)  # was 习近平, from a sentence naming the 总书记
    assert "未找到答案" not in reply and "省委书记唐登杰" in reply.replace(" ", "").replace("\n", "")
    assert page.locator("#chatbot [data-testid='bot'] mark").last.inner_text() == "唐登杰"
    assert "002_06e19f818bbc1da6.txt" in (page.locator("#chatbot sup.cite").first.get_attribute("title") or "")


@pytest.mark.slow
@pytest.mark.browser
def test_browser_an_english_question_gets_its_number_highlighted_and_cited(page) -> None:
    reply = _ask_in_chat(page, "How many basic education schools does Shanxi have?", 1)  # "not found" before
    assert "未找到答案" not in reply and "12590所" in reply  # the English answerability model's decision
    assert page.locator("#chatbot [data-testid='bot'] mark").first.inner_text() == "12590所"
    assert "003_0d8103b1edb63fd3.txt" in (page.locator("#chatbot sup.cite").first.get_attribute("title") or "")


@pytest.mark.slow
@pytest.mark.browser
def test_browser_not_found_shows_closest_passages_unlike_citations(page) -> None:
    reply = _ask_in_chat(page, "山西去年的煤炭产量是多少吨？", 1)
    assert "未找到答案" in reply and "[1]" not in reply
    page.wait_for_selector("#sources .closest", timeout=30_000)
    panel = page.locator("#sources").inner_text()
    assert "不是答案" in panel or "not an answer" in panel
    assert page.locator("#sources mark").count() == 0 and page.locator("#chatbot sup.cite").count() == 0
    assert "[1]" not in panel


@pytest.mark.slow
@pytest.mark.browser
def test_browser_a_citation_marker_shows_and_flashes_its_source(page) -> None:
    _ask_in_chat(page, "山西2026年15件民生实事是什么", 1)
    marker = page.locator("#chatbot sup.cite.n3").first
    assert "001_f0849b058b181496.txt" in (marker.get_attribute("title") or "")  # the tooltip names it
    page.wait_for_selector("#sources details.n3", timeout=30_000)
    marker.click()
    page.wait_for_selector("#sources mark.n3.flash", timeout=5_000)
    assert "内镜检查3万名" in page.locator("#sources mark.n3").inner_text()
    assert page.locator("#sources mark.n3").is_visible()


@pytest.mark.slow
@pytest.mark.browser
def test_browser_an_empty_question_says_so(page) -> None:
    page.locator("#question textarea").fill("   ")
    page.locator("#ask").click()
    page.wait_for_function("document.body.innerText.includes('请先输入问题')", timeout=10_000)
    assert page.locator("#chatbot [data-testid='user']").count() == 0


@pytest.mark.slow
@pytest.mark.browser
def test_browser_library_summarises_the_whole_file_into_its_own_sources(page) -> None:
    page.get_by_role("tab", name="文库 Library").click()
    page.locator("#lib-summarise").click()
    page.wait_for_selector("#library-sources details", timeout=60_000)
    summary = page.locator("#library").inner_text()
    articles = {d.inner_text().split("·")[1].strip() for d in page.locator("#library-sources summary").all()}
    assert len(articles) >= 2, (summary, articles)  # the whole file, not its first article
    assert page.locator("#library sup.cite").count() >= 3
    page.get_by_role("tab", name="问答 Chat").click()
    assert "—" in page.locator("#sources").inner_text()  # the chat's own panel is left alone


@pytest.mark.slow
@pytest.mark.browser
def test_browser_a_topic_summary_stays_on_its_topic(page) -> None:
    page.get_by_label("摘要 Topic summary").check()
    reply = _ask_in_chat(page, "2026年山西教育有哪些重点工作", 1)
    page.wait_for_selector("#sources details", timeout=30_000)
    articles = {d.inner_text().split("·")[1].strip() for d in page.locator("#sources summary").all()}
    assert articles and all("教育" in a for a in articles), (reply, articles)
    assert "大会还审查了" not in reply  # the congress's budget review shared only the year and the province


FONT_BOX_JS = """
() => {
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const font = getComputedStyle(document.querySelector('#chatbot')).fontFamily;
  const draw = (ch) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `32px ${font}`;
    ctx.fillText(ch, 4, 36);
    return Array.from(ctx.getImageData(0, 0, 48, 48).data).join(',');
  };
  const box = draw('\\uE000');  // a private-use character no font has: the missing-glyph box
  const chars = [...new Set(document.body.innerText)].filter((c) => c.trim());
  return chars.filter((c) => draw(c) === box);
}
"""


@pytest.mark.slow
@pytest.mark.browser
def test_browser_no_character_renders_as_a_box(page) -> None:
    _ask_in_chat(page, "山西2026年15件民生实事是什么", 1)
    page.wait_for_selector("#sources details", timeout=30_000)
    boxes = page.evaluate(FONT_BOX_JS)
    assert boxes == [], boxes


@pytest.mark.slow
@pytest.mark.browser
def test_browser_remove_asks_first_and_the_file_stays_removed_after_a_restart(browser, tmp_path: Path) -> None:
    from assistant.ui import open_assistant

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座。(王五)\n", encoding="utf-8")
    (seeds / "b.txt").write_text("## 阳泉新增公园\n\n本报讯 阳泉市今年新增城市公园3个。(赵六)\n", encoding="utf-8")
    assistant = open_assistant(tmp_path / "index", seeds)
    demo = build_demo(assistant, tmp_path / "uploads")
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True,
                            css=CSS, js=APP_JS)
    try:
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab", name="文库 Library").click()
        page.locator("#lib-remove").wait_for()
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.locator("#lib-remove").click()
        page.wait_for_function("document.querySelector('#lib-status').innerText.includes('Nothing removed')",
                               timeout=15_000)
        assert assistant.sources() == ["a.txt", "b.txt"]
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.locator("#lib-remove").click()
        page.wait_for_function("document.querySelector('#lib-status').innerText.includes('Removed a.txt')")
        assert "a.txt" in asked[0] and assistant.sources() == ["b.txt"]
        # the file picker is left empty, not moved to another file the user did not choose
        page.wait_for_function("document.querySelector('#lib-file input').value === ''", timeout=10_000)
        (tmp_path / "c.txt").write_text("## 朔州新建图书馆\n\n本报讯 朔州市今年新建图书馆2座。\n", encoding="utf-8")
        other = Assistant(tmp_path / "index")  # another process, as `python -m assistant index c.txt`
        other.index([tmp_path / "c.txt"])
        other.close()
        page.reload()
        page.wait_for_function("document.body.innerText.includes('Files:** 2') || "
                               "document.body.innerText.includes('Files: 2')", timeout=20_000)
    finally:
        demo.close()
        assistant.close()
    restarted = open_assistant(tmp_path / "index", seeds)  # the folder still holds a.txt
    assert restarted.sources() == ["b.txt", "c.txt"]
    restarted.index([seeds / "a.txt"])  # naming the file adds it again
    assert restarted.sources() == ["a.txt", "b.txt", "c.txt"]
    restarted.close()


@pytest.mark.slow
def test_browser_uploads_say_what_each_file_became_and_cancel_stops_the_file_in_progress(
        page, seeds_assistant: Assistant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two files added at once: the first is indexed and says its passage count; the second
    is held mid-embedding, Cancel is pressed, and it is not stored."""
    released = threading.Event()
    embed = seeds_assistant.embedder.embed_passages

    def slow_embed(texts):
        if any("慢" in t for t in texts):
            released.wait(timeout=120)
        return embed(texts)

    monkeypatch.setattr(seeds_assistant.embedder, "embed_passages", slow_embed)
    quick, slow = tmp_path / "quick-b.txt", tmp_path / "slow-b.txt"
    quick.write_text("## 滑雪场\n\n本报讯 朔州市今年新建滑雪场4座。(王五)\n", encoding="utf-8")
    slow.write_text("## 慢车\n\n本报讯 大同市今年开通慢行绿道12条。(李四)\n", encoding="utf-8")
    before = seeds_assistant.sources()
    page.get_by_role("tab", name="文库 Library").click()
    page.locator("#lib-upload input[type=file]").set_input_files([str(quick), str(slow)])
    page.wait_for_function("document.querySelector('#lib-upload').innerText.includes('slow-b')")  # sent
    page.locator("#lib-add").click()
    try:
        for _ in range(200):  # until the quick page is in and the slow one is held in its embedding
            if "quick-b.txt" in seeds_assistant.sources():
                break
            page.wait_for_timeout(100)
        page.locator("#lib-cancel").click()
    finally:
        released.set()
    page.wait_for_function("document.querySelector('#lib-status').innerText.includes('Cancelled')", timeout=60_000)
    status = page.locator("#lib-status").inner_text()
    assert "Indexed quick-b.txt" in status and "passages" in status and "Cancelled slow-b.txt" in status
    assert seeds_assistant.sources() == sorted(before + ["quick-b.txt"])
    seeds_assistant.remove("quick-b.txt")


@pytest.mark.slow
@pytest.mark.browser
def test_browser_a_source_opens_its_whole_article_and_the_answer_copies_as_markdown(page) -> None:
    _ask_in_chat(page, "山西2026年15件民生实事是什么", 1)
    page.wait_for_selector("#sources .read-article", timeout=30_000)
    page.locator("#sources .read-article").first.click()
    page.wait_for_selector("#chat-reader h3", timeout=30_000)
    reader = page.locator("#chat-reader").inner_text()
    assert "001_f0849b058b181496.txt" in reader and "十五是" in reader
    assert page.locator("#chat-reader mark").count() >= 1
    assert "一是为怀孕妇女" in page.locator("#chat-reader mark").first.inner_text()
    markdown = page.locator("#answer-markdown textarea").input_value()
    assert markdown.startswith("**问 Q:** 山西2026年15件民生实事是什么") and "**来源 Sources**" in markdown
    assert "15. 001_f0849b058b181496.txt" in markdown


@pytest.mark.slow
@pytest.mark.browser
def test_browser_a_long_answer_keeps_its_question_in_view(page) -> None:
    _ask_in_chat(page, "山西2026年15件民生实事是什么", 1)
    _ask_in_chat(page, "第十五件呢", 2)
    _ask_in_chat(page, "山西2026年15件民生实事是什么", 3)
    question = page.locator("#chatbot [data-testid='user']").nth(2).bounding_box()
    view = page.locator("#chatbot [role='log'], #chatbot .bubble-wrap").first.bounding_box()
    assert question is not None and view is not None
    assert view["y"] - 1 <= question["y"] <= view["y"] + view["height"] - question["height"]


def test_logins_come_from_the_environment_or_a_file_never_the_command_line(tmp_path: Path) -> None:
    from assistant.errors import QueryError
    from assistant.ui import login_credentials

    assert login_credentials({}) == []
    assert login_credentials({"ASSISTANT_AUTH": "ed:s3cret, amy:pa:ss"}) == [("ed", "s3cret"), ("amy", "pa:ss")]
    file = tmp_path / "logins"
    file.write_text("# editors\nlee:pw1\n\n", encoding="utf-8")
    assert login_credentials({"ASSISTANT_AUTH_FILE": str(file)}) == [("lee", "pw1")]
    with pytest.raises(QueryError, match="user:password"):
        login_credentials({"ASSISTANT_AUTH": "nopassword"})
    with pytest.raises(QueryError, match="cannot be read"):
        login_credentials({"ASSISTANT_AUTH_FILE": str(tmp_path / "missing")})


@pytest.mark.slow
def test_a_read_only_app_offers_no_upload_or_remove(seeds_assistant: Assistant, tmp_path: Path, browser) -> None:
    from gradio_client import Client

    demo = build_demo(seeds_assistant, tmp_path / "uploads", writable=False)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True)
    try:
        endpoints = set(Client(url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"])
        assert "/ask" in endpoints and not {"/upload", "/remove"} & endpoints
        tab = browser.new_page()
        tab.goto(url)
        tab.get_by_role("tab", name="文库 Library").click()
        tab.locator("#lib-summarise").wait_for()  # the library is there, its changing controls are not
        assert not tab.locator("#lib-upload").is_visible() and not tab.locator("#lib-remove").is_visible()
    finally:
        demo.close()


def test_cancelling_an_upload_keeps_the_files_before_and_stores_nothing_of_the_rest(tmp_path: Path,
                                                                                    hash_embedder) -> None:
    from assistant.ui import upload

    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    files = []
    for n in range(3):
        page = tmp_path / f"p{n}.txt"
        page.write_text(f"## 第{n}版\n\n本报讯 忻州市今年新建滑雪场{n + 2}座。\n", encoding="utf-8")
        files.append(str(page))
    cancel = threading.Event()

    def progress(share: float, desc: str = "") -> None:
        if desc.startswith("2/3") and "embedding" in desc:  # the user presses Cancel during the second file
            cancel.set()

    status = upload(assistant, tmp_path / "uploads", files, progress, cancel)
    assert "Indexed** p0.txt" in status and "Cancelled** p1.txt and 1 more" in status
    assert assistant.sources() == ["p0.txt"] and assistant.stats().passages == assistant.stats_of("p0.txt")
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["p0.txt"]  # no copy of what was not kept
