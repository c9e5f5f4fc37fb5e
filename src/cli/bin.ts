#!/usr/bin/env node
import { main } from './main.js';
import { processIo } from './io.js';

// A reader that stops early (`revline report … | head`) closes the pipe: that ends the output, it
// is not an error of the command, so the process leaves quietly as other Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), processIo());
