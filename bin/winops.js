#!/usr/bin/env node
'use strict';
// The winops command. The CLI is compiled with the library (npm run build) to dist/lib/cli/; see docs/cli.md.
require('../dist/lib/cli/main.js').run();
