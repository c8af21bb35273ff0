"""Kept for older instructions: `brochure type reference-docx TYPE` does the same."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.render.reference_docx import main  # noqa: E402

if __name__ == "__main__":
    main()
