"""Regenerate the committed contract artifact: ``python -m traceability.contracts``."""

from traceability.contracts import write_artifact

if __name__ == "__main__":
    print(f"wrote {write_artifact()}")
