"""__main__.py: lets `python3 -m odoosim` run the simulator like the odoo-sim script."""

import sys

from .server import main

sys.exit(main())
