import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import { installReleasability } from '../../authorization/subgraph/releasability';
import type { SubgraphDefinition } from './subgraph';

/**
 * SQL statements executed, per subgraph. Tests and the benchmark read it to prove that the number
 * of statements per request does not grow with list sizes.
 */
export const sqlStatements = new Map<string, number>();

/** Total statements across every subgraph of this process. */
export function sqlStatementTotal(): number {
  let total = 0;
  for (const count of sqlStatements.values()) total += count;
  return total;
}

class CountingLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly subgraph: string,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    sqlStatements.set(this.subgraph, (sqlStatements.get(this.subgraph) ?? 0) + 1);
    super.logQuery(context);
  }
}

/**
 * Opens the subgraph's ORM on its own schema with its own role (`url` carries the role's
 * credentials), so a subgraph cannot read or write anything it does not own.
 */
export async function openOrm(definition: SubgraphDefinition<any>, url: string, poolSize = 10): Promise<MikroORM> {
  const orm = await MikroORM.init(
    defineConfig({
      clientUrl: url,
      schema: definition.dbSchema,
      entities: definition.entities,
      extensions: [Migrator],
      migrations: {
        migrationsList: definition.migrations,
        tableName: 'mikro_orm_migrations',
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
      },
      pool: { min: 0, max: poolSize },
      loggerFactory: (options) => new CountingLogger(options, definition.name),
      debug: false,
      allowGlobalContext: false,
      forceUtcTimezone: true,
      discovery: { warnWhenNoEntities: false },
    }),
  );
  installReleasability(orm);
  return orm;
}
