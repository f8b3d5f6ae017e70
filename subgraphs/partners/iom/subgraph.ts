import { defineSubgraph } from '../../shared/subgraph';
import { Referral } from './iom-referral.entity';
import { createIomLoaders } from './iom.loaders';
import { CheckpointReference, IomOperationResolver, IomShareResolver, OperationReference, ReferralResolver } from './iom.resolver';
import { migrations } from './migrations';
import { seedIom } from './seed/seed';

export default defineSubgraph({
  name: 'iom',
  dbSchema: 'partner_iom',
  description: 'Migration Organisation (demo partner): referrals of presumed victims of trafficking (confidential) and their k-anonymised aggregates per operation.',
  entities: [Referral],
  // No `Checkpoint.iom`: per-checkpoint counts would be too small to publish; a referral still
  // points at the checkpoint where the person was identified.
  resolvers: [ReferralResolver, IomOperationResolver, IomShareResolver],
  orphanedTypes: [OperationReference, CheckpointReference],
  references: {
    Operation: (reference) => ({ id: String(reference.id) }),
    Checkpoint: (reference) => ({ id: String(reference.id) }),
  },
  createLoaders: createIomLoaders,
  migrations,
  seed: seedIom,
});
