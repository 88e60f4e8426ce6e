"""``python -m drocc_utils``: see :mod:`drocc_utils.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
