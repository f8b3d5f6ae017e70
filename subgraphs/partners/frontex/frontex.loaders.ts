import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, loaderByParent, loaderByUuid } from '../../shared/loaders';
import { AssetDeployment } from './frontex-asset-deployment.entity';
import { RiskAnalysisProduct } from './frontex-risk-analysis.entity';

/**
 * Products informing any of many operations in one query (`operation_ids && keys`), each listed
 * under every requested operation it informs, earliest period first.
 */
function riskAnalysesByOperation(em: EntityManager): DataLoader<string, RiskAnalysisProduct[]> {
  return loaderByUuid(async (operationIds) => {
    const rows = await em.find(RiskAnalysisProduct, { operationIds: { $overlap: operationIds } }, { orderBy: { periodStart: 'asc', id: 'asc' } });
    return groupBy(operationIds, rows, (row) => row.operationIds);
  }, () => []);
}

/** Per-request loaders: the agency's products and assets for many operations or checkpoints in one query each. */
export function createFrontexLoaders(em: EntityManager) {
  return {
    riskAnalysesByOperation: riskAnalysesByOperation(em),
    assetsByOperation: loaderByParent(em, AssetDeployment, 'operationId', (a) => a.operationId, { deployedFrom: 'asc', id: 'asc' }),
    assetsByCheckpoint: loaderByParent(em, AssetDeployment, 'checkpointId', (a) => a.checkpointId ?? '', { deployedFrom: 'asc', id: 'asc' }),
  };
}

export type FrontexLoaders = ReturnType<typeof createFrontexLoaders>;
