#!/usr/bin/env node
// The housing365 command. TypeScript runs through tsx's loader: there is no build step to forget.
import { register } from 'tsx/esm/api';
register();
await import('../src/transport/cli/main.ts');
