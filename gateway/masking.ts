import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../platform/logger';
import { ErrorCode, genericMessage, PUBLIC_CODES } from '../platform/errors';

const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

/** Extensions a client may see; anything else (stack traces, subgraph names, exceptions) is dropped. */
const PUBLIC_EXTENSIONS = ['code', 'field', 'paths', 'limit'];

// Text that only a database error, a URL or an internal address would contain.
const SQL = /\bselect\b[\s\S]+\bfrom\b|\binsert\s+into\b|\bupdate\s+"?[\w.]+"?\s+set\b|\bdelete\s+from\b|syntax error at or near|violates [\w ]*constraint|relation "[^"]*"|column "[^"]*"|duplicate key|\bpg_\w|\bSQLSTATE\b/i;
const URL_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
const HOST_WITH_PORT = /(?:\b(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|\b\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{2,5}\b/gi;
const ADDRESS = /\blocalhost\b|\b\d{1,3}(?:\.\d{1,3}){3}\b/gi;

/**
 * A public message with anything internal removed: URLs, host:port pairs and IP addresses are
 * replaced by "[internal]"; a message that reads like SQL is replaced as a whole.
 */
export function scrubMessage(message: string, fallback: string): string {
  if (SQL.test(message)) return fallback;
  return message.replace(URL_TEXT, '[internal]').replace(HOST_WITH_PORT, '[internal]').replace(ADDRESS, '[internal]');
}

function publicExtensions(extensions: GraphQLFormattedError['extensions'], code: string): Record<string, unknown> {
  const kept: Record<string, unknown> = { code };
  for (const key of PUBLIC_EXTENSIONS) if (key !== 'code' && extensions?.[key] !== undefined) kept[key] = extensions[key];
  return kept;
}

/**
 * The gateway's `formatError`. Everywhere: every limit refusal gets the code
 * `OPERATION_TOO_COMPLEX` and says which limit in `extensions.limit` (Apollo codes validation
 * errors `GRAPHQL_VALIDATION_FAILED`, and the token limit is a parse error).
 * In production: no stack trace or other internal extension; codes outside {@link PUBLIC_CODES}
 * keep a generic message (an unknown code becomes `INTERNAL_SERVER_ERROR`), and public messages
 * lose any URL, host or SQL. The original of a masked error is logged.
 */
export function formatGatewayError(options: { production: boolean; log: Logger }) {
  return (original: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let formatted = original;
    // graphql-js stops parsing at MAX_TOKENS with a syntax error; it is a limit like the others.
    if (formatted.extensions?.code === ErrorCode.GRAPHQL_PARSE_FAILED && TOKEN_LIMIT.test(formatted.message)) formatted = { ...formatted, extensions: { ...formatted.extensions, limit: 'tokens' } };
    let code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
    if (formatted.extensions?.limit !== undefined) code = ErrorCode.OPERATION_TOO_COMPLEX;
    if (!options.production) return code === original.extensions?.code ? original : { ...formatted, extensions: { ...formatted.extensions, code } };

    let message: string;
    if (PUBLIC_CODES.has(code)) {
      message = scrubMessage(formatted.message, 'The request could not be processed');
    } else {
      // An unknown code may name something internal: it becomes the generic internal error.
      if (genericMessage(code) === undefined) code = ErrorCode.INTERNAL_SERVER_ERROR;
      message = genericMessage(code)!;
      options.log.error({ err: error, code, path: formatted.path }, 'error masked for the client');
    }
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: publicExtensions(formatted.extensions, code),
    };
  };
}
