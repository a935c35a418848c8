"""Getting files into the index: collect, read and parse them, add, replace, remove and
re-embed sources, and give uploads safe names.

Each added, changed or removed file is one commit of the :class:`~assistant.store.Store`, so
an interrupted run keeps every file it finished.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import Passage, chunk_articles
from .config import DEFAULT_SETTINGS, PARSER_VERSION, SUPPORTED_SUFFIXES, UPLOAD_NAME_TRIES, Settings
from .embedding import Embedder, content_hash
from .errors import DocumentError
from .layout import parse_page
from .readers import extract_text
from .store import NewSource, SourceFile, Store

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that reports nothing."""
    return None


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # removed by the user: left out of a folder scan
    passages: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the index was written."""
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class ParsedSource:
    """One file read and cut into passages, ready to be embedded."""

    record: SourceFile
    text: str
    passages: list[Passage]


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Supported files under the given files and folders, and messages for the rest."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder.")
    return files, errors


def parse_source(name: str, path: str, raw: bytes, settings: Settings = DEFAULT_SETTINGS) -> ParsedSource:
    """Decode, lay out and chunk one file.

    Raises:
        DocumentError: unreadable, too long, or without readable paragraphs.
    """
    text = extract_text(raw, name)
    if len(text) > settings.max_text_chars:
        raise DocumentError(f"{name}: {len(text):,} characters is more than the limit of "
                            f"{settings.max_text_chars:,}; split the file.")
    articles = parse_page(text)
    passages = chunk_articles(name, articles, settings)
    if not passages:
        raise DocumentError(f"{name}: no readable paragraphs were found in it.")
    record = SourceFile(name=name, path=path, sha256=hashlib.sha256(raw).hexdigest(),
                        size=len(raw), passages=len(passages), articles=len(articles),
                        parser=PARSER_VERSION)
    return ParsedSource(record, text, passages)


def index_files(store: Store, paths: Iterable[Path], embedder: Embedder,
                settings: Settings = DEFAULT_SETTINGS, progress: Progress = no_progress) -> IndexReport:
    """Bring the store up to date with files and folders: add new files, re-parse changed
    ones (or all, after a parser change) and drop files deleted from disk. Bad files are
    reported and skipped. A file the user removed stays out when its folder is scanned;
    naming the file itself adds it again.

    Returns:
        What was done.
    """
    t0 = time.perf_counter()
    report = IndexReport()
    paths = [Path(p) for p in paths]
    files, report.errors = collect_files(paths)
    named = {p.name for p in paths if p.is_file()}
    excluded = store.excluded()
    for name in excluded & named:
        store.set_excluded(name, False)
    report.excluded = sorted({f.name for f in files} & (excluded - named))
    files = [f for f in files if f.name not in report.excluded]
    known = store.sources()
    seen: dict[str, Path] = {}
    for n, path in enumerate(files):
        progress(n / max(len(files), 1), f"{n + 1}/{len(files)} files · reading {path.name}")
        if path.name in seen:
            report.errors.append(f"{path}: a file named {path.name} is already indexed from {seen[path.name]}; "
                                 "rename one.")
            continue
        seen[path.name] = path
        parsed = _read_if_changed(known.get(path.name), path, report, settings)
        if parsed is not None:
            done, message = (n + 0.5) / max(len(files), 1), f"{n + 1}/{len(files)} files · embedding {path.name}"
            progress(done, message)

            def tick(share: float, done: float = done, message: str = message) -> None:
                progress(done + 0.45 * share / max(len(files), 1), message)

            add_parsed(store, parsed, embedder, settings, tick)
    report.removed = [n for n, s in known.items() if n not in seen and not Path(s.path).exists()]
    for name in report.removed:
        store.delete_source(name)
    report.passages = store.stats().passages
    report.seconds = time.perf_counter() - t0
    return report


def add_parsed(store: Store, parsed: ParsedSource, embedder: Embedder, settings: Settings = DEFAULT_SETTINGS,
               tick: Callable[[float], None] | None = None) -> None:
    """Embed a parsed file's passages and sentences (reusing stored vectors of unchanged
    text) and add it to the store in one commit; ``tick`` hears the share embedded after
    each batch (and may raise to stop before anything is stored)."""
    keys = [content_hash(embedder.id, p.search_text) for p in parsed.passages]
    text_of = dict(zip(keys, (p.search_text for p in parsed.passages)))
    sentence_text = {content_hash(embedder.id, s.text): s.text for p in parsed.passages for s in p.sentences}
    text_of.update(sentence_text)
    vectors = store.vectors_for(list(text_of))
    missing = [k for k in text_of if k not in vectors]
    if missing:
        vectors.update(zip(missing, batched_embed(embedder, settings, tick)([text_of[k] for k in missing])))
    matrix = (np.stack([vectors[k] for k in keys]) if keys
              else np.zeros((0, embedder.dim), dtype=np.float32))
    store.add_sources([NewSource(parsed.record, parsed.text, parsed.passages, matrix, keys,
                                 {k: vectors[k] for k in sentence_text})])


def _read_if_changed(old: SourceFile | None, path: Path, report: IndexReport,
                     settings: Settings) -> ParsedSource | None:
    """The parsed file when it is new or changed since ``old`` (noted in ``report``), else None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.errors.append(f"{path}: cannot be read ({exc.strerror}).")
        return None
    if old is not None and old.sha256 == hashlib.sha256(raw).hexdigest() and old.parser == PARSER_VERSION:
        report.unchanged.append(path.name)
        return None
    try:
        parsed = parse_source(path.name, str(path.resolve()), raw, settings)
    except DocumentError as exc:
        report.errors.append(str(exc))
        return None
    (report.updated if old is not None else report.added).append(path.name)
    return parsed


def batched_embed(embedder: Embedder, settings: Settings = DEFAULT_SETTINGS,
                  tick: Callable[[float], None] | None = None) -> Callable[[list[str]], np.ndarray]:
    """Passage texts → vectors, in batches (``tick`` hears the share done after each)."""

    def embed(texts: list[str]) -> np.ndarray:
        step = settings.index_batch_texts
        out = []
        for i in range(0, len(texts), step):
            out.append(embedder.embed_passages(texts[i : i + step]))
            if tick is not None:
                tick(min(i + step, len(texts)) / len(texts))
        return np.concatenate(out) if out else np.zeros((0, embedder.dim), dtype=np.float32)

    return embed


def copy_reembedded(old: Store, new: Store, embedder: Embedder, settings: Settings = DEFAULT_SETTINGS) -> None:
    """Copy every source of ``old`` into ``new`` with vectors of ``embedder`` (and the names
    the user removed)."""
    for name in old.excluded():
        new.set_excluded(name, True)
    for name, record in old.sources().items():
        passages = old.source_passages(name)
        add_parsed(new, ParsedSource(record, old.document(name), passages), embedder, settings)


def safe_file_name(name: str) -> str:
    """A file name that cannot leave its folder: no path parts, no odd characters.

    Raises:
        DocumentError: unsupported type or nothing usable left of the name.
    """
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{base or name}: unsupported file type '{suffix}'; "
                            f"supported: {', '.join(SUPPORTED_SUFFIXES)}.")
    stem = re.sub(r"[^\w\-.\u4e00-\u9fff]+", "_", stem).strip("._")[:80]
    return (stem or "upload") + suffix


def store_upload(name: str, raw: bytes, folder: Path, settings: Settings = DEFAULT_SETTINGS,
                 indexed: Mapping[str, SourceFile] | None = None) -> tuple[Path, bool]:
    """Check an uploaded file and store it under ``folder`` with a safe name that replaces
    no other page: the same content already indexed or stored under that name is that file
    (nothing is written); other content under a taken name (or a clean name another upload
    already took: 😀.txt and 🎉.txt both clean to upload.txt) is stored as ``name-2``,
    ``name-3``…. A name is claimed by a hard link to the complete copy, so uploads running side
    by side never share a name, and one that finds the name taken reads the whole page there.

    Returns:
        The stored copy's path, and whether this call created it.

    Raises:
        DocumentError: too large, unsupported or unreadable; nothing is written then.
    """
    safe = safe_file_name(name)
    if len(raw) > settings.max_upload_bytes:
        raise DocumentError(f"{safe}: {len(raw) / 1e6:.1f} MB is more than the "
                            f"{settings.max_upload_bytes / 1e6:.0f} MB limit.")
    parse_source(safe, safe, raw, settings)  # validate before anything is written
    indexed = indexed or {}
    digest = hashlib.sha256(raw).hexdigest()
    stem, suffix = Path(safe).stem, Path(safe).suffix
    folder.mkdir(parents=True, exist_ok=True)
    # the whole copy is written under a hidden name first, then claimed under its own name by a
    # hard link, which fails if the name is taken: a page stored under a name is always complete,
    # so an upload beside this one compares with all of it, never with half of it
    part = tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", suffix=".part", delete=False)  # noqa: SIM115
    try:
        with part:
            part.write(raw)
        for n in range(1, UPLOAD_NAME_TRIES + 1):
            candidate = safe if n == 1 else f"{stem}-{n}{suffix}"
            record = indexed.get(candidate)
            if record is not None:
                if record.sha256 == digest and Path(record.path).is_file():
                    return Path(record.path), False  # this very page is indexed already
                continue
            target = folder / candidate
            try:
                os.link(part.name, target)
            except FileExistsError:
                if target.read_bytes() == raw:
                    return target, False  # stored already (by an upload running beside this one)
                continue  # another page's stored copy
            return target, True
    finally:
        Path(part.name).unlink(missing_ok=True)
    raise DocumentError(f"{safe}: {UPLOAD_NAME_TRIES} pages already have this name; rename the file.")
