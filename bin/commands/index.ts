import { alertsCommand } from './alerts.js';
import { askCommand } from './ask.js';
import type { Command } from './command.js';
import { detectCommand } from './detect.js';
import { ingestCommand } from './ingest.js';
import { outboxCommand } from './outbox.js';
import { rulesCommand } from './rules.js';
import { sampleCommand } from './sample.js';
import { sqlCommand } from './sql.js';
import { startCommand } from './start.js';
import { tokenCommand } from './token.js';

/** Every `mantissa` sub-command, in the order `--help` lists them. Add a command here. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  sampleCommand,
  ingestCommand,
  detectCommand,
  sqlCommand,
  askCommand,
  alertsCommand,
  outboxCommand,
  rulesCommand,
  tokenCommand,
];
