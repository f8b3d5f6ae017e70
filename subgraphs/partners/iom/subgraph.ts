import { defineSubgraph } from '../../shared/subgraph';
import { Referral } from './iom-referral.entity';
import { createIomLoaders } from './iom.loaders';
import { IomShareResolver, ReferralResolver, shares } from './iom.resolver';
import { migrations } from './migrations';
import { seedIom } from './seed/seed';

export default defineSubgraph({
  name: 'iom',
  dbSchema: 'partner_iom',
  description: 'Migration Organisation (demo partner): referrals of presumed victims of trafficking (confidential) and their k-anonymised aggregates per operation.',
  entities: [Referral],
  resolvers: [ReferralResolver, IomShareResolver, ...shares.resolvers],
  orphanedTypes: shares.orphanedTypes,
  references: shares.references,
  createLoaders: createIomLoaders,
  migrations,
  seed: seedIom,
});
