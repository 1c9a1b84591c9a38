// Read bibliography files with citation-js and print what it understood as CSL-JSON.
//
//   node citejs.mjs FORMAT FILE [FILE ...]
//
// FORMAT is one of bibtex, biblatex, ris, csljson. Standard output is one JSON array with,
// per FILE (same order as the arguments), the CSL-JSON item list citation-js produced, or
// {"error": message} when citation-js rejected the file (it aborts a whole file on one bad value).
// Used by tests/test_interop_citationjs.py; versions are pinned in package-lock.json.
import { readFileSync } from 'node:fs'
import { Cite } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-ris'
import '@citation-js/plugin-csl'

const TYPES = {
  bibtex: '@bibtex/text',
  biblatex: '@biblatex/text',
  ris: '@ris/file',
  csljson: '@csl/list+object'
}

const [format, ...files] = process.argv.slice(2)
const forceType = TYPES[format]
if (forceType === undefined || files.length === 0) {
  process.stderr.write(`usage: node citejs.mjs {${Object.keys(TYPES).join(',')}} FILE [FILE ...]\n`)
  process.exit(2)
}

const results = []
for (const file of files) {
  let input = readFileSync(file, 'utf8')
  if (format === 'csljson') input = JSON.parse(input)
  try {
    const cite = new Cite(input, { forceType, generateGraph: false })
    results.push(cite.format('data', { format: 'object' }))
  } catch (error) {
    results.push({ error: String(error.message).split('\n')[0] })
  }
}
process.stdout.write(JSON.stringify(results))
