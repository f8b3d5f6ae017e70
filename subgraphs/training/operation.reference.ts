import { entityReference } from '../shared/federation';

// Entities owned by the operations subgraph: this subgraph knows their key only, returns `{ id }`,
// and the gateway fetches every other field from the operations subgraph.
export const OperationRef = entityReference('Operation');
export type OperationRef = InstanceType<typeof OperationRef>;
export const CheckpointRef = entityReference('Checkpoint');
export type CheckpointRef = InstanceType<typeof CheckpointRef>;
