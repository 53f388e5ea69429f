import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultHome, LocalRuntime, PACKAGE_ROOT } from '../lambdas/adapters/local/runtime.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './commands/output.js';

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

const USAGE = `mantissa ${VERSION}: the local Mantissa Log SIEM (data in $MANTISSA_HOME, default ./.mantissa)

${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const runtime = new LocalRuntime(defaultHome());
  try {
    return await command.run(runtime, rest, { version: VERSION });
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    if (err instanceof UsageError) {
      process.stderr.write(`mantissa: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`mantissa: ${err.message}\n`);
      process.exitCode = 1;
    }
  },
);
