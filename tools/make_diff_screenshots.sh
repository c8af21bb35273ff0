#!/bin/sh
# Regenerate the screenshots in docs/diff.md from the real sample editions (a manual step:
# needs Debian's chromium, LibreOffice Writer and pdftoppm; the pipeline itself needs none).
#   make brochure && sh tools/make_diff_screenshots.sh
set -e
out=docs/img
tmp=$(mktemp -d)
.venv/bin/brochure diff outputs/halbzeitbilanz-2012 outputs/halbzeitbilanz-2013 \
    --html "$tmp/diff.html" --docx "$tmp/redline.docx" > /dev/null || true
chromium --headless --no-sandbox --disable-gpu --screenshot="$out/diff-report.png" \
    --window-size=1400,1500 "file://$tmp/diff.html" 2>/dev/null
soffice -env:UserInstallation="file://$tmp/profile" --headless --convert-to pdf --outdir "$tmp" "$tmp/redline.docx" > /dev/null
page=$(.venv/bin/python -c "
from pypdf import PdfReader
r = PdfReader('$tmp/redline.pdf')
print(next(i + 1 for i, p in enumerate(r.pages) if 'seit 2012 bewährt' in (p.extract_text() or '')))")
pdftoppm -r 70 -png -singlefile -f "$page" -l "$page" "$tmp/redline.pdf" "$out/diff-redline"
rm -rf "$tmp"
ls -l "$out"/diff-*.png
