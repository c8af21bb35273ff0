#!/bin/sh
# Regenerate the screenshots in docs/drafts.md from the real sample files (a manual step:
# needs LibreOffice Calc/Writer and pdftoppm, which the pipeline itself never uses).
#   make brochure && sh tools/make_draft_screenshots.sh
set -e
out=docs/img
tmp=$(mktemp -d)
lo="soffice -env:UserInstallation=file://$tmp/profile --headless"
mkdir -p "$out"

# page FILE TEXT: the first page of FILE whose text starts with a line holding TEXT
page() {
  n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
  i=1
  while [ "$i" -le "$n" ]; do
    if pdftotext -f "$i" -l "$i" "$1" - | head -4 | grep -q "$2"; then echo "$i"; return; fi
    i=$((i + 1))
  done
  echo "no page of $1 starts with $2" >&2; exit 1
}
shot() {  # shot FILE PAGE NAME [DPI]
  pdftoppm -r "${4:-60}" -png -singlefile -f "$2" -l "$2" "$1" "$out/$3"
}

$lo --convert-to pdf --outdir "$tmp" inputs/kommunen/viernheim/strategie.xlsx >/dev/null
shot "$tmp/strategie.pdf" 1 draft-workbook-anleitung
shot "$tmp/strategie.pdf" 2 draft-workbook-stammdaten
shot "$tmp/strategie.pdf" 8 draft-workbook-massnahmen
mkdir -p "$tmp/m" && $lo --convert-to pdf --outdir "$tmp/m" inputs/kommunen/michelstadt/strategie.xlsx >/dev/null
shot "$tmp/m/strategie.pdf" "$(page "$tmp/m/strategie.pdf" 'Nr. \*')" draft-workbook-handlungsfelder

pdf=outputs/kommunen/viernheim/viernheim-entwurf.pdf
shot "$pdf" 1 draft-pdf-cover 45
shot "$pdf" "$(page "$pdf" '^3\. Ausgangslage')" draft-pdf-ausgangslage
plan=outputs/kommunen/michelstadt/michelstadt-entwurf.pdf
shot "$plan" "$(page "$plan" '^6\. Kommunale Handlungsfelder')" draft-pdf-handlungsfelder
shot "$plan" "$(page "$plan" '^4\. Partizipative')" draft-pdf-beteiligung
rodgau=outputs/kommunen/rodgau/rodgau-entwurf.pdf
shot "$rodgau" "$(page "$rodgau" '^1\. Einleitende')" draft-pdf-placeholder
$lo --convert-to pdf --outdir "$tmp" outputs/kommunen/rodgau/rodgau-entwurf.docx >/dev/null
shot "$tmp/rodgau-entwurf.pdf" "$(page "$tmp/rodgau-entwurf.pdf" '^6\. Kommunale')" draft-docx-comments
rm -rf "$tmp"
ls -l "$out"/draft-*.png
