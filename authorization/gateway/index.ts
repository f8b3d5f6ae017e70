/**
 * Schema-declared access control at the gateway (DESIGN.md, "Access control", layer 1): rules read
 * from the supergraph once, a pure per-operation verdict before query planning, and the helpers that
 * shape the response for the configured mode.
 */
export { createEvaluator, formatRule, type AccessRequirement, type Alternatives, type CallerRights } from './access-requirement';
export { extractAccessRules, stripSecurityLinks, type AccessRules } from './supergraph-rules';
export {
  authorizeOperation,
  TYPENAME_MARKER,
  type AuthorizationResult,
  type DeniedField,
  type DeniedSegment,
} from './authorize';
export {
  applyDeniedNulls,
  applyMode,
  unauthorizedErrors,
  AUTHORIZATION_MODES,
  type AuthorizationDecision,
  type AuthorizationMode,
} from './authorization-modes';
export { decisionCacheKey, documentClaims, type DocumentClaims } from './decision-cache-key';
