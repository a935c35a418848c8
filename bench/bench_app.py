"""Time the app as a person meets it: `python app.py` → ready page (cold: no index; warm:
index on disk), and question → fifteen items on screen in headless Chromium.

    python bench/bench_app.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(index: Path, port: int, seeds: Path | None = None) -> tuple[subprocess.Popen[bytes], float]:
    """Start ``app.py`` on ``index`` (built from ``seeds`` when absent); seconds until it serves."""
    t0 = time.perf_counter()
    extra = ["--seeds", str(seeds)] if seeds is not None else []
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--index", str(index), *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(1200):
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the app did not start")


def browser_answer_seconds(port: int) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("#question textarea").fill("山西2026年15件民生实事是什么")
        t0 = time.perf_counter()
        page.locator("#ask").click()
        page.wait_for_function("document.querySelectorAll('#chatbot ol li').length >= 15", timeout=60_000)
        page.wait_for_selector("#sources details")
        seconds = time.perf_counter() - t0
        browser.close()
        return seconds


def main() -> None:
    index = Path(tempfile.mkdtemp()) / "index"
    port = int(os.environ.get("BENCH_PORT", "7871"))
    proc, cold = start(index, port)
    answer = browser_answer_seconds(port)
    proc.terminate()
    proc.wait()
    proc, warm = start(index, port)
    proc.terminate()
    proc.wait()
    print(f"cold start (builds the seeds index): {cold:.1f} s")
    print(f"warm start (loads the index):        {warm:.1f} s")
    print(f"browser: question → 15 items and sources shown: {answer:.2f} s")
    shutil.rmtree(index.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
