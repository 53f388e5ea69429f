import { authErrors } from '../openapi-parts.js';
import type { RouteModule } from '../types.js';

export const ruleRoutes: RouteModule = {
  register(app, deps) {
    app.get('/api/v1/rules', (c) =>
      c.json({
        rules: deps.rules().map((r) => ({
          id: r.id,
          name: r.name,
          description: r.description,
          enabled: r.enabled,
          severity: r.severity,
          category: r.category,
          threshold: r.threshold,
          metadata: r.metadata,
          query: r.query,
        })),
      }),
    );
  },
  paths: {
    '/api/v1/rules': {
      get: { summary: 'Detection rules', responses: { '200': { description: 'Rules' }, ...authErrors } },
    },
  },
};
