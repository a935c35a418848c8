"""``python app.py`` — the chat app on the seed pages (127.0.0.1:7860 by default).

Options: ``--host``, ``--port``, ``--index``, ``--store``, ``--seeds`` (or ASSISTANT_HOST,
ASSISTANT_PORT, ASSISTANT_INDEX, ASSISTANT_STORE, ASSISTANT_SEEDS). ``--store`` puts the index
in Milvus: ``milvus-lite:PATH.db`` or ``milvus://HOST:PORT``. The first start builds the seeds index with a progress
bar; later starts load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant.config import DEFAULT_INDEX_DIR, DEFAULT_SEEDS_DIR, MAX_UPLOAD_BYTES, PROJECT_ROOT
from assistant.errors import AssistantError
from assistant.ui import APP_JS, CSS, build_demo, open_assistant

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"),
                    help="0.0.0.0 only when others must reach it")
parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
parser.add_argument("--index", type=Path, default=Path(os.environ.get("ASSISTANT_INDEX", DEFAULT_INDEX_DIR)))
parser.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"),
                    help="milvus-lite:PATH.db or milvus://HOST:PORT (default: the local --index folder)")
parser.add_argument("--seeds", type=Path, default=Path(os.environ.get("ASSISTANT_SEEDS", DEFAULT_SEEDS_DIR)))
args, _ = parser.parse_known_args()

try:
    assistant = open_assistant(args.index, args.seeds, args.store)
except AssistantError as exc:  # e.g. a Milvus server that does not answer: one line, no traceback
    sys.exit(f"error: {exc}")
demo = build_demo(assistant, upload_dir=PROJECT_ROOT / "data" / "uploads")

if __name__ == "__main__":
    demo.launch(server_name=args.host, server_port=args.port, css=CSS, js=APP_JS, max_file_size=MAX_UPLOAD_BYTES)
