"""``python -m credits_bot``: the same as the ``credits-bot`` command."""

import sys

from credits_bot.cli import main

sys.exit(main())
