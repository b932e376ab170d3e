"""`python -m bench`: the benchmark suite (same as `bnc bench`)."""

import sys

from bench.suite import main

sys.exit(main())
