import { ROLES, type Role } from '../../lambdas/api/auth.js';
import { type Command, parse } from './command.js';
import { UsageError } from './output.js';

export const tokenCommand: Command = {
  name: 'token',
  usage: 'mantissa token [--role admin|analyst|viewer]',
  async run(runtime, args) {
    const { values } = parse(args, { role: { type: 'string', default: 'analyst' } });
    const role = values.role;
    if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const key = await runtime.signingKey();
    process.stdout.write(`${await key.issue({ role: role as Role })}\n`);
    return 0;
  },
};
