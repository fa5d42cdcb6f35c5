#!/usr/bin/env node
// The `tadt` command: runs the TypeScript CLI through tsx's loader (a dependency), so no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
