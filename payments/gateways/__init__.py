"""Payment gateway adapters: each module implements :class:`payments.ports.Gateway`.

Nothing is chosen at import time; the site builds adapters from its settings.
"""
