import 'reflect-metadata';
import type { AccessEventNode } from './access-event.type';
import { AccessOperationType, AccessOutcome } from './access-event.type';
import { ownerView, refusedOwnerFilters } from './owner-view';

const node = (): AccessEventNode => ({
  requestId: 'case-4711-smith',
  time: new Date('2026-11-30T10:00:00Z'),
  receivedBy: 'gateway',
  principal: { subject: 'officer.7', organisation: 'ncb-fra', roles: ['BORDER_OFFICER'] },
  clientName: 'desk',
  clientVersion: '1.0',
  purpose: 'ANCHOR-III case 42',
  purposeCode: 'ANCHOR-III',
  operationName: 'Find',
  operationType: AccessOperationType.QUERY,
  documentHash: 'a'.repeat(64),
  variables: [{ path: 'number', hash: 'b'.repeat(64) }],
  fieldCoordinates: ['Query.wcoSeizures'],
  denied: [{ path: 'x', coordinate: 'X.y', rule: '@policy(purpose)' }],
  subgraphs: ['wco', 'frontex'],
  records: [
    { type: 'Seizure', id: '1', owner: 'wco' },
    { type: 'RiskAnalysisProduct', id: '2', owner: 'frontex' },
  ],
  outcome: AccessOutcome.PARTIAL,
  refusalCode: 'UNAUTHORIZED_FIELD_OR_TYPE',
  durationMs: 12,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  chain: { chainId: 'c', seq: 7, hash: 'h', recordedAt: new Date() },
});

test('the owner sees who (organisation, roles), when, the purpose code and its own records; nothing else', () => {
  expect(ownerView(node(), 'wco')).toEqual({
    requestId: null,
    time: new Date('2026-11-30T10:00:00Z'),
    receivedBy: 'gateway',
    principal: { subject: null, organisation: 'ncb-fra', roles: ['BORDER_OFFICER'] },
    clientName: null,
    clientVersion: null,
    purpose: null,
    purposeCode: 'ANCHOR-III',
    operationName: null,
    operationType: AccessOperationType.QUERY,
    documentHash: null,
    variables: [],
    fieldCoordinates: [],
    denied: [],
    subgraphs: [],
    records: [{ type: 'Seizure', id: '1', owner: 'wco' }],
    outcome: null,
    refusalCode: null,
    durationMs: null,
    traceId: null,
    chain: null,
  });
});

test('deny by default: a field the view does not name is withheld', () => {
  const extended = { ...node(), somethingNew: 'secret', somethingListed: ['secret'] } as AccessEventNode;
  expect(ownerView(extended, 'wco')).toMatchObject({ somethingNew: null, somethingListed: [] });
  const principal = { ...node(), principal: { ...node().principal!, country: 'FRA' } } as AccessEventNode;
  expect(ownerView(principal, 'wco').principal).toEqual({ subject: null, organisation: 'ncb-fra', roles: ['BORDER_OFFICER'], country: null });
});

test('an anonymous caller stays null', () => {
  expect(ownerView({ ...node(), principal: null }, 'wco').principal).toBeNull();
});

test('filters on withheld fields are named; those on what the owner sees, or left empty, are not', () => {
  expect(refusedOwnerFilters(undefined)).toEqual([]);
  expect(refusedOwnerFilters({ organisation: 'hub', from: new Date(), entity: { type: 'Seizure', id: '1' }, purposeCode: 'ANCHOR-III', receivedBy: 'gateway' })).toEqual([]);
  expect(refusedOwnerFilters({ subject: undefined, purpose: null as never })).toEqual([]);
  expect(refusedOwnerFilters({ organisation: 'hub', subject: 's', purpose: 'p', fieldCoordinate: 'Query.x' })).toEqual(['subject', 'purpose', 'fieldCoordinate']);
  // Roles are in the owner's view, refusal codes only on its notifications: the first may be filtered on, not the second.
  expect(refusedOwnerFilters({ role: 'NCB_ANALYST', refusalCode: 'UNAUTHENTICATED' })).toEqual(['refusalCode']);
});

test("of the hub's own notification tries, the owner also sees whether each reached its endpoint and why not", () => {
  const notifier = { ...node(), receivedBy: 'notifier', principal: { subject: 'frontera-notifier', organisation: 'hub', roles: [] }, outcome: AccessOutcome.ERROR, refusalCode: 'HTTP_503', records: [{ type: 'Hit', id: '9', owner: 'wco' }] };
  expect(ownerView(notifier, 'wco')).toMatchObject({ outcome: AccessOutcome.ERROR, refusalCode: 'HTTP_503', requestId: null, purpose: null, durationMs: null, chain: null, principal: { subject: null, organisation: 'hub', roles: [] } });
  // Only for the notifier: a gateway event's outcome stays withheld.
  expect(ownerView({ ...notifier, receivedBy: 'gateway' }, 'wco')).toMatchObject({ outcome: null, refusalCode: null });
});
