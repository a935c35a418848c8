"""``python app.py`` — the chat app on the seed pages (127.0.0.1:7860 by default).

Options: ``--host``, ``--port``, ``--index``, ``--store``, ``--seeds``, ``--uploads`` (or
ASSISTANT_HOST, ASSISTANT_PORT, ASSISTANT_INDEX, ASSISTANT_STORE, ASSISTANT_SEEDS,
ASSISTANT_UPLOADS). ``--store`` puts the index in Milvus: ``milvus-lite:PATH.db`` or
``milvus://HOST:PORT``. The first start builds the seeds index with a progress bar; later
starts load it. Served beyond this machine (``--host`` other than 127.0.0.1), the app asks for
a login from ASSISTANT_AUTH / ASSISTANT_AUTH_FILE, and without one it is read-only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant.config import DEFAULT_INDEX_DIR, DEFAULT_SEEDS_DIR, MAX_UPLOAD_BYTES
from assistant.errors import AssistantError
from assistant.render import APP_JS, CSS
from assistant.ui import LOCAL_HOSTS, build_demo, login_credentials, open_assistant

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"),
                    help="0.0.0.0 only when others must reach it")
parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
parser.add_argument("--index", type=Path, default=Path(os.environ.get("ASSISTANT_INDEX", DEFAULT_INDEX_DIR)))
parser.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"),
                    help="milvus-lite:PATH.db or milvus://HOST:PORT (default: the local --index folder)")
parser.add_argument("--seeds", type=Path, default=Path(os.environ.get("ASSISTANT_SEEDS", DEFAULT_SEEDS_DIR)))
parser.add_argument("--uploads", type=Path, default=os.environ.get("ASSISTANT_UPLOADS"),
                    help="where uploaded pages are kept (default: beside the index folder)")
args, _ = parser.parse_known_args()

try:
    assistant = open_assistant(args.index, args.seeds, args.store)
    public = args.host not in LOCAL_HOSTS
    logins = login_credentials(os.environ) if public else []
except AssistantError as exc:  # e.g. a Milvus server that does not answer: one line, no traceback
    sys.exit(f"error: {exc}")
if public:
    print(f"served on {args.host}: " + ("a login is required (ASSISTANT_AUTH / ASSISTANT_AUTH_FILE)" if logins else
                                        "read-only, no upload or removal: set ASSISTANT_AUTH or ASSISTANT_AUTH_FILE "
                                        "(user:password) to allow them with a login"))
uploads = args.uploads or args.index.with_name(f"{args.index.name}-uploads")
demo = build_demo(assistant, upload_dir=uploads, writable=not public or bool(logins))

if __name__ == "__main__":
    demo.launch(server_name=args.host, server_port=args.port, css=CSS, js=APP_JS, max_file_size=MAX_UPLOAD_BYTES,
                auth=logins or None)
