import { z } from 'zod';
import type { Alert, Severity } from '../model.js';
import { enrichmentLines, evidenceText, facts, headline, recommendedActions, truncate } from './format.js';
import { basicAuth, jsonOf, postJson } from './http-send.js';
import { type DeliveryContext, defineDestination } from './types.js';

const PRIORITIES: Record<Severity, string> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
};

const JiraSettings = z.strictObject({
  /** The site, e.g. https://acme.atlassian.net. */
  url: z.url(),
  /** The Atlassian account the API token belongs to. */
  email: z.email(),
  /** Name of the secret holding the API token. */
  api_token_secret: z.string().min(1),
  project: z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'a project key such as SEC'),
  issue_type: z.string().min(1).default('Task'),
  /** Jira priority names by alert severity (defaults: Highest, High, Medium, Low, Lowest). */
  priorities: z
    .partialRecord(z.enum(['critical', 'high', 'medium', 'low', 'info']), z.string().min(1))
    .default({}),
  labels: z.array(z.string().regex(/^\S+$/, 'labels cannot contain spaces')).default(['mantissa-log']),
});
type Settings = z.infer<typeof JiraSettings>;

type AdfNode = Record<string, unknown>;

/** ADF text nodes must not be empty, so empty strings become a dash. */
const text = (t: string): AdfNode => ({ type: 'text', text: t === '' ? '-' : t });
const paragraph = (t: string): AdfNode => ({ type: 'paragraph', content: [text(t)] });
const heading = (t: string): AdfNode => ({ type: 'heading', attrs: { level: 3 }, content: [text(t)] });
const bullets = (items: AdfNode[][]): AdfNode => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content: [{ type: 'paragraph', content }] })),
});

/** The issue description in Atlassian Document Format (API v3 takes no wiki markup). */
export function jiraDescription(alert: Alert, ctx: Pick<DeliveryContext, 'enrichment'>): AdfNode {
  const content: AdfNode[] = [paragraph(alert.description || alert.title)];
  content.push(
    bullets(facts(alert).map(([k, v]) => [{ ...text(`${k}: `), marks: [{ type: 'strong' }] }, text(v)])),
  );
  const context = enrichmentLines(ctx.enrichment);
  if (context.length) content.push(heading('Context'), bullets(context.map((l) => [text(l)])));
  const actions = recommendedActions(ctx.enrichment);
  if (actions.length) content.push(heading('Recommended actions'), bullets(actions.map((a) => [text(a)])));
  if (alert.evidence.length) {
    content.push(heading('Evidence'), {
      type: 'codeBlock',
      attrs: { language: 'json' },
      content: [text(evidenceText(alert, 20_000))],
    });
  }
  return { type: 'doc', version: 1, content };
}

/**
 * Jira Cloud REST v3 `POST /rest/api/3/issue` (201 with `{id, key}`), basic auth with e-mail and
 * API token. Jira has no idempotency key: a retry after a timeout can create a second issue
 * (at-least-once). Every issue carries the label `mantissa-<alert id>`, so a duplicate is one JQL
 * query away.
 */
export const jira = defineDestination<Settings>({
  type: 'jira',
  settings: JiraSettings,
  events: ['trigger', 'escalate'],
  idempotent: false,
  async deliver(s, ctx) {
    const { alert } = ctx;
    const token = await ctx.secret(s.api_token_secret);
    const body = {
      fields: {
        project: { key: s.project },
        issuetype: { name: s.issue_type },
        summary: truncate(headline(alert, ctx.event).replace(/[\r\n]+/g, ' '), 255),
        description: jiraDescription(alert, ctx),
        priority: { name: s.priorities[alert.severity] ?? PRIORITIES[alert.severity] },
        labels: [...s.labels, `mantissa-${alert.id}`],
      },
    };
    const res = await postJson(ctx, `${s.url.replace(/\/$/, '')}/rest/api/3/issue`, body, {
      accept: 'application/json',
      authorization: basicAuth(s.email, token),
    });
    const key = jsonOf(res.body).key;
    return typeof key === 'string' ? { reference: key } : {};
  },
});
