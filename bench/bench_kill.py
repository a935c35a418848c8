"""kill -9 at random moments, many more times than CI does.

    python bench/bench_kill.py [--trials 100]

Runs the kill tests of ``tests/test_ingest.py`` (indexing a folder; uploads and removals as
the app makes them) with KILL_TRIALS trials each. Each trial kills the writer at a random moment and
checks that the index opens, answers, and holds exactly its last committed files, whole.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_ingest.py",
                          "-k", "kill_9"], cwd=ROOT, env={**os.environ, "KILL_TRIALS": str(args.trials)})
    print(f"{args.trials} trials each of indexing and of uploads/removals killed at random: "
          f"{'all held' if run.returncode == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s")
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
