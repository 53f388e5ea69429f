import { z } from 'zod';
import { lintFiles, type RuleOverride, RuleOverrides } from '../../core/rulepack/index.js';
import { convertFolder, DIALECTS, type DialectName } from '../../core/sigma/index.js';
import { hasRole } from '../auth.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import { type RouteModule, zodMessage } from '../types.js';

const RuleFiles = z.strictObject({
  /** Rule files as `{path, text}`; `path` is only for messages. */
  files: z
    .array(z.strictObject({ path: z.string().min(1).max(500), text: z.string() }))
    .min(1)
    .max(500),
});
const ConvertBody = RuleFiles.extend({
  dialect: z.enum(Object.keys(DIALECTS) as [DialectName, ...DialectName[]]),
  /** Without a pipeline: Sigma field names as columns of this table. */
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/)
    .optional(),
});
const PatchRule = z.strictObject({ enabled: z.boolean() });

const ruleSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['sql', 'sigma'] },
    name: { type: 'string' },
    severity: { type: 'string' },
    enabled: { type: 'boolean', description: 'Whether the rule runs: its own setting, or its override.' },
    overridden: { type: 'boolean' },
  },
};

export const ruleRoutes: RouteModule = {
  register(app, deps) {
    const overrides = deps.state ? new RuleOverrides(deps.state, deps.clock) : undefined;
    const current = async () => (overrides ? await overrides.all() : new Map<string, RuleOverride>());

    app.get('/api/v1/rules', async (c) => {
      const over = await current();
      const sql = deps.rules().map((r) => ({
        id: r.id,
        kind: 'sql' as const,
        name: r.name,
        description: r.description,
        enabled: RuleOverrides.effective(r.id, r.enabled, over),
        overridden: over.has(r.id),
        severity: r.severity,
        category: r.category,
        threshold: r.threshold,
        metadata: r.metadata,
        query: r.query,
      }));
      const sigma = (deps.sigmaRules ? await deps.sigmaRules() : []).map((r) => {
        const key = r.sigmaId ?? r.id;
        return {
          id: r.id,
          sigmaId: r.sigmaId,
          kind: 'sigma' as const,
          name: r.name,
          description: r.description,
          enabled: RuleOverrides.effective(key, r.enabled, over),
          overridden: over.has(key),
          severity: r.severity,
          category: r.category,
          mitreAttack: r.mitreAttack,
          tags: r.tags,
          file: r.file,
        };
      });
      return c.json({ rules: [...sql, ...sigma] });
    });

    app.post('/api/v1/rules/lint', async (c) => {
      const parsed = RuleFiles.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return apiError(c, 400, 'bad_request', zodMessage(parsed.error));
      return c.json(lintFiles(parsed.data.files));
    });

    app.post('/api/v1/rules/convert', async (c) => {
      const parsed = ConvertBody.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return apiError(c, 400, 'bad_request', zodMessage(parsed.error));
      const { files, dialect, table } = parsed.data;
      return c.json(convertFolder(files, { dialect, ...(table ? { pipeline: false as const, table } : {}) }));
    });

    // Rule ids contain slashes (`sql/cloudtrail/root-account-use`): the parameter takes the rest of the path.
    app.patch('/api/v1/rules/:id{.+}', async (c) => {
      if (!hasRole(c.get('principal'), ['admin'])) {
        return apiError(c, 403, 'forbidden', 'enabling and disabling rules needs the admin role');
      }
      if (!overrides) return apiError(c, 404, 'not_found', 'rule overrides are not kept by this deployment');
      const parsed = PatchRule.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return apiError(c, 400, 'bad_request', zodMessage(parsed.error));
      const id = c.req.param('id');
      const sigma = deps.sigmaRules ? await deps.sigmaRules() : [];
      const known =
        deps.rules().find((r) => r.id === id)?.id ?? sigma.find((r) => r.id === id || r.sigmaId === id);
      if (!known) return apiError(c, 404, 'not_found', `no rule with id ${id}`);
      // Sigma rules are keyed by their Sigma id, which survives moving the file.
      const key = typeof known === 'string' ? known : (known.sigmaId ?? known.id);
      const value = await overrides.set(key, parsed.data.enabled, c.get('principal').subject);
      return c.json({ id: key, ...value });
    });
  },
  paths: {
    '/api/v1/rules': {
      get: {
        summary: 'Detection rules (SQL and Sigma), with whether each runs',
        responses: {
          '200': {
            description: 'Rules',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { rules: { type: 'array', items: ruleSummary } } },
              },
            },
          },
          ...authErrors,
        },
      },
    },
    '/api/v1/rules/lint': {
      post: {
        summary:
          'Lint Sigma rule files: schema, fields of the logsource table, regex safety, ATT&CK tags, tests',
        responses: { '200': { description: 'Lint report' }, '400': errorResponse('Bad body'), ...authErrors },
      },
    },
    '/api/v1/rules/convert': {
      post: {
        summary: 'Convert Sigma rule files to SQL (athena, duckdb, bigquery, tsql), keyed by rule id',
        responses: {
          '200': { description: 'SQL or error per rule' },
          '400': errorResponse('Bad body'),
          ...authErrors,
        },
      },
    },
    '/api/v1/rules/{id}': {
      patch: {
        summary: 'Enable or disable a rule (admin); detection honours the override',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The override' },
          '400': errorResponse('Bad body'),
          '404': errorResponse('No such rule'),
          ...authErrors,
        },
      },
    },
  },
};
