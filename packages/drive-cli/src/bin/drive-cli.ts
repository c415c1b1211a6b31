#!/usr/bin/env node
// The drive-cli command. It turns on Node's compile cache first, so that everything loaded
// after it (drive-cli itself, core, the strategies, Google's Drive client) can come from it.
import { enableCompileCache } from '../compile-cache.js';

enableCompileCache();
await import('../main.js');
