"""``python -m assistant index | ask | summarize | articles | eval | train`` — a thin layer
over :class:`Assistant`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .answer import Answer
from .config import DEFAULT_INDEX_DIR, DEFAULT_MODELS_FILE, DEFAULT_SEEDS_DIR, RANKER_DIR
from .core import Assistant
from .errors import AssistantError, QueryError
from .evaluate import Example, load_examples, score, squad_folders, write_contexts
from .ingest import IndexReport
from .progress import ProgressBar


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant",
                                     description="Cited question answering and summaries over Chinese news pages.")
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("ASSISTANT_MODELS", DEFAULT_MODELS_FILE)),
                        help="models.txt naming the embedding model")
    parser.add_argument("-v", "--verbose", action="store_true", help="log which model loads, and more")
    sub = parser.add_subparsers(dest="command", required=True)
    default_index = Path(os.environ.get("ASSISTANT_INDEX", DEFAULT_INDEX_DIR))
    store_help = ("where the index lives: milvus-lite:PATH.db, milvus://HOST:PORT or local:DIR "
                  "(default: the local --index folder; or ASSISTANT_STORE)")

    p = sub.add_parser("index", help="index files and folders (incremental)")
    p.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SEEDS_DIR])
    p.add_argument("--index", type=Path, default=default_index)
    p.add_argument("--rebuild", action="store_true", help="start the index over")
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help)
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("ask", help="answer a question (or a file of questions)")
    p.add_argument("question", nargs="?")
    p.add_argument("--questions", type=Path, help="JSONL file, one {\"question\": …} a line")
    p.add_argument("--index", type=Path, default=default_index)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--history", help="earlier questions of the chat, as a JSON list, for a follow-up")
    p.add_argument("--json", action="store_true")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                   help="markdown: the answer and its numbered sources, to paste elsewhere")
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help)

    p = sub.add_parser("summarize", help="summarise a file or a topic")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--source", help="an indexed file name")
    group.add_argument("--query", help="a topic")
    p.add_argument("--article", type=int, help="with --source: one article number (from `articles`)")
    p.add_argument("--index", type=Path, default=default_index)
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help)

    p = sub.add_parser("articles", help="list the indexed articles")
    p.add_argument("--index", type=Path, default=default_index)
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help)

    p = sub.add_parser("eval", help="measure retrieval and answers on a question file")
    p.add_argument("file", type=Path)
    p.add_argument("--index", type=Path, help="index to ask (SQuAD files get their own by default)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--out", type=Path, help="write every answer as JSONL here")
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help + "; a SQuAD "
                   "file's contexts are indexed there")

    p = sub.add_parser("train", help="learn the answer models on SQuAD-format sets (cross-validated)")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--seeds", type=Path, nargs="+", default=[], help="JSONL question files over the seeds "
                   "index: they teach the answerability model only")
    p.add_argument("--seeds-index", type=Path, default=default_index)
    p.add_argument("--out", type=Path, default=RANKER_DIR, help="folder for the models and their JSON cards")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"), help=store_help + " (of the seeds)")
    return parser


def _index(assistant: Assistant, paths: list[Path], rebuild: bool = False, quiet: bool = False) -> IndexReport:
    with ProgressBar(enabled=not quiet) as bar:
        return assistant.index(paths, bar, rebuild=rebuild)


def _print_answer(ans: dict[str, Any], verbose: bool = False) -> None:
    mark = "" if ans["found"] else "（未找到 / not found）"
    print(f"问：{ans['question']}")
    print(f"答：{mark}{ans['answer'] or ans.get('message', '')}")
    if ans.get("short_answer"):
        print(f"简答：{ans['short_answer']}")
    for n, c in enumerate(ans["citations"], 1):
        print(f"  [{n}] {c['source']} · {c['article']} · 第{c['paragraph']}段 · {c['start']}-{c['end']}")
    if not ans["found"] and ans["passages"]:
        print("最接近的段落（不是答案）/ closest passages, not an answer:")
        for c in ans["passages"][:3]:
            print(f"  - {c['source']} · {c['article']} · 第{c['paragraph']}段")
    if verbose and ans.get("timings"):
        t = ans["timings"]
        print(f"耗时 timings: embed {t['embed_ms']} ms · search {t['search_ms']} ms · answer {t['answer_ms']} ms · "
              f"total {t['total_ms']} ms")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "eval":
        return _eval(args)
    if args.command == "train":
        return _train(args)
    assistant = Assistant(args.index, args.models, store_uri=args.store)
    if args.command == "index":
        if args.paths and not any(Path(p).exists() for p in args.paths):
            raise QueryError(f"No such file or folder: {', '.join(str(p) for p in args.paths)}.")
        report = _index(assistant, args.paths, args.rebuild, quiet=args.json)
        summary = {k: v for k, v in vars(report).items()}
        if args.json:
            print(json.dumps(summary, ensure_ascii=False))
        else:
            print(f"indexed {len(report.added)} new, {len(report.updated)} changed, {len(report.removed)} removed, "
                  f"{len(report.unchanged)} unchanged files; {report.passages} passages in {assistant.location} "
                  f"({report.seconds:.1f} s, model {assistant.embedder.id})")
        for err in report.errors:
            print(f"skipped: {err}", file=sys.stderr)
        return 1 if report.errors and not (report.added or report.updated or report.unchanged) else 0
    if not assistant.exists():
        raise QueryError(_no_index(assistant, args.store, args.index))
    if args.command == "ask":
        if (args.question is None) == (args.questions is None):
            raise QueryError("Give one question, or --questions FILE.")
        questions = [args.question] if args.question is not None else [
            e.question for e in load_examples(args.questions)[0]]
        history = _history(args.history)
        for q in questions:
            try:
                answer = assistant.ask(q, k=args.k, history=history)
            except QueryError as exc:
                if args.question is not None:
                    raise
                answer = Answer(q, "", None, False, message=str(exc))  # a file keeps one line a question
            if args.json or args.format == "json":
                print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
            elif args.format == "markdown":
                print(answer.to_markdown() + "\n", flush=True)
            else:
                _print_answer(answer.to_dict(), args.verbose)
        return 0
    if args.command == "summarize":
        summ = assistant.summarize(source=args.source, query=args.query, article=args.article).to_dict()
        if args.json:
            print(json.dumps(summ, ensure_ascii=False))
        else:
            print(summ["title"])
            for n, s in enumerate(summ["sentences"], 1):
                print(f"{s['text']} [{n}]")
            for n, s in enumerate(summ["sentences"], 1):
                c = s["citation"]
                print(f"  [{n}] {c['source']} · {c['article']} · 第{c['paragraph']}段 · {c['start']}-{c['end']}")
        return 0
    if args.command == "articles":
        rows = assistant.articles()
        if args.json:
            print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
        else:
            for r in rows:
                print(f"{r.source} #{r.article_id}: {r.title}  [{' '.join(r.keywords)}]")
        return 0
    raise QueryError(f"unknown command {args.command}")


def _no_index(assistant: Assistant, store: str | None, index_dir: Path) -> str:
    """The message for a missing index, with the command that builds that very index."""
    where = f"--store {store}" if store else f"--index {index_dir}"
    return f"No index in {assistant.location}: run `python -m assistant index PATH {where}` first."


def _history(raw: str | None) -> list[str]:
    """``--history``: a JSON list of earlier questions."""
    if not raw:
        return []
    try:
        history = json.loads(raw)
    except ValueError as exc:
        raise QueryError(f"--history must be a JSON list of questions ({exc}).") from exc
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QueryError("--history must be a JSON list of questions, e.g. '[\"山西15件民生实事是什么\"]'.")
    return history


def _open_for(file: Path, index_dir: Path | None, models: Path,
              store: str | None = None) -> tuple[Assistant, list[Example]]:
    """An assistant to evaluate ``file`` on: a SQuAD file's contexts get their own index
    (in ``store`` when one is named)."""
    examples, contexts = load_examples(file)
    if contexts:
        own_index, docs = squad_folders(file)
        write_contexts(contexts, docs)
        assistant = Assistant(index_dir or own_index, models, store_uri=store)
        _index(assistant, [docs])
        return assistant, examples
    index_dir = index_dir or Path(os.environ.get("ASSISTANT_INDEX", DEFAULT_INDEX_DIR))
    assistant = Assistant(index_dir, models, store_uri=store)
    if not assistant.exists():
        raise QueryError(_no_index(assistant, store, index_dir))
    return assistant, examples


def _train(args: argparse.Namespace) -> int:
    from .train import collect, train

    sets, sources = [], []
    for file in args.files:
        assistant, examples = _open_for(file, None, args.models)
        sets.append(collect(file.stem, assistant, [e for e in examples if e.question.strip()]))
        sources.append(file)
    if args.seeds:
        seeds = [_open_for(file, args.seeds_index, args.models, args.store) for file in args.seeds]
        sets.append(collect("seeds", seeds[0][0], [e for _, examples in seeds for e in examples], learn_rankers=False))
        sources.extend(args.seeds)
    try:
        report = train(sets, sources, args.out, args.folds)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"wrote the sentence, span, passage and answerability models to {args.out} with their JSON cards", file=sys.stderr)
    return 0


def _eval(args: argparse.Namespace) -> int:
    assistant, examples = _open_for(args.file, args.index, args.models, args.store)
    answers = []
    t0 = time.perf_counter()
    out = args.out.open("w", encoding="utf-8") if args.out else None
    for e in examples:
        try:
            a = assistant.ask(e.question, k=args.k)
        except QueryError as exc:  # e.g. an empty question in the data set
            a = Answer(e.question, "", None, False, message=str(exc))
        answers.append(a)
        if out:
            out.write(json.dumps({**a.to_dict(), "gold": e.answers, "answerable": e.answerable,
                                  "lang": e.lang}, ensure_ascii=False) + "\n")
    if out:
        out.close()
    elapsed = time.perf_counter() - t0
    result: dict[str, Any] = {"all": score(examples, answers)}
    for lang in sorted({e.lang for e in examples}):
        pairs = [(e, a) for e, a in zip(examples, answers) if e.lang == lang]
        if len(pairs) < len(examples):
            result[lang] = score([e for e, _ in pairs], [a for _, a in pairs])
    result["seconds_per_question"] = round(elapsed / max(len(examples), 1), 4)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0
