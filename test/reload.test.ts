import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPERGRAPH_PATH } from '../gateway/server';
import { createLogger } from '../platform/logger';
import { callers, startTestHub, type TestHub } from './harness';

// A new supergraph (and new trusted-document manifests) taken up by a running gateway: under load
// with no failed request, its access rules with it; one that cannot serve refused with a log line,
// the running one kept.

const ORIGINAL = readFileSync(SUPERGRAPH_PATH, 'utf8');
const OLD_DESCRIPTION = 'A joint operation of the task force at land, air or sea border checkpoints.';
const NEW_DESCRIPTION = 'A joint operation of the task force (reloaded without a restart).';
const LOCATION_RULE = 'location: Location @join__field(graph: OPERATIONS) @policy(policies: [["clearance:restricted"]])';

/** Log lines, as the hub wrote them. */
const captured = () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', 'frontera', {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { lines, log };
};

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('supergraph reload', () => {
  let dir: string;
  let file: string;
  let t: TestHub;
  const { lines, log } = captured();
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-reload-'));
    file = path.join(dir, 'supergraph.graphql');
    copyFileSync(SUPERGRAPH_PATH, file);
    t = await startTestHub({ SUPERGRAPH_FILE: file }, undefined, log);
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const description = async () => (await t.ok(`{ __type(name: "Operation") { description } }`)).__type.description as string;
  const LOCATIONS = `{ operation(code: "ANCHOR-III") { checkpoints { name location { latitude } } } }`;
  const logged = (message: string) => lines.filter((l) => l.msg === message);

  test('a changed file is served without a restart, under load, with no failed request; its access rules come with it', async () => {
    expect(await description()).toBe(OLD_DESCRIPTION);
    expect((await t.ok(LOCATIONS)).operation.checkpoints[0].location).not.toBeNull();

    let loading = true;
    const results = { ok: 0, failed: [] as unknown[] };
    const workers = Array.from({ length: 8 }, async () => {
      while (loading) {
        const { status, body } = await t.query(`{ operations(first: 2) { edges { node { code checkpoints { name } trainingSessions { course { title } } } } } }`);
        if (status === 200 && !body.errors && body.data?.operations.edges.length === 2) results.ok += 1;
        else results.failed.push({ status, errors: body.errors });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = results.ok;
    // The new supergraph: another description, and Checkpoint.location for auditors only.
    writeFileSync(file, ORIGINAL.replace(OLD_DESCRIPTION, NEW_DESCRIPTION).replace(LOCATION_RULE, LOCATION_RULE.replace('"clearance:restricted"', '"role:auditor"')));
    const switched = performance.now();
    await until('the new description', async () => (await description()) === NEW_DESCRIPTION);
    const tookMs = performance.now() - switched;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    loading = false;
    await Promise.all(workers);

    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(before);
    process.stdout.write(
      `reload under load: ${results.ok} requests, ${results.failed.length} failed; the new supergraph served ${tookMs.toFixed(0)} ms after the file was written, ` +
        `of which ${String(logged('supergraph and trusted documents reloaded')[0]?.durationMs)} ms checking and switching it\n`,
    );
    // The new rule holds: a hub administrator no longer sees locations.
    const { body } = await t.query(LOCATIONS);
    expect(body.data?.operation.checkpoints[0].location).toBeNull();
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(logged('supergraph and trusted documents reloaded')).toHaveLength(1);
  }, 30_000);

  test('a supergraph that does not parse, or that the access rules refuse, is refused with a log line and the running one kept', async () => {
    const refusals = () => logged('supergraph reload refused: the running supergraph is kept');
    writeFileSync(file, 'type Query {');
    await until('the refusal of a broken file', () => refusals().length === 1);
    expect(refusals()[0]).toMatchObject({ level: 50, file, reason: expect.stringMatching(/Syntax Error/) });
    expect(await description()).toBe(NEW_DESCRIPTION);

    writeFileSync(file, ORIGINAL.replace(LOCATION_RULE, LOCATION_RULE.replace('clearance:restricted', 'clearance:secret-ish')));
    await until('the refusal of an unknown policy', () => refusals().length === 2);
    expect(refusals()[1].reason).toMatch(/the supergraph uses policies the gateway does not define: clearance:secret-ish/);
    expect(await description()).toBe(NEW_DESCRIPTION);
    // SIGHUP does what the watcher does.
    expect(await t.hub.reload()).toEqual({ result: 'refused', supergraph: expect.any(String), reason: expect.stringMatching(/clearance:secret-ish/) });
    await t.ok(`{ operations(first: 1) { edges { node { code } } } }`, {}, { as: callers.officerTha });

    writeFileSync(file, ORIGINAL);
    await until('the original back', async () => (await description()) === OLD_DESCRIPTION);
    expect(await t.hub.reload()).toMatchObject({ result: 'unchanged' });
  }, 30_000);
});

describe('trusted documents reload', () => {
  let dir: string;
  let t: TestHub;
  const sha = (body: string) => createHash('sha256').update(body).digest('hex');
  const manifest = (bodies: Record<string, string>) => ({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: Object.entries(bodies).map(([name, body]) => ({ id: sha(body), name, type: 'query', body })),
  });
  const FIRST = 'query First { operations(first: 1) { edges { node { code } } } }';
  const SECOND = 'query Second { operations(first: 2) { edges { node { code name } } } }';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-reload-trusted-'));
    writeFileSync(path.join(dir, 'web.json'), JSON.stringify(manifest({ First: FIRST })));
    t = await startTestHub({ TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_DIR: dir });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const send = (query: string) => t.query(query, {}, { headers: { 'apollographql-client-name': 'web', 'x-request-id': `reload-${randomUUID()}` } });

  test('an operation added to a manifest runs once the file is saved; an invalid manifest is refused and the running ones kept', async () => {
    expect((await send(SECOND)).body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    writeFileSync(path.join(dir, 'web.json'), JSON.stringify(manifest({ First: FIRST, Second: SECOND })));
    await until('the new manifest', async () => !(await send(SECOND)).body.errors);
    expect((await send(SECOND)).body.data.operations.edges).toHaveLength(2);

    writeFileSync(path.join(dir, 'web.json'), JSON.stringify(manifest({ First: FIRST, Broken: 'query Broken { nope }' })));
    expect(await t.hub.reload()).toMatchObject({ result: 'refused', reason: expect.stringMatching(/Broken/) });
    expect((await send(SECOND)).body.errors).toBeUndefined();
  }, 30_000);
});
