"""Pure tests of the payment protocol cores: no database, no Django settings needed.

They also run without pytest-django (``-p no:django``), so make the repository root
importable the way pytest-django's ``manage.py`` lookup would.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
