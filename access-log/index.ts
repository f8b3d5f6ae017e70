/** Audit: one hash-chained access event per gateway request, committed before the response leaves. */
export * from './event';
export * from './chain';
export { loadAuditKey, AUDIT_KEY_FILE } from './audit-key';
export { loadAuditSigningKey, AUDIT_SIGNING_KEY_FILE, type AuditSigner, type AuditPublicKeys, type SignedHead, type SignedAnchor } from './signing';
export { createAuditWriter, AuditUnavailableError, type AuditWriter, type AuditWriterOptions, type AuditWriterStats } from './writer';
export { provisionAuditWriter, auditWriterLogin, auditWriterRole, AUDIT_SCHEMA, type AuditWriterLogin } from './store';
export { verifyChains, type VerifyReport, type ChainProblem, type ProblemKind } from './verify';
export { openWitness, readWitness, witnessDir, witnessFile, type WitnessWriter } from './witness';
