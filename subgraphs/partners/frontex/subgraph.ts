import { defineSubgraph } from '../../shared/subgraph';
import { AssetDeployment } from './frontex-asset-deployment.entity';
import { RiskAnalysisProduct } from './frontex-risk-analysis.entity';
import { createFrontexLoaders } from './frontex.loaders';
import { AssetDeploymentResolver, FrontexCheckpointShareResolver, FrontexShareResolver, RiskAnalysisProductResolver, shares } from './frontex.resolver';
import { migrations } from './migrations';
import { seedFrontex } from './seed/seed';

export default defineSubgraph({
  name: 'frontex',
  dbSchema: 'partner_frontex',
  description: 'Border and Coast Guard Agency (demo partner): risk-analysis products and assets deployed to joint operations.',
  entities: [RiskAnalysisProduct, AssetDeployment],
  resolvers: [RiskAnalysisProductResolver, AssetDeploymentResolver, FrontexShareResolver, FrontexCheckpointShareResolver, ...shares.resolvers],
  orphanedTypes: shares.orphanedTypes,
  references: shares.references,
  createLoaders: createFrontexLoaders,
  migrations,
  seed: seedFrontex,
});
