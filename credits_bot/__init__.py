"""The composition root: the ``credits-bot`` command, the one place that knows every
platform adapter (:mod:`credits_bot.platforms`) and wires it to the core (:mod:`bot`)."""
