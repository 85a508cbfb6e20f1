#!/usr/bin/env node
// k-order's entry point for the local order store: dynalite's own cli.js, after one fix.
//
// Why: dynalite 4.0.0 (db/index.js, createKeyStream/createValueStream) turns LevelDB iterators
// into streams and, on destroy, calls `iterator.return()`, which abstract-level 3 iterators do not
// have; nor does it close an iterator that reached its end. So every Query/Scan leaves a native
// LevelDB iterator open (with its snapshot and pinned blocks) until the process exits: resident
// memory grows ~20-50 MB per 1,000 queries on LevelDB on disk (1.3 GB after 32,000).
// The fix: give abstract-level iterators `return()` (= close()) and close an iterator as soon as
// it reports its end. Pinned to dynalite 4.0.0 / abstract-level 3 (package-lock.json); checked
// below so an upgrade cannot silently drop or double the fix. Measured by
// benchmarks/bench_store_memory.py (`--unpatched` runs cli.js as shipped).
'use strict'

const path = require('path')
const here = path.join(__dirname, 'node_modules')
const dynaliteVersion = require(path.join(here, 'dynalite', 'package.json')).version
const abstractVersion = require(path.join(here, 'abstract-level', 'package.json')).version
if (dynaliteVersion !== '4.0.0' || !abstractVersion.startsWith('3.')) {
  console.error(`server.js patches dynalite 4.0.0 on abstract-level 3.x, found dynalite ` +
    `${dynaliteVersion} / abstract-level ${abstractVersion}: re-check the iterator leak ` +
    `(benchmarks/bench_store_memory.py --unpatched) and update this file`)
  process.exit(70)
}

const { AbstractIterator } = require(path.join(here, 'abstract-level'))
const common = Object.getPrototypeOf(AbstractIterator.prototype) // keys, values and entries
if (typeof common.return !== 'function') {
  common.return = function () {
    return this.close()
  }
}
const next = common.next
common.next = async function (...args) {
  const item = await next.apply(this, args)
  if (item === undefined) await this.close()
  return item
}

require(path.join(here, 'dynalite', 'cli.js'))
