"""Regenerate the sample municipalities' workbooks (inputs/kommunen/<town>/strategie.xlsx).

    .venv/bin/python tools/make_sample_drafts.py [TOWN …]

Each town's entries are kept as plain YAML in tools/sample-drafts/<town>.yaml and typed into a
fresh workbook by the real scaffold (brochure init-draft), so the samples always match the
current layout. Markdown texts next to a sample workbook are kept in the inputs folder itself.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.drafts.draft import draft_template  # noqa: E402
from pipeline.drafts.scaffold import init_draft  # noqa: E402
from pipeline.drafts.workbook_fill import fill_workbook  # noqa: E402

SCAFFOLD_DATE = dt.date(2020, 12, 1)  # fixed, so regenerating gives the same cells


def main() -> None:
    _, layout = draft_template()
    only = set(sys.argv[1:])
    for source in sorted((ROOT / "tools" / "sample-drafts").glob("*.yaml")):
        if only and source.stem not in only:
            continue
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        folder = ROOT / "inputs" / "kommunen" / source.stem
        (folder / layout.file).unlink(missing_ok=True)
        path = init_draft(data["stammdaten"]["municipality"], folder, layout, today=SCAFFOLD_DATE)
        fill_workbook(path, layout, data)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
