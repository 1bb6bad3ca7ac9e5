"""Run the simulator's command line: ``python -m tools.sangoma_sim``."""

import sys

from .cli import main

sys.exit(main())
