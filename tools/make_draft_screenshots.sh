#!/bin/sh
# Regenerate the screenshots in docs/drafts.md from the real sample files (a manual step:
# needs LibreOffice Calc/Writer and pdftoppm, which the pipeline itself never uses).
#   make brochure && sh tools/make_draft_screenshots.sh
set -e
out=docs/img
tmp=$(mktemp -d)
lo="soffice -env:UserInstallation=file://$tmp/profile --headless"
mkdir -p "$out"
$lo --convert-to pdf --outdir "$tmp" inputs/kommunen/viernheim/strategie.xlsx >/dev/null
pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/strategie.pdf" "$out/draft-workbook-anleitung"
pdftoppm -r 60 -png -singlefile -f 2 -l 2 "$tmp/strategie.pdf" "$out/draft-workbook-stammdaten"
pdftoppm -r 60 -png -singlefile -f 8 -l 8 "$tmp/strategie.pdf" "$out/draft-workbook-massnahmen"
pdf=outputs/kommunen/viernheim/viernheim-entwurf.pdf
pdftoppm -r 45 -png -singlefile -f 1 -l 1 "$pdf" "$out/draft-pdf-cover"
pdftoppm -r 60 -png -singlefile -f 9 -l 9 "$pdf" "$out/draft-pdf-handlungsfelder"
pdftoppm -r 60 -png -singlefile -f 3 -l 3 outputs/kommunen/rodgau/rodgau-entwurf.pdf "$out/draft-pdf-placeholder"
$lo --convert-to pdf --outdir "$tmp" outputs/kommunen/rodgau/rodgau-entwurf.docx >/dev/null
pdftoppm -r 60 -png -singlefile -f 8 -l 8 "$tmp/rodgau-entwurf.pdf" "$out/draft-docx-comments" 2>/dev/null
rm -rf "$tmp"
ls -l "$out"/draft-*.png
