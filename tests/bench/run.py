"""`make bench`: run every tests/bench/bench_*.py module's main() in name order.

Every figure is a ratio against a reference measured in the same run (the machines are
shared and noisy, so absolute times alone mean little).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE.parent.parent))
    failures = 0
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {path.stem} ==", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        failures += int(module.main() or 0)
    print(f"\n{failures} benchmark target(s) missed" if failures else "\nall benchmark targets met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
