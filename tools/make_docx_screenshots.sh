#!/bin/sh
# Regenerate the Word-file picture in docs/word.md from the real sample DOCX as LibreOffice shows
# it (a manual step: needs LibreOffice Writer and poppler, which the pipeline itself never uses).
# Run it where Source Sans Pro is not installed, so the picture shows the embedded font.
#   make brochure && sh tools/make_docx_screenshots.sh
set -e
out=docs/img
docx=outputs/halbzeitbilanz-2012/halbzeitbilanz-2012.docx
tmp=$(mktemp -d)
lo="soffice -env:UserInstallation=file://$tmp/profile --headless"
mkdir -p "$out"
if fc-list 2>/dev/null | grep -qi "source sans"; then
    echo "warning: Source Sans is installed on this machine; the picture does not prove the embedding" >&2
fi
$lo --convert-to pdf --outdir "$tmp" "$docx" >/dev/null
pdffonts "$tmp/halbzeitbilanz-2012.pdf" | grep -q SourceSansPro || { echo "LibreOffice did not use the embedded font" >&2; exit 1; }
# the cover, and the first page with a contact box (links in the Hyperlink style)
page=$(for n in $(seq 2 40); do
    if pdftotext -f "$n" -l "$n" "$tmp/halbzeitbilanz-2012.pdf" - | grep -q "E-Mail:"; then echo "$n"; break; fi
done)
pdftoppm -r 50 -png -singlefile -f 1 -l 1 "$tmp/halbzeitbilanz-2012.pdf" "$tmp/cover"
pdftoppm -r 50 -png -singlefile -f "$page" -l "$page" "$tmp/halbzeitbilanz-2012.pdf" "$tmp/page"
.venv/bin/python - "$tmp/cover.png" "$tmp/page.png" "$out/docx-halbzeitbilanz.png" <<'PY'
import sys
from PIL import Image
cover, page = (Image.open(p).convert("RGB") for p in sys.argv[1:3])
sheet = Image.new("RGB", (cover.width + page.width + 36, max(cover.height, page.height) + 24), "#b8bec4")
sheet.paste(cover, (12, 12))
sheet.paste(page, (cover.width + 24, 12))
sheet.save(sys.argv[3], optimize=True)
PY
rm -rf "$tmp"
ls -l "$out"/docx-*.png
