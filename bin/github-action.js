#!/usr/bin/env node
// The GitHub Action's step (action.yml): runs the CLI from the action's inputs, writes the job summary and outputs.
import { runAction } from '../dist/action/main.js';

process.exitCode = await runAction();
