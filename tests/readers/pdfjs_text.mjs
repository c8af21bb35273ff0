// Page texts as Firefox's PDF viewer extracts them (pdf.js), separated by form feeds.
// Usage: node pdfjs_text.mjs FILE.pdf   ('-' reads standard input)
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { readFileSync } from "node:fs";

const file = process.argv[2];
const data = new Uint8Array(readFileSync(file === "-" ? 0 : file));
const doc = await getDocument({ data, verbosity: 0, useSystemFonts: false }).promise;
const out = [];
for (let i = 1; i <= doc.numPages; i++) {
  const content = await (await doc.getPage(i)).getTextContent();
  out.push(content.items.map((it) => it.str + (it.hasEOL ? "\n" : "")).join(""));
}
process.stdout.write(out.join("\f"));
