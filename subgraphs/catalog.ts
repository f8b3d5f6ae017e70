import type { SubgraphDefinition } from './shared/subgraph';
import operations from './operations/subgraph';

/**
 * Every subgraph the hub runs itself, in a fixed order (ports are assigned in this order).
 * Partners are appended from the partner registry.
 */
export const catalog: SubgraphDefinition<any>[] = [operations];
