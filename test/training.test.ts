import { useTestHub } from './harness';
import training from '../subgraphs/training/subgraph';

const t = useTestHub();
const { ok, refused } = t;

const DAY = 86_400_000;
/** A day relative to today (UTC), as YYYY-MM-DD. */
function day(offset: number): string {
  return new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
}

let sequence = 0;
/** A new officer (unique service number per call). */
function officer(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return { fullName: `Test Officer ${sequence}`, rank: 'Immigration Officer', country: 'THA', agency: 'ncb-tha', serviceNumber: `TEST-${process.pid}-${sequence}`, ...overrides };
}

const SCHEDULE = `mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id status capacity startsOn endsOn course { code } operation { id } } }`;
const ENROL = `mutation($input: EnrolInput!) { enrol(input: $input) { id score passed certification { certificateNumber } participant { id agency handling { owner classification } } session { id enrolled } } }`;
const ASSESS = `mutation($id: ID!, $score: Int!) { recordAssessment(enrollmentId: $id, score: $score) { id score passed assessedAt } }`;
const CERTIFY = `mutation($id: ID!) { certify(enrollmentId: $id) { id certification { certificateNumber issuedOn } } }`;
const CANCEL = `mutation($id: ID!) { cancelSession(id: $id) { id status cancelledAt } }`;
const CREATE_OPERATION = `mutation($input: CreateOperationInput!) { createOperation(input: $input) { id code } }`;

let courseId: string;
let courseCode: string;

beforeAll(async () => {
  const data = await ok(`{ courses(first: 1, filter: { domain: TRAVEL_DOCUMENT_FRAUD, level: BASIC }) { edges { node { id code } } } }`);
  courseId = data.courses.edges[0].node.id;
  courseCode = data.courses.edges[0].node.code;
});

/** Schedules a session running from today for `days` days (so it is IN_PROGRESS and open to enrolment). */
async function schedule(overrides: Record<string, unknown> = {}) {
  const input = { courseId, startsOn: day(0), endsOn: day(3), hostCountry: 'THA', place: 'Test Academy, Bangkok', trainerOrganisation: 'hub', capacity: 10, ...overrides };
  return (await ok(SCHEDULE, { input })).scheduleSession as { id: string; status: string };
}

async function enrol(sessionId: string, participant: Record<string, unknown> = officer()) {
  return (await ok(ENROL, { input: { sessionId, participant } })).enrol as { id: string; participant: { id: string }; session: { enrolled: number } };
}

/** Rows recorded by the training subgraph for an officer's service number: participants and their enrolments. */
async function recorded(serviceNumber: string): Promise<{ participants: number; enrollments: number }> {
  const { orm } = t.hub.subgraphs.get('training')!;
  const [row] = await orm.em.fork().getConnection().execute(
    `select (select count(*) from participant where service_number = ?)::int as participants,
            (select count(*) from enrollment e join participant p on p.id = e.participant_id where p.service_number = ?)::int as enrollments`,
    [serviceNumber, serviceNumber],
  );
  return { participants: row.participants, enrollments: row.enrollments };
}

async function createOperation(code: string) {
  const input = {
    code, name: `Training test ${code}`, startsOn: day(10), endsOn: day(20), borderTypes: ['AIR'], crimeAreas: ['TRAVEL_DOCUMENT_FRAUD'],
    leadOrganisation: 'hub', participatingCountries: ['THA'], partnerOrganisations: [], databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'],
  };
  return (await ok(CREATE_OPERATION, { input })).createOperation as { id: string; code: string };
}

describe('operation → training, through the gateway', () => {
  test('an operation lists the sessions that prepared it, with enrolment and certification counts', async () => {
    const data = await ok(`{ operation(code: "SUNBIRD-IV") { code trainingSessions { course { title } enrolled certified } officersTrained } }`);
    const { operation } = data;
    expect(operation.code).toBe('SUNBIRD-IV');
    expect(operation.trainingSessions.length).toBeGreaterThanOrEqual(3);
    for (const session of operation.trainingSessions) {
      expect(session.course.title).toEqual(expect.any(String));
      expect(session.enrolled).toBeGreaterThan(0);
      expect(session.certified).toBeGreaterThan(0);
      expect(session.certified).toBeLessThanOrEqual(session.enrolled);
    }
    expect(operation.officersTrained).toBeGreaterThan(0);
  });

  test('officersTrained counts distinct certified participants, once each', async () => {
    const data = await ok(`{ operation(code: "SUNBIRD-IV") { officersTrained trainingSessions { certified enrollments { participant { id } certification { certificateNumber } } } } }`);
    const certified = data.operation.trainingSessions.flatMap((s: any) => s.enrollments.filter((e: any) => e.certification).map((e: any) => e.participant.id));
    const perSession = data.operation.trainingSessions.reduce((sum: number, s: any) => sum + s.certified, 0);
    expect(certified.length).toBe(perSession);
    expect(data.operation.officersTrained).toBe(new Set(certified).size);
    // The seed has officers certified in two sessions of the same operation: they count once.
    expect(data.operation.officersTrained).toBeLessThan(perSession);
  });

  test('an operation without training has no sessions and no officers trained', async () => {
    const operation = await createOperation(`TRN-EMPTY-${process.pid}`);
    const data = await ok(`query($id: ID!) { operation(id: $id) { trainingSessions { id } officersTrained } }`, { id: operation.id });
    expect(data.operation).toEqual({ trainingSessions: [], officersTrained: 0 });
  });

  test('sessions show the checkpoints their trainees staff, resolved by the operations subgraph', async () => {
    const data = await ok(`{ operation(code: "ANCHOR-III") { trainingSessions { checkpointsStaffed { id name country borderType } } } }`);
    const checkpoints = data.operation.trainingSessions.flatMap((s: any) => s.checkpointsStaffed);
    expect(checkpoints.length).toBeGreaterThan(3);
    for (const checkpoint of checkpoints) {
      expect(checkpoint.name).toEqual(expect.any(String));
      expect(checkpoint.borderType).toBe('SEA');
      expect(['BEN', 'CIV', 'CMR', 'GHA', 'NGA', 'SEN', 'TGO']).toContain(checkpoint.country);
    }
    for (const session of data.operation.trainingSessions) {
      const ids = session.checkpointsStaffed.map((c: any) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe('training → operation, through the gateway', () => {
  test('sessions resolve their operation and its results through the operations subgraph', async () => {
    const data = await ok(`{ sessions(first: 5) { edges { node { startsOn operation { code results { hits } } } } } }`);
    const nodes = data.sessions.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(5);
    const linked = nodes.filter((n: any) => n.operation);
    expect(linked.length).toBeGreaterThanOrEqual(3);
    for (const node of linked) {
      expect(node.operation.code).toBe('SUNBIRD-IV');
      expect(node.operation.results.hits).toBeGreaterThan(0);
    }
  });

  test('a session outside any operation has a null operation', async () => {
    const data = await ok(`{ sessions(first: 100) { edges { node { operation { code } course { level } } } } }`);
    const standalone = data.sessions.edges.filter((e: any) => e.node.operation === null);
    expect(standalone.length).toBeGreaterThan(0);
  });

  test('participants carry handling owned by their agency, and their checkpoint', async () => {
    const data = await ok(`{ participants(first: 100, filter: { country: GHA }) { edges { node { agency country handling { owner classification releasableTo } checkpoint { name country } enrollments { session { course { code } } } } } } }`);
    const nodes = data.participants.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(10);
    for (const node of nodes) {
      expect(node).toMatchObject({ agency: 'ncb-gha', country: 'GHA', handling: { owner: 'ncb-gha', classification: 'RESTRICTED' } });
      if (node.checkpoint) expect(node.checkpoint.country).toBe('GHA');
    }
    expect(nodes.some((n: any) => n.checkpoint)).toBe(true);
    expect(nodes.every((n: any) => n.enrollments.length > 0)).toBe(true);
  });
});

describe('queries: filters and pagination', () => {
  /** Follows `endCursor` through a connection and returns every node. */
  async function walk(field: string, selection: string, first: number, filter = '') {
    const nodes: any[] = [];
    let after: string | null = null;
    for (let page = 0; page < 200; page++) {
      const data: any = await ok(`query($after: String) { ${field}(first: ${first}, after: $after${filter}) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`, { after });
      nodes.push(...data[field].edges.map((e: any) => e.node));
      if (!data[field].pageInfo.hasNextPage) return nodes;
      after = data[field].pageInfo.endCursor;
    }
    throw new Error(`${field}: more than 200 pages`);
  }

  test('sessions are walked once each, by first day then id', async () => {
    const pages = await walk('sessions', 'id startsOn', 4);
    const all = (await ok(`{ sessions(first: 100) { edges { node { id startsOn } } } }`)).sessions.edges.map((e: any) => e.node);
    expect(pages).toEqual(all);
    expect(new Set(pages.map((n: any) => n.id)).size).toBe(pages.length);
    const keys = pages.map((n: any) => `${n.startsOn}|${n.id}`);
    expect([...keys].sort()).toEqual(keys);
  });

  test('courses and participants page without gaps or repeats', async () => {
    const courses = await walk('courses', 'code', 4);
    expect(courses.length).toBeGreaterThanOrEqual(10);
    expect(courses.map((c: any) => c.code)).toEqual([...courses.map((c: any) => c.code)].sort());
    const participants = await walk('participants', 'id fullName', 100);
    expect(participants.length).toBeGreaterThanOrEqual(250);
    expect(new Set(participants.map((p: any) => p.id)).size).toBe(participants.length);
    const thai = await walk('participants', 'id country', 7, ', filter: { country: THA }');
    expect(thai.length).toBeGreaterThan(7);
    expect(thai.every((p: any) => p.country === 'THA')).toBe(true);
  });

  test('filters narrow sessions', async () => {
    const sunbird = await ok(`{ operation(code: "SUNBIRD-IV") { id } }`);
    const byOperation = await ok(`query($id: ID!) { sessions(first: 100, filter: { operationId: $id }) { edges { node { operation { id } } } } }`, { id: sunbird.operation.id });
    expect(byOperation.sessions.edges.length).toBeGreaterThanOrEqual(3);
    expect(byOperation.sessions.edges.every((e: any) => e.node.operation.id === sunbird.operation.id)).toBe(true);

    const completed = await ok(`{ sessions(first: 100, filter: { status: COMPLETED }) { edges { node { status endsOn } } } }`);
    expect(completed.sessions.edges.length).toBeGreaterThan(5);
    expect(completed.sessions.edges.every((e: any) => e.node.status === 'COMPLETED' && e.node.endsOn < day(0))).toBe(true);
    const cancelled = await ok(`{ sessions(first: 100, filter: { status: CANCELLED }) { edges { node { status cancelledAt } } } }`);
    expect(cancelled.sessions.edges.length).toBeGreaterThan(0);
    expect(cancelled.sessions.edges.every((e: any) => e.node.status === 'CANCELLED' && e.node.cancelledAt)).toBe(true);

    const window = await ok(`{ sessions(first: 100, filter: { hostCountry: JOR, from: "2026-01-01", to: "2026-06-30" }) { edges { node { hostCountry startsOn endsOn } } } }`);
    expect(window.sessions.edges.length).toBeGreaterThan(0);
    for (const { node } of window.sessions.edges) {
      expect(node.hostCountry).toBe('JOR');
      expect(node.endsOn >= '2026-01-01' && node.startsOn <= '2026-06-30').toBe(true);
    }
    const byCourse = await ok(`query($id: ID!) { sessions(first: 100, filter: { courseId: $id }) { edges { node { course { id } } } } }`, { id: courseId });
    expect(byCourse.sessions.edges.length).toBeGreaterThan(0);
    expect(byCourse.sessions.edges.every((e: any) => e.node.course.id === courseId)).toBe(true);
  });

  test.each([
    ['an inverted date range', `{ sessions(first: 5, filter: { from: "2026-05-01", to: "2026-04-01" }) { edges { cursor } } }`, 'BAD_USER_INPUT', /to \(2026-04-01\) is before from/],
    ['a forged session cursor', `{ sessions(first: 5, after: "Yzp4eXo") { edges { cursor } } }`, 'BAD_USER_INPUT', /pageInfo.endCursor/],
    ['a forged participant cursor', `{ participants(first: 5, after: "Yzp4eXo") { edges { cursor } } }`, 'BAD_USER_INPUT', /pageInfo.endCursor/],
    ['a page too large', `{ courses(first: 1000) { edges { cursor } } }`, 'BAD_USER_INPUT', /first must be between 1 and 100/],
  ])('refuses %s', async (_name, query, code, message) => {
    const error = await refused(query);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('scheduling', () => {
  test('a valid session is scheduled, linked to its operation', async () => {
    const operation = await createOperation(`TRN-LINK-${process.pid}`);
    const session = (await ok(SCHEDULE, { input: { courseId, startsOn: day(2), endsOn: day(4), hostCountry: 'THA', place: 'Bangkok', trainerOrganisation: 'hub', capacity: 500, operationId: operation.id } })).scheduleSession;
    expect(session).toMatchObject({ status: 'SCHEDULED', capacity: 500, course: { code: courseCode }, operation: { id: operation.id } });
    const back = await ok(`query($id: ID!) { operation(id: $id) { trainingSessions { id status } } }`, { id: operation.id });
    expect(back.operation.trainingSessions).toEqual([{ id: session.id, status: 'SCHEDULED' }]);
  });

  test.each([
    ['no capacity', { capacity: 0 }, 'BAD_USER_INPUT', /capacity must be a whole number from 1 to 500; got 0/],
    ['too much capacity', { capacity: 501 }, 'BAD_USER_INPUT', /capacity must be a whole number from 1 to 500; got 501/],
    ['an inverted period', { startsOn: day(5), endsOn: day(4) }, 'BAD_USER_INPUT', /endsOn must be on or after startsOn/],
    ['a session already over', { startsOn: day(-5), endsOn: day(-1) }, 'BAD_USER_INPUT', /endsOn must be today .* or later/],
    ['a session of months', { startsOn: day(1), endsOn: day(100) }, 'BAD_USER_INPUT', /at most 60 days/],
    ['an organisation code with spaces', { trainerOrganisation: 'Task Force' }, 'BAD_USER_INPUT', /not an organisation code/],
    ['an unknown course', { courseId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', /No Course/],
  ])('refuses %s', async (_name, overrides, code, message) => {
    const input = { courseId, startsOn: day(1), endsOn: day(3), hostCountry: 'THA', place: 'Bangkok', trainerOrganisation: 'hub', capacity: 10, ...overrides };
    const error = await refused(SCHEDULE, { input });
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('enrolment, assessment, certification', () => {
  test('enrolment is refused beyond capacity and twice for the same officer', async () => {
    const session = await schedule({ capacity: 2 });
    const first = officer();
    const a = await enrol(session.id, first);
    expect(a.participant).toMatchObject({ id: expect.any(String), agency: 'ncb-tha', handling: { owner: 'ncb-tha', classification: 'RESTRICTED' } });
    expect(a.session.enrolled).toBe(1);
    const twiceByNumber = await refused(ENROL, { input: { sessionId: session.id, participant: first } });
    expect(twiceByNumber.code).toBe('CONFLICT');
    expect(twiceByNumber.message).toMatch(/already enrolled .* once per session/);
    const twiceById = await refused(ENROL, { input: { sessionId: session.id, participantId: a.participant.id } });
    expect(twiceById.code).toBe('CONFLICT');
    // The refused second enrolments left the officer with the one enrolment they had.
    expect(await recorded(first.serviceNumber)).toEqual({ participants: 1, enrollments: 1 });
    const b = await enrol(session.id);
    expect(b.session.enrolled).toBe(2);
    const turnedAway = officer();
    const full = await refused(ENROL, { input: { sessionId: session.id, participant: turnedAway } });
    expect(full.code).toBe('CONFLICT');
    expect(full.message).toMatch(/is full \(2 of 2 places taken\)/);
    // The officer refused for lack of room is not recorded either: no participant, no enrolment.
    const count = await ok(`query($id: ID!) { session(id: $id) { enrolled enrollments { participant { id } } } }`, { id: session.id });
    expect(count.session.enrolled).toBe(2);
    expect(count.session.enrollments.map((e: any) => e.participant.id).sort()).toEqual([a.participant.id, b.participant.id].sort());
    expect(await recorded(turnedAway.serviceNumber)).toEqual({ participants: 0, enrollments: 0 });
  });

  test('a new officer is recorded with handling owned by the agency; an existing one can be enrolled by id elsewhere', async () => {
    const session = await schedule();
    const enrolment = (await ok(ENROL, { input: { sessionId: session.id, participant: officer({ agency: 'ncb-vnm', country: 'VNM' }) } })).enrol;
    expect(enrolment.participant).toMatchObject({ agency: 'ncb-vnm', handling: { owner: 'ncb-vnm', classification: 'RESTRICTED' } });
    const other = await schedule();
    const again = (await ok(ENROL, { input: { sessionId: other.id, participantId: enrolment.participant.id } })).enrol;
    expect(again.participant.id).toBe(enrolment.participant.id);
  });

  test('enrolment is refused after the session ended', async () => {
    const past = (await ok(`{ sessions(first: 1, filter: { status: COMPLETED }) { edges { node { id endsOn enrolled } } } }`)).sessions.edges[0].node;
    const late = officer();
    const error = await refused(ENROL, { input: { sessionId: past.id, participant: late } });
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(new RegExp(`ended on ${past.endsOn}: enrolments are accepted until its last day`));
    const after = await ok(`query($id: ID!) { session(id: $id) { enrolled } }`, { id: past.id });
    expect(after.session.enrolled).toBe(past.enrolled);
    expect(await recorded(late.serviceNumber)).toEqual({ participants: 0, enrollments: 0 });
  });

  test.each([
    ['neither an officer nor an id', {}],
    ['both an officer and an id', { participantId: '00000000-0000-4000-8000-000000000000', participant: { fullName: 'x', rank: 'x', country: 'THA', agency: 'ncb-tha', serviceNumber: 'x' } }],
  ])('enrolment with %s is refused', async (_name, who) => {
    const session = await schedule();
    const error = await refused(ENROL, { input: { sessionId: session.id, ...who } });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/exactly one of participantId .* or participant/);
  });

  test('unknown sessions, participants and enrolments are NOT_FOUND', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    expect((await refused(ENROL, { input: { sessionId: none, participant: officer() } })).code).toBe('NOT_FOUND');
    const session = await schedule();
    expect((await refused(ENROL, { input: { sessionId: session.id, participantId: none } })).code).toBe('NOT_FOUND');
    expect((await refused(ASSESS, { id: none, score: 80 })).code).toBe('NOT_FOUND');
    expect((await refused(CERTIFY, { id: none })).code).toBe('NOT_FOUND');
    expect((await refused(CANCEL, { id: none })).code).toBe('NOT_FOUND');
  });

  test('scores are 0 to 100; only a passing score is certified, once', async () => {
    const session = await schedule();
    const failing = await enrol(session.id);
    const passing = await enrol(session.id);

    for (const score of [101, -1]) {
      const error = await refused(ASSESS, { id: failing.id, score });
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/score must be a whole number from 0 to 100/);
    }
    const notAssessed = await refused(CERTIFY, { id: passing.id });
    expect(notAssessed.code).toBe('CONFLICT');
    expect(notAssessed.message).toMatch(/no assessment yet: record a score of at least 70/);

    expect((await ok(ASSESS, { id: failing.id, score: 65 })).recordAssessment).toMatchObject({ score: 65, passed: false });
    const belowPass = await refused(CERTIFY, { id: failing.id });
    expect(belowPass.code).toBe('CONFLICT');
    expect(belowPass.message).toMatch(/scored 65, below the pass mark: only a score from 70 to 100 can be certified/);

    expect((await ok(ASSESS, { id: passing.id, score: 88 })).recordAssessment).toMatchObject({ score: 88, passed: true });
    const certified = (await ok(CERTIFY, { id: passing.id })).certify;
    expect(certified.certification).toEqual({ certificateNumber: expect.stringMatching(new RegExp(`^${courseCode}-${day(0).slice(0, 4)}-[0-9A-F]{8}$`)), issuedOn: day(0) });
    const twice = await refused(CERTIFY, { id: passing.id });
    expect(twice.code).toBe('CONFLICT');
    expect(twice.message).toMatch(/already certified .* a certificate is issued once/);
    const rescore = await refused(ASSESS, { id: passing.id, score: 95 });
    expect(rescore.code).toBe('CONFLICT');
    expect(rescore.message).toMatch(/is certified .* score can no longer change/);

    const counts = await ok(`query($id: ID!) { session(id: $id) { enrolled certified } }`, { id: session.id });
    expect(counts.session).toEqual({ enrolled: 2, certified: 1 });
  });

  test('officersTrained follows certification in the operation', async () => {
    const operation = await createOperation(`TRN-CERT-${process.pid}`);
    const officerInput = officer();
    const sessions = [await schedule({ operationId: operation.id }), await schedule({ operationId: operation.id, startsOn: day(1) })];
    for (const session of sessions) {
      const enrolment = await enrol(session.id, officerInput);
      await ok(ASSESS, { id: enrolment.id, score: 90 });
      await ok(CERTIFY, { id: enrolment.id });
    }
    const someone = await enrol(sessions[0].id);
    await ok(ASSESS, { id: someone.id, score: 50 });
    const data = await ok(`query($id: ID!) { operation(id: $id) { officersTrained trainingSessions { enrolled certified } } }`, { id: operation.id });
    // The same officer certified in both sessions counts once; the one who failed not at all.
    expect(data.operation.officersTrained).toBe(1);
    expect(data.operation.trainingSessions).toEqual([{ enrolled: 2, certified: 1 }, { enrolled: 1, certified: 1 }]);
  });
});

describe('cancellation', () => {
  test('a session is cancelled once; then nobody enrols, is assessed or certified', async () => {
    const session = await schedule();
    const enrolment = await enrol(session.id);
    const cancelled = (await ok(CANCEL, { id: session.id })).cancelSession;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancelledAt).toEqual(expect.any(String));

    const twice = await refused(CANCEL, { id: session.id });
    expect(twice.code).toBe('CONFLICT');
    expect(twice.message).toMatch(/already cancelled .* cancelled once/);
    const late = officer();
    const enrolAfter = await refused(ENROL, { input: { sessionId: session.id, participant: late } });
    expect(enrolAfter.code).toBe('CONFLICT');
    expect(enrolAfter.message).toMatch(/is cancelled: enrol in a session that is scheduled or in progress/);
    expect(await recorded(late.serviceNumber)).toEqual({ participants: 0, enrollments: 0 });
    const assess = await refused(ASSESS, { id: enrolment.id, score: 90 });
    expect(assess.code).toBe('CONFLICT');
    expect(assess.message).toMatch(/is cancelled: its enrolments cannot be assessed/);
    const certify = await refused(CERTIFY, { id: enrolment.id });
    expect(certify.code).toBe('CONFLICT');
  });

  test('a session that has ended cannot be cancelled', async () => {
    const past = (await ok(`{ sessions(first: 1, filter: { status: COMPLETED }) { edges { node { id endsOn } } } }`)).sessions.edges[0].node;
    const error = await refused(CANCEL, { id: past.id });
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(new RegExp(`ended on ${past.endsOn}: only a session that is scheduled or in progress can be cancelled`));
    expect((await ok(`query($id: ID!) { session(id: $id) { status } }`, { id: past.id })).session.status).toBe('COMPLETED');
  });
});

describe('seed', () => {
  // A time bound fails on a busy machine, not on a bug; the statement count is what a row-by-row
  // reload would blow up, and it does not depend on the machine.
  test('loading the demo data again changes nothing, in a bounded number of statements', async () => {
    const { orm } = t.hub.subgraphs.get('training')!;
    const counts = () => orm.em.fork().getConnection().execute(
      `select (select count(*) from course)::int as courses, (select count(*) from training_session)::int as sessions,
              (select count(*) from participant)::int as participants, (select count(*) from enrollment)::int as enrollments,
              (select count(*) from enrollment where certificate_number is not null)::int as certified,
              -- No test edits the catalogue: every course row must come out of a second load exactly as it went in.
              (select md5(string_agg(c::text, '|' order by c.id)) from course c) as catalogue`);
    const [before] = await counts();
    const { statements } = await t.countSql(() => training.seed!(orm.em.fork(), { subjectRef: () => '' }));
    expect(await counts()).toEqual([before]);
    // 6 today, whatever the number of rows; row by row it would be hundreds.
    expect(statements).toBeLessThanOrEqual(20);
    expect(before.courses).toBeGreaterThanOrEqual(10);
    expect(before.certified).toBeGreaterThan(100);
  });
});

describe('no N+1', () => {
  test('training of 100 operations costs the same SQL as 10', async () => {
    const existing = (await ok(`{ operations(first: 100) { edges { cursor } } }`)).operations.edges.length;
    for (let i = existing; i < 100; i++) await createOperation(`TRN-N1-${process.pid}-${i}`);
    // Give some of the created operations sessions with trainees, so every nested list has rows.
    const page = (await ok(`{ operations(first: 100) { edges { node { id trainingSessions { id } } } } }`)).operations.edges.map((e: any) => e.node);
    for (const operation of page.filter((o: any) => o.trainingSessions.length === 0).slice(0, 15)) {
      const session = await schedule({ operationId: operation.id });
      await enrol(session.id, officer({ checkpointId: null }));
    }
    const query = `query($first: Int!) { operations(first: $first) { edges { node { code officersTrained trainingSessions {
      course { title } enrolled certified status operation { code } checkpointsStaffed { name }
      enrollments { score participant { fullName checkpoint { name } } } } } } } }`;
    const ten = await t.countSql(() => t.query(query, { first: 10 }));
    const hundred = await t.countSql(() => t.query(query, { first: 100 }));
    expect(ten.result.body.errors).toBeUndefined();
    expect(hundred.result.body.errors).toBeUndefined();
    const nodes = hundred.result.body.data.operations.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    expect(nodes.filter((n: any) => n.trainingSessions.length > 0).length).toBeGreaterThanOrEqual(10);
    expect(hundred.statements).toBe(ten.statements);
    expect(hundred.statements).toBeLessThanOrEqual(12);
  });
});
