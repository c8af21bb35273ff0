#!/bin/sh
# Regenerate the chart pictures in the README and docs from the real sample PDFs (a manual
# step: needs pdftoppm, which the pipeline itself never uses).
#   make brochure && sh tools/make_chart_screenshots.sh
set -e
out=docs/img
pdf=outputs/halbzeitbilanz-2012/halbzeitbilanz-2012.pdf
mkdir -p "$out"
# Offenbach's classed chart spans both columns at the top of page 21; Kassel's stacked bars
# stand in the right column of page 12 (A4 at 110 dpi is 909 × 1286 pixels).
pdftoppm -r 110 -png -singlefile -f 21 -l 21 -x 30 -y 60 -W 850 -H 540 "$pdf" "$out/chart-offenbach"
pdftoppm -r 110 -png -singlefile -f 12 -l 12 -x 455 -y 95 -W 390 -H 420 "$pdf" "$out/chart-kassel"
pdftoppm -r 60 -png -singlefile -f 5 -l 5 outputs/kommunen/viernheim/viernheim-entwurf.pdf "$out/draft-pdf-ausgangslage"
ls -l "$out"/chart-*.png "$out"/draft-pdf-ausgangslage.png
