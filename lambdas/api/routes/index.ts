import type { RouteModule } from '../types.js';
import { alertRoutes } from './alerts.js';
import { outboxRoutes } from './outbox.js';
import { queryRoutes } from './query.js';
import { ruleRoutes } from './rules.js';
import { sqlRoutes } from './sql.js';

/** Every area of the API, in the order the OpenAPI document lists them. Add a module here. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  alertRoutes,
  sqlRoutes,
  queryRoutes,
  ruleRoutes,
  outboxRoutes,
];
