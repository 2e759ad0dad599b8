#!/usr/bin/env node
// The `pantau` command. Built code lives in ../dist (run `npm run build` at the root first).
import { main } from '../dist/cli.js';
await main();
