// Applies the preferred quick fix of one diagnostic code from a
// `cloudwerk-lsp check --format json` report (stdin), as an editor would:
// each edit replaces a byte range of its file. Usage: node apply-fix.mjs CODE
import { readFileSync, writeFileSync } from 'node:fs'

const code = process.argv[2]
const report = JSON.parse(readFileSync(0, 'utf8'))
const diag = report.diagnostics.find((d) => d.code === code && (d.fixes ?? []).length > 0)
if (!diag) {
  console.error(`no ${code} finding with a fix`)
  process.exit(1)
}
const fixes = diag.fixes.map((i) => report.fixes[i])
const fix = fixes.find((f) => f.preferred) ?? fixes[0]
// Edits of one file, last first, so earlier offsets stay valid.
const edits = [...fix.edits].sort((a, b) => b.range.start.offset - a.range.start.offset)
for (const e of edits) {
  const src = readFileSync(e.path)
  const out = Buffer.concat([src.subarray(0, e.range.start.offset), Buffer.from(e.newText, 'utf8'), src.subarray(e.range.end.offset)])
  writeFileSync(e.path, out)
}
console.log(`applied: ${fix.title}`)
