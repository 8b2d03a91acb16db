"""`python -m index` was the lesson index's command line; it is `python -m training index` now."""

import sys

print(
    "error: the lesson index commands are `python -m training index build|search`", file=sys.stderr
)
sys.exit(2)
