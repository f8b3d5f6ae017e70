import { ownedElsewhere, type EntityReference } from '../shared/federation';

// Entities owned by the operations subgraph: this subgraph knows their key only, returns `{ id }`,
// and the gateway fetches every other field from the operations subgraph.
export const owned = ownedElsewhere();
export const { Operation: OperationRef, Checkpoint: CheckpointRef } = owned;
export type OperationRef = EntityReference;
export type CheckpointRef = EntityReference;
